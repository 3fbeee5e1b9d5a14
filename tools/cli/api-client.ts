// The partner API as the CLI uses it. Every non-2xx answer becomes an ApiFailure carrying the
// service's error code, message and details, which main.ts prints as `error <code>: <message>`.
import type { Connection } from './profile';

export interface ErrorDetail {
  path?: string;
  rule?: string;
  message?: string;
  [k: string]: unknown;
}

export class ApiFailure extends Error {
  /** What the user can do about it, printed after the service's message. */
  hint?: string;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown[] = [],
  ) {
    super(message);
  }
}

export interface StepBody {
  id: string;
  stepName: string;
  description: string;
  status: string;
  progressPercentage: number;
  estimatedTimeFrame: string;
  messages: { messageHtml: string; level: string; timestamp: string }[];
}

export interface StatusBody {
  status: string;
  publishingVersion: number | null;
  messages: { messageHtml: string; level: string }[];
  steps: StepBody[];
  previewLinks: { displayText: string; uri: string }[];
  liveLinks: { displayText: string; uri: string }[];
  notificationEmails: string;
  changedTime: string;
}

export interface OfferSummary {
  id: string;
  title: string;
  status: string;
  publishingVersion: number | null;
  changedTime: string;
}

export interface Accepted {
  operationId: string;
  publishingVersion: number;
  status: string;
}

interface Answer<T> {
  status: number;
  headers: Headers;
  body: T;
}

const TIMEOUT_MS = 30_000;

export class PartnerApi {
  constructor(
    readonly conn: Connection,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  private offersUrl(path = ''): string {
    return `${this.conn.url}/api/publishers/${encodeURIComponent(this.conn.publisher)}/offers${path}`;
  }

  async request<T>(
    method: string,
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer<T>> {
    let res: Response;
    try {
      res = await this.fetchImpl(url, {
        method,
        headers: {
          Authorization: `Bearer ${this.conn.key}`,
          Accept: 'application/json',
          // The service's history names the channel a command came through (functions/_shared/actor.ts).
          'X-Offers-Client': 'cli',
          ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (e) {
      // Node's fetch hides the reason (ECONNREFUSED, …) in `cause`.
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (e as Error).message;
      throw new ApiFailure(0, 'ConnectionFailed', `could not reach ${this.conn.url} (${why})`);
    }
    const text = await res.text();
    let parsed: unknown = undefined;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
    }
    if (!res.ok) {
      const err = (parsed as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
      if (err && typeof err.message === 'string') {
        throw new ApiFailure(
          res.status,
          err.code ?? `HTTP${res.status}`,
          err.message,
          Array.isArray(err.details) ? err.details : err.details !== undefined ? [err.details] : [],
        );
      }
      throw new ApiFailure(
        res.status,
        `HTTP${res.status}`,
        text.trim().slice(0, 300) || res.statusText || 'request failed',
      );
    }
    return { status: res.status, headers: res.headers, body: parsed as T };
  }

  /** Checks the origin, publisher and key with the cheapest authenticated call. */
  async verify(): Promise<void> {
    await this.request<unknown>('GET', this.offersUrl('?top=1'));
  }

  /** Every offer, following continuation tokens. */
  async listOffers(): Promise<OfferSummary[]> {
    const all: OfferSummary[] = [];
    let token: string | null = null;
    do {
      const q: string = `?top=200${token ? `&continuationToken=${encodeURIComponent(token)}` : ''}`;
      const page: Answer<OfferSummary[]> = await this.request<OfferSummary[]>('GET', this.offersUrl(q));
      all.push(...page.body);
      token = page.headers.get('x-ms-continuation-token');
    } while (token);
    return all;
  }

  async getOffer(
    offerId: string,
    opts: { slot?: string; version?: number } = {},
  ): Promise<{ etag: string | null; body: Record<string, unknown> }> {
    const id = encodeURIComponent(offerId);
    const suffix = opts.version !== undefined ? `/versions/${opts.version}` : opts.slot ? `/slot/${opts.slot}` : '';
    const a = await this.request<Record<string, unknown>>('GET', this.offersUrl(`/${id}${suffix}`));
    return { etag: a.headers.get('etag'), body: a.body };
  }

  async putOffer(offerId: string, doc: unknown, ifMatch?: string): Promise<{ created: boolean; etag: string | null }> {
    const a = await this.request<unknown>(
      'PUT',
      this.offersUrl(`/${encodeURIComponent(offerId)}`),
      doc,
      ifMatch ? { 'If-Match': ifMatch } : {},
    );
    return { created: a.status === 201, etag: a.headers.get('etag') };
  }

  async publish(offerId: string, emails: string): Promise<Accepted> {
    return (
      await this.request<Accepted>('POST', this.offersUrl(`/${encodeURIComponent(offerId)}/publish`), {
        metadata: { 'notification-emails': emails },
      })
    ).body;
  }

  /** Go Live or Cancel; `repeat` is true when the service answered 200 (already done). */
  async signoff(offerId: string, kind: 'golive' | 'cancel'): Promise<Accepted & { repeat: boolean }> {
    const a = await this.request<Accepted>('POST', this.offersUrl(`/${encodeURIComponent(offerId)}/${kind}`), {});
    return { ...a.body, repeat: a.status === 200 };
  }

  async status(offerId: string): Promise<StatusBody> {
    return (await this.request<StatusBody>('GET', this.offersUrl(`/${encodeURIComponent(offerId)}/status`))).body;
  }
}
