// Entra ID (or any OpenID Connect issuer's) access tokens for the partner API, checked with jose:
// the signature against the issuer's published keys, the issuer, the audience, expiry and
// not-before. The keys are found the standard way — the issuer's discovery document names its
// `jwks_uri` — and jose caches them and fetches them again when a token names a key id it has not
// seen (the issuer rotated its keys). Both fetches go through the outbound module as setting URLs.
import { createRemoteJWKSet, customFetch, JWTPayload, jwtVerify } from 'jose';
import { outboundFetch } from '../net/outbound';
import { DELEGATED_SCOPE, APP_ROLE } from './token-permissions';

export interface TokenSettings {
  /** AUTH_ISSUER, exactly as the tokens' `iss` spells it (Entra ID v2: https://login.microsoftonline.com/{tenant}/v2.0). */
  issuer: string;
  /** AUTH_AUDIENCE: the API's application (client) id and/or its application id URI, comma-separated. */
  audience: string[];
}

/** Tokens are accepted only when both settings are there; API keys work either way. */
export function tokenSettings(env: NodeJS.ProcessEnv = process.env): TokenSettings | undefined {
  const issuer = env.AUTH_ISSUER?.trim();
  const audience = (env.AUTH_AUDIENCE ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  return issuer && audience.length > 0 ? { issuer, audience } : undefined;
}

/** The token is not acceptable: answered 401 (`invalid_token`) or 403 (`insufficient_scope`). */
export class TokenRejected extends Error {
  constructor(
    readonly error: 'invalid_token' | 'insufficient_scope',
    message: string,
  ) {
    super(message);
  }
}

/** The issuer's discovery document or keys could not be had: nothing is wrong with the token. */
export class IssuerUnavailable extends Error {}

export interface VerifiedCaller {
  kind: 'user' | 'servicePrincipal';
  /** The object id (`oid`) of the user or service principal in its tenant. */
  objectId: string;
  displayName?: string;
}

export interface Discovery {
  issuer: string;
  jwks_uri: string;
  authorization_endpoint?: string;
  token_endpoint?: string;
}

const MAX_DOCUMENT_BYTES = 256 * 1024;

/** GETs a JSON document of the issuer through the outbound module; the issuer's own host is trusted configuration. */
async function issuerGet(url: string, what: string, issuer: string): Promise<Response> {
  // Keys served from the issuer's own origin are as trusted as the setting; elsewhere, a public host only.
  const source = new URL(url).origin === new URL(issuer).origin ? 'setting' : 'partner';
  const r = await outboundFetch(url, what, {
    source,
    maxBytes: MAX_DOCUMENT_BYTES,
    timeoutMs: 10_000,
    headers: { accept: 'application/json' },
  });
  return new Response(new Uint8Array(r.body), { status: r.status });
}

export interface AccessTokenOptions {
  /** How soon an unknown key id may fetch the keys again (jose's cooldown; its default is 30 s). */
  refetchCooldownMs?: number;
}

export class AccessTokens {
  private discovered: Promise<Discovery> | undefined;
  private keys: ReturnType<typeof createRemoteJWKSet> | undefined;

  constructor(
    readonly settings: TokenSettings,
    private readonly options: AccessTokenOptions = {},
  ) {}

  /** The issuer's discovery document, fetched once (again after a failure). */
  discovery(): Promise<Discovery> {
    this.discovered ??= this.discover();
    this.discovered.catch(() => (this.discovered = undefined));
    return this.discovered;
  }

  private async discover(): Promise<Discovery> {
    const { issuer } = this.settings;
    const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    let doc: Partial<Discovery>;
    try {
      const r = await issuerGet(url, 'AUTH_ISSUER discovery document', issuer);
      if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
      doc = (await r.json()) as Partial<Discovery>;
    } catch (e) {
      throw new IssuerUnavailable(
        `The sign-in issuer's discovery document (${url}) could not be read: ${(e as Error).message}`,
      );
    }
    // OpenID Connect Discovery: the document's issuer must be the one it was fetched for.
    if (doc.issuer !== issuer || typeof doc.jwks_uri !== 'string')
      throw new IssuerUnavailable(`The discovery document at ${url} is not for issuer ${issuer} or names no jwks_uri.`);
    return doc as Discovery;
  }

  private async keySet(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    if (this.keys) return this.keys;
    const { jwks_uri } = await this.discovery();
    this.keys = createRemoteJWKSet(new URL(jwks_uri), {
      cooldownDuration: this.options.refetchCooldownMs,
      [customFetch]: (url: string) => issuerGet(url, "AUTH_ISSUER's signing keys (jwks_uri)", this.settings.issuer),
    });
    return this.keys;
  }

  /** The caller a token stands for, or TokenRejected / IssuerUnavailable. */
  async verify(token: string): Promise<VerifiedCaller> {
    const keys = await this.keySet();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'ES256'],
        requiredClaims: ['exp'],
        clockTolerance: 60,
      }));
    } catch (e) {
      throw rejection(e);
    }
    return caller(payload);
  }
}

/** Users come with delegated scopes (`scp`); service principals with application roles (`roles`), never `scp`. */
function caller(payload: JWTPayload): VerifiedCaller {
  const oid = payload.oid;
  if (typeof oid !== 'string' || oid === '')
    throw new TokenRejected('invalid_token', 'The token has no object id (oid).');
  const name = [payload.name, payload.preferred_username].find((n): n is string => typeof n === 'string' && n !== '');
  if (typeof payload.scp === 'string') {
    if (!payload.scp.split(' ').includes(DELEGATED_SCOPE))
      throw new TokenRejected('insufficient_scope', `The token does not carry the ${DELEGATED_SCOPE} scope.`);
    return { kind: 'user', objectId: oid.toLowerCase(), displayName: name };
  }
  const roles = Array.isArray(payload.roles) ? payload.roles : [];
  if (payload.idtyp === 'user' || !roles.includes(APP_ROLE))
    throw new TokenRejected(
      'insufficient_scope',
      `The token carries neither the ${DELEGATED_SCOPE} scope (a user) nor the ${APP_ROLE} application role (a service principal).`,
    );
  return {
    kind: 'servicePrincipal',
    objectId: oid.toLowerCase(),
    displayName: name ?? (payload.azp as string | undefined),
  };
}

function rejection(e: unknown): Error {
  const err = e as Error & { code?: string; claim?: string };
  const invalid = (message: string) => new TokenRejected('invalid_token', message);
  switch (err.code) {
    case 'ERR_JWT_EXPIRED':
      return invalid('The access token has expired.');
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (err.claim === 'iss') return invalid('The access token was not issued by the configured issuer (iss).');
      if (err.claim === 'aud') return invalid('The access token is not for this API (aud).');
      if (err.claim === 'nbf') return invalid('The access token is not valid yet (nbf).');
      return invalid(`The access token's ${err.claim ?? 'claims'} claim is not acceptable.`);
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return invalid("The access token's signature does not verify with the issuer's keys.");
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return invalid('The access token was signed with a key the issuer does not publish (kid).');
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return invalid("The access token's signing algorithm (alg) is not accepted.");
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
    case 'ERR_JOSE_NOT_SUPPORTED':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return invalid('The access token is not a well-formed signed JWT.');
    default:
      // Fetching the keys failed (unreachable issuer, timeout, a non-200 answer): not the token's fault.
      return new IssuerUnavailable(`The sign-in issuer's keys could not be read: ${err.message}`);
  }
}
