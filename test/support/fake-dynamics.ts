// Dynamics 365 for tests: one local server that is both Microsoft Entra ID's token endpoint
// (`/{tenant}/oauth2/v2.0/token`, client credentials and password grants, the documented error
// bodies) and a Dataverse instance (`POST /api/data/v9.2/leads` with bearer tokens, OData headers,
// lead columns checked, 204 + OData-EntityId). Point DYNAMICS_AUTHORITY_HOST and the instance URL
// at `origin`. It can be told to refuse leads (any status, Dataverse's error body), to throttle
// (429 + Retry-After) or to fail (500), and to expire the tokens it has issued.
// Plain HTTP by default (in-process tests cannot trust a new CA); `tls: true` serves HTTPS with a
// self-signed certificate for a devhost started with NODE_EXTRA_CA_CERTS = `caFile`.
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A self-signed certificate for 127.0.0.1, made with openssl (which the tests that ask for TLS need). */
export function selfSignedTls(): { key: string; cert: string; caFile: string; dispose(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-crm-'));
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'ignore' },
  );
  return {
    key: fs.readFileSync(key, 'utf8'),
    cert: fs.readFileSync(cert, 'utf8'),
    caFile: cert,
    dispose: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

export function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** An Entra ID application registration with a secret, and whether its Dataverse application user has the lead-writer role. */
export interface FakeApp {
  tenant: string;
  clientId: string;
  secret: string;
  /** false: the application user exists but may not create leads (403). Default true. */
  canCreateLeads?: boolean;
  /** false: Entra ID issues tokens, but the instance has no application user for it (401). Default true. */
  knownToInstance?: boolean;
}

/** An Office 365 user for the password grant, through the service's public client id. */
export interface FakeUser {
  tenant: string;
  username: string;
  password: string;
}

export interface TokenRequest {
  tenant: string;
  form: Record<string, string>;
  contentType: string;
  status: number;
}

export interface ReceivedLead {
  row: Record<string, unknown>;
  headers: http.IncomingHttpHeaders;
  leadId: string;
  /** The app or user the bearer token was issued to. */
  principal: string;
}

/** How the lead endpoint misbehaves, for `times` requests (default: until `behave()`). */
export type LeadFault =
  | { kind: 'refuse'; status: number; code?: string; message: string; times?: number }
  | { kind: 'throttle'; retryAfterSeconds: number; times?: number }
  | { kind: 'fail'; times?: number };

export interface FakeDynamics {
  origin: string;
  /** `127.0.0.1:<port>`, for OUTBOUND_ALLOWED_HOSTS. */
  host: string;
  caFile: string | undefined;
  /** The client id this "service" registered as a public client for the password grant. */
  publicClientId: string;
  addApp(app: FakeApp): void;
  addUser(user: FakeUser): void;
  /** Lifetime of tokens issued from now on (default 3599 s, as Entra ID answers). */
  tokenLifetime(seconds: number): void;
  /** Every token issued so far stops working, as if it had expired. */
  expireTokens(): void;
  tokenRequests: TokenRequest[];
  /** Requests to the lead endpoint, accepted or not. */
  leadAttempts(): number;
  leads: ReceivedLead[];
  misbehave(fault: LeadFault): void;
  behave(): void;
  close(): Promise<void>;
}

// Lead columns this instance knows, with their maximum lengths (the lead table's metadata).
const COLUMNS: Record<string, number> = {
  subject: 300,
  firstname: 50,
  lastname: 50,
  companyname: 100,
  emailaddress1: 100,
  telephone1: 50,
  mobilephone: 20,
  jobtitle: 100,
  description: 2000,
  address1_country: 80,
  address1_city: 80,
  websiteurl: 200,
};
const LEAD_SOURCE_CODES = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

function entraError(res: http.ServerResponse, status: number, error: string, code: number, description: string): void {
  const trace = randomUUID();
  const correlation = randomUUID();
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(
    JSON.stringify({
      error,
      error_description: `AADSTS${code}: ${description}\r\nTrace ID: ${trace}\r\nCorrelation ID: ${correlation}\r\nTimestamp: ${new Date().toISOString().replace('T', ' ').slice(0, 19)}Z`,
      error_codes: [code],
      timestamp: new Date().toISOString(),
      trace_id: trace,
      correlation_id: correlation,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    }),
  );
}

function dataverseError(
  res: http.ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  res
    .writeHead(status, {
      'content-type': 'application/json; odata.metadata=minimal',
      'odata-version': '4.0',
      ...headers,
    })
    .end(JSON.stringify({ error: { code, message } }));
}

export async function startFakeDynamics(options: { tls?: boolean } = {}): Promise<FakeDynamics> {
  const apps: FakeApp[] = [];
  const users: FakeUser[] = [];
  const publicClientId = randomUUID();
  const tokens = new Map<string, { principal: string; audience: string; expires: number; app?: FakeApp }>();
  const tokenRequests: TokenRequest[] = [];
  const leads: ReceivedLead[] = [];
  let lifetime = 3599;
  let leadAttempts = 0;
  let fault: LeadFault | undefined;
  let origin = '';

  const issue = (res: http.ServerResponse, record: TokenRequest, principal: string, scope: string, app?: FakeApp) => {
    record.status = 200;
    const accessToken = `eyJ0eXAiOiJKV1Qi.${randomBytes(24).toString('base64url')}`;
    tokens.set(accessToken, {
      principal,
      audience: scope.replace(/\/\.default$/, ''),
      expires: Date.now() + lifetime * 1000,
      app,
    });
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(
      JSON.stringify({
        token_type: 'Bearer',
        expires_in: lifetime,
        ext_expires_in: lifetime,
        access_token: accessToken,
      }),
    );
  };

  async function token(req: http.IncomingMessage, res: http.ServerResponse, tenant: string): Promise<void> {
    const contentType = String(req.headers['content-type'] ?? '');
    const form = Object.fromEntries(new URLSearchParams(await readBody(req)));
    const record: TokenRequest = { tenant, form, contentType, status: 0 };
    tokenRequests.push(record);
    const fail = (status: number, error: string, code: number, description: string) => {
      record.status = status;
      entraError(res, status, error, code, description);
    };
    if (req.method !== 'POST') return fail(400, 'invalid_request', 900561, 'The endpoint only accepts POST requests.');
    if (!contentType.startsWith('application/x-www-form-urlencoded'))
      return fail(
        400,
        'invalid_request',
        900144,
        "The request body must contain the following parameter: 'grant_type'.",
      );
    for (const p of ['grant_type', 'client_id', 'scope'])
      if (!form[p])
        return fail(400, 'invalid_request', 900144, `The request body must contain the following parameter: '${p}'.`);
    if (!form.scope.endsWith('/.default') || form.scope.split(' ').length > 1) {
      return fail(
        400,
        'invalid_scope',
        70011,
        `The provided value for the input parameter 'scope' is not valid. The scope ${form.scope} is not valid.`,
      );
    }
    if (form.scope !== `${origin}/.default`) {
      return fail(
        400,
        'invalid_resource',
        500011,
        `The resource principal named ${form.scope.replace(/\/\.default$/, '')} was not found in the tenant named ${tenant}.`,
      );
    }
    if (form.grant_type === 'client_credentials') {
      if (!apps.some((a) => a.tenant === tenant))
        return fail(
          400,
          'invalid_request',
          90002,
          `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
        );
      const app = apps.find((a) => a.tenant === tenant && a.clientId === form.client_id);
      if (!app)
        return fail(
          400,
          'unauthorized_client',
          700016,
          `Application with identifier '${form.client_id}' was not found in the directory '${tenant}'.`,
        );
      if (!form.client_secret)
        return fail(
          401,
          'invalid_client',
          7000218,
          "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
        );
      if (form.client_secret !== app.secret)
        return fail(
          401,
          'invalid_client',
          7000215,
          'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.',
        );
      return issue(res, record, `app:${app.clientId}`, form.scope, app);
    }
    if (form.grant_type === 'password') {
      if (tenant === 'common' || tenant === 'consumers')
        return fail(
          400,
          'invalid_request',
          9001023,
          'The grant type is not supported over the /common or /consumers endpoints.',
        );
      if (form.client_id !== publicClientId)
        return fail(
          400,
          'unauthorized_client',
          700016,
          `Application with identifier '${form.client_id}' was not found in the directory.`,
        );
      const user = users.find(
        (u) =>
          u.username.toLowerCase() === String(form.username ?? '').toLowerCase() &&
          (tenant === 'organizations' || u.tenant === tenant),
      );
      if (!user || form.password !== user.password)
        return fail(400, 'invalid_grant', 50126, 'Error validating credentials due to invalid username or password.');
      return issue(res, record, `user:${user.username}`, form.scope);
    }
    return fail(
      400,
      'unsupported_grant_type',
      70003,
      `The app requested an unsupported grant type '${form.grant_type}'.`,
    );
  }

  async function createLead(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    leadAttempts++;
    const body = await readBody(req);
    const challenge = {
      'www-authenticate': `Bearer authorization_uri=${origin}/common/oauth2/authorize, resource_id=${origin}/`,
    };
    const auth = /^Bearer (\S+)$/.exec(String(req.headers.authorization ?? ''));
    const grant = auth ? tokens.get(auth[1]) : undefined;
    // Dataverse answers an unusable token with 401 and a bearer challenge, no JSON body.
    if (!grant || grant.expires <= Date.now() || grant.audience !== origin)
      return void res.writeHead(401, challenge).end();
    if (grant.app?.knownToInstance === false) {
      return dataverseError(res, 401, '0x80072560', `The user is not a member of the organization.`, challenge);
    }
    if (fault) {
      const f = fault;
      if (f.times !== undefined && --f.times <= 0) fault = undefined;
      if (f.kind === 'refuse') return dataverseError(res, f.status, f.code ?? '0x0', f.message);
      if (f.kind === 'throttle')
        return dataverseError(
          res,
          429,
          '0x80072322',
          'Number of requests exceeded the limit of 6000 over time window of 300 seconds.',
          { 'retry-after': String(f.retryAfterSeconds) },
        );
      return dataverseError(res, 500, '0x80040216', 'An unexpected error occurred.');
    }
    if (req.headers['odata-version'] !== '4.0' || req.headers['odata-maxversion'] !== '4.0') {
      return dataverseError(
        res,
        400,
        '0x0',
        'The OData-Version and OData-MaxVersion headers must be 4.0 for this test instance.',
      );
    }
    if (!String(req.headers.accept ?? '').includes('application/json'))
      return dataverseError(res, 406, '0x0', 'The Accept header must include application/json.');
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json'))
      return dataverseError(res, 415, '0x80048d19', 'Unsupported Content-Type; use application/json.');
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(body) as Record<string, unknown>;
    } catch {
      return dataverseError(
        res,
        400,
        '0x80048d19',
        "Error identified in Payload provided by the user for Entity :'leads'.",
      );
    }
    for (const [column, value] of Object.entries(row)) {
      if (column === 'leadsourcecode') {
        if (typeof value !== 'number' || !LEAD_SOURCE_CODES.has(value))
          return dataverseError(
            res,
            400,
            '0x8004431a',
            `A validation error occurred. The value ${JSON.stringify(value)} of 'leadsourcecode' on record of type 'lead' is outside the valid range.`,
          );
        continue;
      }
      if (!(column in COLUMNS))
        return dataverseError(
          res,
          400,
          '0x0',
          `Could not find a property named '${column}' on type 'Microsoft.Dynamics.CRM.lead'.`,
        );
      if (typeof value !== 'string')
        return dataverseError(
          res,
          400,
          '0x0',
          `Cannot convert the literal '${JSON.stringify(value)}' to the expected type 'Edm.String'.`,
        );
      if (value.length > COLUMNS[column])
        return dataverseError(
          res,
          400,
          '0x80044331',
          `A validation error occurred. The length of the '${column}' attribute of the 'lead' entity exceeded the maximum allowed length of '${COLUMNS[column]}'.`,
        );
    }
    if (grant.app?.canCreateLeads === false) {
      return dataverseError(
        res,
        403,
        '0x80042f09',
        `Principal user (Id=${randomUUID()}, type=8, roleCount=0, privilegeCount=0) is missing prvCreateLead privilege on OTC=4 for entity 'lead'.`,
      );
    }
    const leadId = randomUUID();
    leads.push({ row, headers: req.headers, leadId, principal: grant.principal });
    const entityId = `${origin}/api/data/v9.2/leads(${leadId})`;
    if (/return=representation/.test(String(req.headers.prefer ?? ''))) {
      res
        .writeHead(201, {
          'content-type': 'application/json; odata.metadata=minimal',
          'odata-version': '4.0',
          'preference-applied': 'return=representation',
        })
        .end(
          JSON.stringify({
            '@odata.context': `${origin}/api/data/v9.2/$metadata#leads/$entity`,
            leadid: leadId,
            ...row,
          }),
        );
      return;
    }
    res.writeHead(204, { 'odata-version': '4.0', 'odata-entityid': entityId }).end();
  }

  const handler: http.RequestListener = (req, res) => {
    const p = new URL(req.url ?? '/', 'http://x').pathname;
    const tokenPath = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(p);
    const run = tokenPath
      ? token(req, res, decodeURIComponent(tokenPath[1]))
      : p === '/api/data/v9.2/leads' && req.method === 'POST'
        ? createLead(req, res)
        : Promise.resolve(
            dataverseError(res, 404, '0x8006088a', `Resource not found for the segment '${p.split('/').pop()}'.`),
          );
    run.catch((e: Error) => {
      if (!res.headersSent) res.writeHead(500).end(e.message);
    });
  };

  const tls = options.tls ? selfSignedTls() : undefined;
  const server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, handler) : http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  origin = `${tls ? 'https' : 'http'}://${host}`;
  return {
    origin,
    host,
    caFile: tls?.caFile,
    publicClientId,
    addApp: (a) => void apps.push(a),
    addUser: (u) => void users.push(u),
    tokenLifetime: (s) => void (lifetime = s),
    expireTokens: () => {
      for (const t of tokens.values()) t.expires = 0;
    },
    tokenRequests,
    leadAttempts: () => leadAttempts,
    leads,
    misbehave: (f) => void (fault = { ...f }),
    behave: () => void (fault = undefined),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
        tls?.dispose();
      }),
  };
}
