// Marketo for tests: a local server playing any number of Marketo subscriptions under
// `/{munchkinId}` (set MARKETO_REST_BASE_URL_TEMPLATE to `baseTemplate`), each with its Identity
// service (`/identity/oauth/token`, client credentials, 401 invalid_client on bad ones, the same
// token back until it expires) and Submit Form (`POST /rest/v1/leads/submitForm.json`). As Marketo
// does, it answers HTTP 200 with `success: false` and an error code for most failures (601/602 for
// an invalid or expired token, 606 for the rate limit …), and skips a record with `reasons` when a
// field is not on the form. It can be told to answer any error code or HTTP status for a while.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { readBody } from './fake-dynamics';

export interface FakeMarketoAccount {
  munchkinId: string;
  clientId: string;
  clientSecret: string;
  /** Form id → the REST names of the fields on that form. */
  forms: Record<number, string[]>;
}

export interface Submission {
  munchkinId: string;
  formId: number;
  fields: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  id: number;
  status: 'created' | 'updated';
}

export interface IdentityRequest {
  munchkinId: string;
  method: string;
  params: Record<string, string>;
  status: number;
}

/** For `times` Submit Form requests (default: until `behave()`): a Marketo error code (HTTP 200) or an HTTP status. */
export type MarketoFault = ({ code: string; message: string } | { httpStatus: number; body?: string }) & {
  times?: number;
};

export interface FakeMarketo {
  origin: string;
  host: string;
  /** For MARKETO_REST_BASE_URL_TEMPLATE. */
  baseTemplate: string;
  addAccount(account: FakeMarketoAccount): void;
  /** Lifetime of tokens issued from now on (Marketo: 3600 s when created). */
  tokenLifetime(seconds: number): void;
  /** Tokens issued so far expire now (Submit Form answers 602 for them). */
  expireTokens(): void;
  identityRequests: IdentityRequest[];
  submissions: Submission[];
  submitAttempts(): number;
  misbehave(fault: MarketoFault): void;
  behave(): void;
  close(): Promise<void>;
}

// The documented shape of a request id: hex, '#', hex.
const requestId = () => `${Math.floor(Math.random() * 0xfffff).toString(16)}#${Date.now().toString(16)}`;

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8' }).end(JSON.stringify(body));
}

/** Marketo's response-level error, always with HTTP 200. */
function marketoError(res: http.ServerResponse, code: string, message: string): void {
  json(res, 200, { requestId: requestId(), success: false, errors: [{ code, message }] });
}

function skipped(res: http.ServerResponse, code: string, message: string): void {
  json(res, 200, {
    requestId: requestId(),
    success: true,
    result: [{ status: 'skipped', reasons: [{ code, message }] }],
  });
}

export async function startFakeMarketo(): Promise<FakeMarketo> {
  const accounts = new Map<string, FakeMarketoAccount>();
  const tokens = new Map<string, { munchkinId: string; clientId: string; expires: number }>();
  const people = new Map<string, number>(); // munchkinId/email → lead id
  const identityRequests: IdentityRequest[] = [];
  const submissions: Submission[] = [];
  let lifetime = 3600;
  let submitAttempts = 0;
  let nextId = 318_000;
  let fault: MarketoFault | undefined;

  async function identity(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    account: FakeMarketoAccount,
  ): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const params = Object.fromEntries(url.searchParams);
    if (
      req.method === 'POST' &&
      String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')
    ) {
      Object.assign(params, Object.fromEntries(new URLSearchParams(await readBody(req))));
    }
    const record: IdentityRequest = { munchkinId: account.munchkinId, method: req.method ?? '', params, status: 200 };
    identityRequests.push(record);
    if (params.grant_type !== 'client_credentials') {
      record.status = 400;
      return json(res, 400, {
        error: 'unsupported_grant_type',
        error_description: `Unsupported grant type: ${params.grant_type ?? ''}`,
      });
    }
    if (params.client_id !== account.clientId || params.client_secret !== account.clientSecret) {
      record.status = 401;
      return json(res, 401, { error: 'invalid_client', error_description: 'Bad client credentials' });
    }
    // Asked again before it expires, the Identity service hands back the same token with the time it has left.
    const now = Date.now();
    for (const [token, t] of tokens) {
      if (t.munchkinId === account.munchkinId && t.clientId === account.clientId && t.expires > now) {
        return json(res, 200, {
          access_token: token,
          token_type: 'bearer',
          expires_in: Math.floor((t.expires - now) / 1000),
          scope: `api@${account.munchkinId.toLowerCase()}.example.com`,
        });
      }
    }
    const token = `${randomUUID()}:ab`;
    tokens.set(token, { munchkinId: account.munchkinId, clientId: account.clientId, expires: now + lifetime * 1000 });
    json(res, 200, {
      access_token: token,
      token_type: 'bearer',
      expires_in: lifetime,
      scope: `api@${account.munchkinId.toLowerCase()}.example.com`,
    });
  }

  async function submitForm(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    account: FakeMarketoAccount,
  ): Promise<void> {
    submitAttempts++;
    const body = await readBody(req);
    if (req.method !== 'POST') return marketoError(res, '605', 'HTTP Method not supported');
    const bearer = /^Bearer (\S+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
    const grant = bearer ? tokens.get(bearer) : undefined;
    if (!grant || grant.munchkinId !== account.munchkinId) return marketoError(res, '601', 'Access token invalid');
    if (grant.expires <= Date.now()) return marketoError(res, '602', 'Access token expired');
    if (fault) {
      const f = fault;
      if (f.times !== undefined && --f.times <= 0) fault = undefined;
      if ('httpStatus' in f)
        return void res
          .writeHead(f.httpStatus, { 'content-type': 'text/html' })
          .end(f.body ?? '<html><body><h1>Service Unavailable</h1></body></html>');
      return marketoError(res, f.code, f.message);
    }
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json'))
      return marketoError(res, '612', 'Invalid Content Type');
    let request: { formId?: unknown; input?: unknown };
    try {
      request = JSON.parse(body) as typeof request;
    } catch {
      return marketoError(res, '609', 'Invalid JSON');
    }
    if (typeof request.formId !== 'number') return marketoError(res, '701', 'formId cannot be blank');
    const formFields = account.forms[request.formId];
    if (!formFields) return marketoError(res, '610', 'Requested resource not found');
    const input = Array.isArray(request.input) ? (request.input as { leadFormFields?: Record<string, unknown> }[]) : [];
    if (input.length !== 1 || !input[0]?.leadFormFields || typeof input[0].leadFormFields !== 'object')
      return skipped(res, '1003', 'Invalid data');
    const fields = input[0].leadFormFields;
    for (const name of Object.keys(fields))
      if (!formFields.includes(name)) return skipped(res, '1006', `Field '${name}' not found`);
    if (typeof fields.email !== 'string' || fields.email === '')
      return skipped(res, '1002', "Missing value for the required parameter 'email'");
    if (!/^[\x21-\x7e]+@[\x21-\x7e]+$/.test(fields.email))
      return skipped(res, '1001', `Invalid value '${fields.email}'. Required of type 'email'`);
    // Submit Form upserts on email.
    const key = `${account.munchkinId}/${fields.email.toLowerCase()}`;
    const existing = people.get(key);
    const id = existing ?? nextId++;
    people.set(key, id);
    const status = existing === undefined ? 'created' : 'updated';
    submissions.push({
      munchkinId: account.munchkinId,
      formId: request.formId,
      fields: fields as Record<string, string>,
      headers: req.headers,
      id,
      status,
    });
    json(res, 200, { requestId: requestId(), result: [{ id, status }], success: true });
  }

  const server = http.createServer((req, res) => {
    const p = new URL(req.url ?? '/', 'http://x').pathname;
    const m = /^\/([^/]+)(\/.*)$/.exec(p);
    const account = m ? accounts.get(decodeURIComponent(m[1]).toUpperCase()) : undefined;
    let run: Promise<void>;
    if (!m || !account)
      run = Promise.resolve(
        void res.writeHead(404, { 'content-type': 'text/html' }).end('<html><body>Not Found</body></html>'),
      );
    else if (m[2] === '/identity/oauth/token') run = identity(req, res, account);
    else if (m[2] === '/rest/v1/leads/submitForm.json') run = submitForm(req, res, account);
    else run = Promise.resolve(marketoError(res, '610', 'Requested resource not found'));
    run.catch((e: Error) => {
      if (!res.headersSent) res.writeHead(500).end(e.message);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  const origin = `http://${host}`;
  return {
    origin,
    host,
    baseTemplate: `${origin}/{munchkinId}`,
    addAccount: (a) => void accounts.set(a.munchkinId.toUpperCase(), a),
    tokenLifetime: (s) => void (lifetime = s),
    expireTokens: () => {
      for (const t of tokens.values()) t.expires = 0;
    },
    identityRequests,
    submissions,
    submitAttempts: () => submitAttempts,
    misbehave: (f) => void (fault = { ...f }),
    behave: () => void (fault = undefined),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
