// A partner's view of the API: authenticated calls and waits on the publish status.
import { Stack, waitUntil } from './stack';

export interface StepView {
  id: string;
  status: string;
  progressPercentage: number;
  messages: { messageHtml: string; level: string }[];
}

export interface StatusView {
  status: string;
  publishingVersion: number | null;
  steps: StepView[];
  previewLinks: { uri: string }[];
  liveLinks: { uri: string }[];
  notificationEmails: string;
  messages: { messageHtml: string }[];
}

export class Partner {
  constructor(
    readonly stack: Stack,
    readonly publisherId: string,
    readonly key: string,
  ) {}

  url(path: string): string {
    return this.stack.url(`/api/publishers/${this.publisherId}${path}`);
  }

  call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(this.url(path), {
      method,
      headers: { Authorization: `Bearer ${this.key}`, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  async putOffer(offerId: string, doc: unknown, ifMatch?: string): Promise<Response> {
    return this.call('PUT', `/offers/${offerId}`, doc, ifMatch ? { 'If-Match': ifMatch } : {});
  }

  async publish(offerId: string, emails = 'ops@contoso.example.com'): Promise<Response> {
    return this.call('POST', `/offers/${offerId}/publish`, { metadata: { 'notification-emails': emails } });
  }

  async status(offerId: string): Promise<StatusView> {
    const res = await this.call('GET', `/offers/${offerId}/status`);
    if (res.status !== 200) throw new Error(`status ${res.status}: ${await res.text()}`);
    return (await res.json()) as StatusView;
  }

  async waitForStatus(offerId: string, wanted: string[], timeoutMs = 30_000): Promise<StatusView> {
    return waitUntil(
      async () => {
        const s = await this.status(offerId);
        return wanted.includes(s.status) ? s : undefined;
      },
      timeoutMs,
      `${offerId} to reach ${wanted.join('/')}`,
    );
  }

  async outbox(): Promise<{ subject: string; kind: string; to: string[]; plainText: string }[]> {
    const res = await this.call('GET', '/outbox?top=200');
    return (await res.json()) as { subject: string; kind: string; to: string[]; plainText: string }[];
  }
}
