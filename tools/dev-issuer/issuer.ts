// A development OpenID Connect issuer shaped like Entra ID's v2 endpoints, for running and testing
// sign-in offline: a discovery document, a JWKS with keys generated at start (and rotated on
// request), an authorization endpoint that shows a sign-in page listing its development users,
// and a token endpoint redeeming codes with PKCE (S256 only). It never runs in Azure: the app
// simply trusts whatever AUTH_ISSUER names, and locally that is this server.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, JWK, JWTPayload, SignJWT } from 'jose';

export interface DevUser {
  objectId: string;
  name: string;
  username: string;
}

export interface DevIssuerOptions {
  /** The API's audience (the `aud` of every token). */
  audience: string;
  /** The portal's client id and the redirect URIs registered for it. */
  clientId: string;
  redirectUris: string[];
  users: DevUser[];
  port?: number;
  tenantId?: string;
}

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

interface SigningKey {
  kid: string;
  privateKey: PrivateKey;
  jwk: JWK;
}

interface PendingCode {
  user: DevUser;
  clientId: string;
  redirectUri: string;
  challenge: string;
  scope: string;
  until: number;
}

/** The development tenant (any GUID: the issuer's `tid` and part of its issuer URL). */
export const DEV_TENANT_ID = '7e5a1b8c-0d1e-4f2a-9b3c-00000000de70';
const TOKEN_SECONDS = 3600;
const CODE_MS = 5 * 60_000;

async function newKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomBytes(8).toString('hex');
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, use: 'sig', alg: 'RS256' } };
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export class DevIssuer {
  private keys: SigningKey[] = [];
  private readonly codes = new Map<string, PendingCode>();
  /** How many times the JWKS was fetched (tests check the app caches it). */
  jwksFetches = 0;

  private constructor(
    private readonly options: DevIssuerOptions,
    private readonly server: http.Server,
    readonly origin: string,
  ) {}

  static async start(options: DevIssuerOptions): Promise<DevIssuer> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const issuer = new DevIssuer(options, server, origin);
    issuer.keys = [await newKey()];
    server.on('request', (req, res) => {
      issuer.handle(req, res).catch((e: Error) => {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(e.message);
      });
    });
    return issuer;
  }

  get tenantId(): string {
    return this.options.tenantId ?? DEV_TENANT_ID;
  }

  /** The `iss` of its tokens, in Entra ID's v2 form. */
  get issuer(): string {
    return `${this.origin}/${this.tenantId}/v2.0`;
  }

  /** The app settings that point the app (and the portal) at this issuer. */
  settings(): Record<string, string> {
    return { AUTH_ISSUER: this.issuer, AUTH_AUDIENCE: this.options.audience, AUTH_CLIENT_ID: this.options.clientId };
  }

  /**
   * A new signing key: tokens are signed with it from now on, and the JWKS publishes only it — as an
   * issuer does once the old key's tokens have expired. `keepOld` publishes both (the overlap).
   */
  async rotate(keepOld = false): Promise<void> {
    const key = await newKey();
    this.keys = keepOld ? [key, ...this.keys] : [key];
  }

  /** Signs an access token; `claims` and `options` override the defaults (tests make bad tokens with them). */
  async mint(
    claims: JWTPayload,
    options: { expiresIn?: number; notBefore?: number; signWith?: PrivateKey; kid?: string } = {},
  ): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const key = this.keys[0];
    return new SignJWT({
      iss: this.issuer,
      aud: this.options.audience,
      tid: this.tenantId,
      ver: '2.0',
      iat: now,
      nbf: now + (options.notBefore ?? 0),
      exp: now + (options.expiresIn ?? TOKEN_SECONDS),
      ...claims,
    })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: options.kid ?? key.kid })
      .sign(options.signWith ?? key.privateKey);
  }

  /** A user's delegated token, as the token endpoint gives it. */
  userToken(user: DevUser, scp = 'Offers.ReadWrite', extra: JWTPayload = {}): Promise<string> {
    return this.mint({
      oid: user.objectId,
      sub: user.objectId,
      name: user.name,
      preferred_username: user.username,
      scp,
      azp: this.options.clientId,
      ...extra,
    });
  }

  /** A service principal's application token (no `scp`, an application role). */
  appToken(objectId: string, roles = ['Offers.ReadWrite.All'], extra: JWTPayload = {}): Promise<string> {
    return this.mint({ oid: objectId, sub: objectId, roles, azp: randomUUID(), idtyp: 'app', ...extra });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin);
    const base = `/${this.tenantId}`;
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
    if (req.method === 'GET' && url.pathname === `${base}/v2.0/.well-known/openid-configuration`)
      return void json(200, this.discovery());
    if (req.method === 'GET' && url.pathname === `${base}/discovery/v2.0/keys`) {
      this.jwksFetches++;
      return void json(200, { keys: this.keys.map((k) => k.jwk) });
    }
    if (url.pathname === `${base}/oauth2/v2.0/authorize`) {
      const params = req.method === 'POST' ? new URLSearchParams(await readBody(req)) : url.searchParams;
      return this.authorize(req.method === 'POST', params, res);
    }
    if (req.method === 'POST' && url.pathname === `${base}/oauth2/v2.0/token`) {
      // The portal redeems its code from the browser: a cross-origin call, allowed as Entra ID allows SPAs.
      const cors = { 'access-control-allow-origin': req.headers.origin ?? '*' };
      const result = await this.token(new URLSearchParams(await readBody(req)));
      return void json('error' in result ? 400 : 200, result, cors);
    }
    json(404, { error: 'not_found' });
  }

  private discovery() {
    const base = `${this.origin}/${this.tenantId}`;
    return {
      issuer: this.issuer,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      token_endpoint: `${base}/oauth2/v2.0/token`,
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code'],
      code_challenge_methods_supported: ['S256'],
      id_token_signing_alg_values_supported: ['RS256'],
      subject_types_supported: ['pairwise'],
    };
  }

  private authorize(submitted: boolean, p: URLSearchParams, res: http.ServerResponse): void {
    const refuse = (why: string) => void res.writeHead(400, { 'content-type': 'text/plain' }).end(why);
    const clientId = p.get('client_id') ?? '';
    const redirectUri = p.get('redirect_uri') ?? '';
    if (clientId !== this.options.clientId) return refuse(`Unknown client_id '${clientId}'.`);
    if (!this.options.redirectUris.includes(redirectUri))
      return refuse(`redirect_uri '${redirectUri}' is not registered.`);
    if (p.get('response_type') !== 'code') return refuse('response_type must be code.');
    if (p.get('code_challenge_method') !== 'S256' || !p.get('code_challenge'))
      return refuse('PKCE is required: code_challenge with code_challenge_method=S256.');
    const user = this.options.users.find((u) => u.objectId === p.get('user'));
    if (!submitted || !user)
      return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(this.page(p));
    const code = randomBytes(24).toString('base64url');
    this.codes.set(code, {
      user,
      clientId,
      redirectUri,
      challenge: p.get('code_challenge')!,
      scope: p.get('scope') ?? '',
      until: Date.now() + CODE_MS,
    });
    const back = new URL(redirectUri);
    back.searchParams.set('code', code);
    if (p.get('state') !== null) back.searchParams.set('state', p.get('state')!);
    res.writeHead(302, { location: back.href }).end();
  }

  private page(p: URLSearchParams): string {
    const hidden = [
      'client_id',
      'redirect_uri',
      'response_type',
      'scope',
      'state',
      'code_challenge',
      'code_challenge_method',
    ]
      .map((n) => `<input type="hidden" name="${n}" value="${escapeHtml(p.get(n) ?? '')}">`)
      .join('');
    const buttons = this.options.users
      .map(
        (u) =>
          `<li><button name="user" value="${escapeHtml(u.objectId)}">${escapeHtml(u.name)} (${escapeHtml(u.username)})</button></li>`,
      )
      .join('');
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Development sign-in</title></head><body><main><h1>Development sign-in</h1><p>A local stand-in for Microsoft Entra ID. Sign in as:</p><form method="post">${hidden}<ul>${buttons}</ul></form></main></body></html>`;
  }

  private async token(p: URLSearchParams): Promise<Record<string, unknown>> {
    const err = (error: string, description: string) => ({ error, error_description: description });
    if (p.get('grant_type') !== 'authorization_code') return err('unsupported_grant_type', 'Only authorization_code.');
    const code = p.get('code') ?? '';
    const pending = this.codes.get(code);
    this.codes.delete(code); // a code is redeemed once, whatever the outcome
    if (!pending || pending.until < Date.now()) return err('invalid_grant', 'The code is unknown, used or expired.');
    if (p.get('client_id') !== pending.clientId || p.get('redirect_uri') !== pending.redirectUri)
      return err('invalid_grant', 'client_id or redirect_uri differ from the authorization request.');
    const verifier = p.get('code_verifier') ?? '';
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    if (!verifier || challenge !== pending.challenge)
      return err('invalid_grant', 'The code_verifier does not match the code_challenge.');
    // The scope names asked for, without the API's URI prefix, as Entra ID puts them in `scp`.
    const scp = pending.scope
      .split(' ')
      .filter((s) => s.includes('/'))
      .map((s) => s.slice(s.lastIndexOf('/') + 1))
      .join(' ');
    const access_token = await this.userToken(pending.user, scp);
    return { token_type: 'Bearer', access_token, expires_in: TOKEN_SECONDS, scope: pending.scope };
  }
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 64 * 1024) throw new Error('body too large');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
