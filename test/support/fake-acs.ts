// A local stand-in for the Azure Communication Services e-mail endpoint, speaking the wire protocol the
// real @azure/communication-email SDK uses (see shared/reference/ecosystem-notes.md, "E-mail"):
//   POST /emails:send?api-version=…  (HMAC-SHA256 signed, header Operation-Id: <uuid>) → 202 + Operation-Location
//   GET  /emails/operations/{id}?api-version=…  → {id, status: Running | Succeeded | Failed, error?}
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';

export interface DeliveredEmail {
  operationId: string;
  senderAddress: string;
  subject: string;
  plainText?: string;
  html?: string;
  to: string[];
  cc: string[];
  bcc: string[];
}

/**
 * send-5xx: the POST answers 500 and nothing is accepted (the SDK's retry policy retries it).
 * lost-response: the mail is accepted but the POST answers 503, as when a response is lost on the way back;
 *   a retry must carry the same Operation-Id to avoid a second delivery.
 * operation-failed: the POST is accepted, the operation ends Failed with error{code,message}; nothing is delivered.
 */
export type FailureMode = 'send-5xx' | 'lost-response' | 'operation-failed';

export interface FakeAcs {
  endpoint: string;
  accessKey: string;
  connectionString: string;
  delivered: DeliveredEmail[];
  /** Every request as received (method, path and query, Operation-Id), for asserting what the SDK sent. */
  requests: { method: string; url: string; operationId?: string; status: number }[];
  /** How many status polls answer Running before the operation finishes. */
  runningPolls: number;
  failNext(n: number, mode: FailureMode): void;
  close(): Promise<void>;
}

interface Operation {
  id: string;
  polls: number;
  outcome: 'Succeeded' | 'Failed';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CLOCK_SKEW_MS = 15 * 60_000;
const FAILED_ERROR = { code: 'FakeInjectedFailure', message: 'The fake ACS was told to fail this operation.' };

export async function startFakeAcs(opts: { accessKey?: string; runningPolls?: number } = {}): Promise<FakeAcs> {
  const accessKey = opts.accessKey ?? Buffer.from('fake-acs-access-key-for-tests-only').toString('base64');
  const operations = new Map<string, Operation>();
  const failures: FailureMode[] = [];

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const operationId = header(req, 'operation-id') ?? header(req, 'repeatability-request-id');
      const reply = (status: number, json: unknown, headers: Record<string, string> = {}) => {
        fake.requests.push({ method: req.method ?? '', url: req.url ?? '', operationId, status });
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(json));
      };
      const error = (status: number, code: string, message: string) => reply(status, { error: { code, message } });

      const url = new URL(req.url ?? '/', 'http://fake');
      if (!authorized(req, body, accessKey)) return error(401, 'Denied', 'Denied by the resource provider.');
      if (!url.searchParams.get('api-version'))
        return error(400, 'MissingApiVersionParameter', 'The api-version query parameter is required.');

      if (req.method === 'POST' && url.pathname === '/emails:send') {
        const message = parseMessage(body);
        if (typeof message === 'string') return error(400, 'BadRequest', message);
        if (operationId !== undefined && !UUID.test(operationId))
          return error(400, 'BadRequest', 'Operation-Id must be a GUID.');
        const id = operationId ?? randomUUID();
        const location = {
          'operation-location': `${fake.endpoint}/emails/operations/${id}?api-version=${url.searchParams.get('api-version')}`,
        };
        const known = operations.get(id);
        // A repeated Operation-Id is the same operation: answered again, never delivered twice. One that
        // Failed is run afresh (a retry after a failure must be able to succeed).
        if (known && known.outcome !== 'Failed') return reply(202, { id, status: 'Running' }, location);
        const failure = failures.shift();
        if (failure === 'send-5xx')
          return error(500, 'InternalServerError', 'The fake ACS was told to fail this send.');
        const op: Operation = { id, polls: 0, outcome: failure === 'operation-failed' ? 'Failed' : 'Succeeded' };
        operations.set(id, op);
        if (op.outcome === 'Succeeded') fake.delivered.push({ operationId: id, ...message });
        if (failure === 'lost-response')
          return error(503, 'ServiceUnavailable', 'The fake ACS accepted the mail but lost the response.');
        return reply(202, { id, status: 'Running' }, location);
      }

      const m = /^\/emails\/operations\/([^/]+)$/.exec(url.pathname);
      if (req.method === 'GET' && m) {
        const op = operations.get(decodeURIComponent(m[1]));
        if (!op) return error(404, 'NotFound', 'No such operation.');
        if (++op.polls <= fake.runningPolls) return reply(200, { id: op.id, status: 'Running' });
        return reply(
          200,
          op.outcome === 'Failed'
            ? { id: op.id, status: 'Failed', error: FAILED_ERROR }
            : { id: op.id, status: 'Succeeded' },
        );
      }
      return error(404, 'NotFound', `No route for ${req.method} ${url.pathname}`);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const fake: FakeAcs = {
    endpoint,
    accessKey,
    connectionString: `endpoint=${endpoint}/;accesskey=${accessKey}`,
    delivered: [],
    requests: [],
    runningPolls: opts.runningPolls ?? 1,
    failNext(n, mode) {
      for (let i = 0; i < n; i++) failures.push(mode);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return fake;
}

/**
 * ACS HMAC auth: Signature = base64(HMAC-SHA256(base64decode(key), "METHOD\npathAndQuery\ndate;host;contentHash"))
 * over SignedHeaders=x-ms-date;host;x-ms-content-sha256, where the content hash must match the body.
 */
function authorized(req: http.IncomingMessage, body: Buffer, accessKey: string): boolean {
  const date = header(req, 'x-ms-date');
  const host = header(req, 'host');
  const contentHash = header(req, 'x-ms-content-sha256');
  const auth = /^HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=(.+)$/.exec(
    header(req, 'authorization') ?? '',
  );
  if (!date || !host || !contentHash || !auth) return false;
  if (!(Math.abs(Date.parse(date) - Date.now()) <= CLOCK_SKEW_MS)) return false;
  if (contentHash !== createHash('sha256').update(body).digest('base64')) return false;
  const toSign = `${req.method}\n${req.url}\n${date};${host};${contentHash}`;
  const expected = createHmac('sha256', Buffer.from(accessKey, 'base64')).update(toSign).digest();
  const given = Buffer.from(auth[1], 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The body shape ACS requires; a string is the reason it is refused. */
function parseMessage(body: Buffer): Omit<DeliveredEmail, 'operationId'> | string {
  let m: any;
  try {
    m = JSON.parse(body.toString('utf8'));
  } catch {
    return 'The request body is not valid JSON.';
  }
  const isAddress = (a: unknown) => typeof a === 'string' && /^[^@\s]+@[^@\s]+$/.test(a);
  if (!isAddress(m?.senderAddress)) return 'senderAddress must be an e-mail address.';
  if (typeof m.content?.subject !== 'string' || !m.content.subject) return 'content.subject is required.';
  if (typeof m.content.plainText !== 'string' && typeof m.content.html !== 'string')
    return 'content.plainText or content.html is required.';
  const list = (name: 'to' | 'cc' | 'bcc'): string[] | undefined => {
    const v = m.recipients?.[name] ?? (name === 'to' ? undefined : []);
    return Array.isArray(v) && v.every((r) => isAddress(r?.address)) ? v.map((r) => r.address as string) : undefined;
  };
  const [to, cc, bcc] = [list('to'), list('cc'), list('bcc')];
  if (!to || !cc || !bcc) return 'recipients.to[].address (and any cc/bcc) must be e-mail addresses.';
  if (to.length + cc.length + bcc.length === 0) return 'At least one recipient is required.';
  return {
    senderAddress: m.senderAddress,
    subject: m.content.subject,
    plainText: m.content.plainText,
    html: m.content.html,
    to,
    cc,
    bcc,
  };
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
