// Request/response helpers shared by the partner API functions: one error shape, bounded JSON
// bodies, authentication and the role check, and no stack trace ever leaving the process.
import { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import JSON5 from 'json5';
import {
  AccessTokens,
  IssuerUnavailable,
  TokenRejected,
  tokenSettings,
  VerifiedCaller,
} from '../../adapters/auth/access-tokens';
import { MemberStore } from '../../adapters/auth/member-store';
import { keyFingerprint, PublisherKeys } from '../../adapters/auth/publisher-keys';
import type { Principal } from '../../domain/auth/principal';
import { Action, ACTIONS, can, Role, rolesFor } from '../../domain/auth/roles';
import { isValidOfferId } from '../../domain/offer/ids';

export const API_VERSION = '2017-10-31';

export function apiError(status: number, code: string, message: string, details?: unknown): HttpResponseInit {
  return { status, jsonBody: { error: { code, message, ...(details !== undefined ? { details } : {}) } } };
}

export class ApiError extends Error {
  constructor(readonly response: HttpResponseInit) {
    super(String((response.jsonBody as { error?: { message?: string } })?.error?.message ?? 'error'));
  }
}

export const fail = (status: number, code: string, message: string, details?: unknown): never => {
  throw new ApiError(apiError(status, code, message, details));
};

export interface ReadJsonOptions {
  /**
   * Also accept JSON5 (single quotes, trailing commas): for small command bodies only, where the
   * reference's own examples are written that way.
   */
  lenient?: boolean;
}

async function bodyText(request: HttpRequest, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > maxBytes)
    fail(413, 'RequestTooLarge', `The request body is ${declared} bytes; at most ${maxBytes} are accepted.`);
  const buf = Buffer.from(await request.arrayBuffer());
  if (buf.length > maxBytes)
    fail(413, 'RequestTooLarge', `The request body is ${buf.length} bytes; at most ${maxBytes} are accepted.`);
  return buf.toString('utf8').trim();
}

function parseBody(text: string, options: ReadJsonOptions): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    if (options.lenient) {
      try {
        return JSON5.parse(text);
      } catch {
        /* report the strict parser's message: it names what JSON expects */
      }
    }
    return fail(400, 'InvalidJson', `The request body is not valid JSON: ${(e as Error).message}.`);
  }
}

/** Reads a JSON body of at most `maxBytes`; malformed or oversized bodies are refused with 4xx. */
export async function readJson(
  request: HttpRequest,
  maxBytes: number,
  options: ReadJsonOptions = {},
): Promise<unknown> {
  const text = await bodyText(request, maxBytes);
  if (!text) fail(400, 'MissingBody', 'The request needs a JSON body.');
  return parseBody(text, options);
}

/** Like readJson, for a body that may be left out (undefined then). */
export async function readOptionalJson(request: HttpRequest, maxBytes: number): Promise<unknown> {
  const text = await bodyText(request, maxBytes);
  return text ? parseBody(text, { lenient: true }) : undefined;
}

export const SUPPORTED_API_VERSIONS = [API_VERSION] as const;

/** An api-version other than the supported ones is refused (as the reference does); none means the current one. */
export function checkApiVersion(request: HttpRequest): void {
  const v = request.query.get('api-version');
  if (v !== null && !(SUPPORTED_API_VERSIONS as readonly string[]).includes(v)) {
    // Worded as the reference's own example ("Invalid api version. Allowed values are [...]").
    fail(
      400,
      'InvalidAPIVersion',
      `Invalid api version '${v.slice(0, 40)}'. Allowed values are [${SUPPORTED_API_VERSIONS.join(', ')}].`,
    );
  }
}

/**
 * The paging token of a list (query `continuationToken` or header `x-ms-continuation-token`), as
 * the Tables SDK writes it: base64 of `{nextPartitionKey, nextRowKey?}`. Anything else is refused
 * here, so a forged token is a 400 rather than whatever the SDK or the service makes of it.
 */
export function continuationToken(request: HttpRequest): string | undefined {
  const raw = request.query.get('continuationToken') ?? request.headers.get('x-ms-continuation-token') ?? undefined;
  if (raw === undefined || raw === '') return undefined;
  const invalid = () =>
    fail(400, 'InvalidParameter', 'continuationToken: not a token this service gave; start again without it.');
  if (raw.length > 2048 || !/^[A-Za-z0-9+/=_-]+$/.test(raw)) return invalid();
  try {
    const t = JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as Record<string, unknown>;
    const ok =
      t &&
      typeof t === 'object' &&
      typeof t.nextPartitionKey === 'string' &&
      (t.nextRowKey === undefined || typeof t.nextRowKey === 'string') &&
      Object.keys(t).every((k) => k === 'nextPartitionKey' || k === 'nextRowKey');
    return ok ? raw : invalid();
  } catch {
    return invalid();
  }
}

/** A list's page size (`?top=`): a whole number from 1 to `max`, `fallback` when left out. */
export function pageSize(request: HttpRequest, fallback = 50, max = 200): number {
  const top = Number(request.query.get('top') ?? fallback);
  if (!Number.isInteger(top) || top < 1 || top > max)
    fail(400, 'InvalidParameter', `top must be a whole number from 1 to ${max}.`);
  return top;
}

export const keys = new PublisherKeys();

/**
 * The caller, allowed to perform `action` on the route's publisher, or a 4xx. The credential is
 * `Authorization: Bearer <access token>` (a user or service principal the publisher's Owners added,
 * with the role they gave it), `Authorization: Bearer <publisher key>` (scripts, local use; the
 * key's holder is the publisher's Owner) or the platform's signed-in principal. A key of another publisher gets 404 (as if the
 * resource did not exist), so one publisher cannot learn of another's offers. The role table is
 * domain/auth/roles.ts.
 */
export async function authorize(request: HttpRequest, action: Action): Promise<Principal> {
  const routePublisherId = request.params.publisherId;
  // An offer id is a table key and part of URLs: anything outside its character rules (an encoded
  // slash, a backslash, a control character) is refused here, before any store is asked.
  const offerId = request.params.offerId;
  if (offerId !== undefined && !isValidOfferId(offerId)) {
    fail(
      400,
      'InvalidOfferId',
      'offerId: an offer id is 1–50 lowercase letters, digits or "-", and does not end with "-".',
    );
  }
  const principal = await principalOf(request, routePublisherId);
  if (!can(principal.role, action))
    fail(
      403,
      'RoleNotPermitted',
      `${ACTIONS[action]}: needs the ${rolesFor(action).join(' or ')} role; you are ${principal.role} of publisher '${principal.publisherId}'.`,
    );
  return principal;
}

async function principalOf(request: HttpRequest, routePublisherId: string): Promise<Principal> {
  const header = request.headers.get('authorization') ?? '';
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m) {
    const viaPlatform = platformPrincipal(request);
    if (!viaPlatform)
      unauthorized('Send an access token or your publisher key as "Authorization: Bearer <token or key>".', 'Bearer');
    if (viaPlatform.publisherId !== routePublisherId) fail(404, 'NotFound', 'No such resource.');
    return viaPlatform;
  }
  const credential = m[1];
  if (looksLikeJwt(credential)) return tokenPrincipal(credential, routePublisherId);
  const publisherId = await keys.publisherFor(credential);
  if (!publisherId) unauthorized('The key is not valid or has been revoked.');
  if (publisherId !== routePublisherId) fail(404, 'NotFound', 'No such resource.');
  return keyPrincipal(credential, publisherId);
}

/** A signed JWT (three base64url parts, the first a JSON header); publisher keys never contain a dot. */
export function looksLikeJwt(credential: string): boolean {
  return /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(credential);
}

/** 401 with the challenge RFC 6750 asks for; `invalid_token` unless no credential came at all. */
function unauthorized(message: string, challenge = bearerChallenge('invalid_token', message)): never {
  throw new ApiError({
    ...apiError(401, 'Unauthorized', message),
    headers: { 'WWW-Authenticate': challenge },
  });
}

function bearerChallenge(error: 'invalid_token' | 'insufficient_scope', description: string): string {
  return `Bearer error="${error}", error_description="${description.replace(/["\\]/g, "'")}"`;
}

let verifier: AccessTokens | undefined;

/** The access-token verifier for the current AUTH_ISSUER / AUTH_AUDIENCE, or undefined when tokens are off. */
export function accessTokens(): AccessTokens | undefined {
  const settings = tokenSettings();
  if (!settings) return (verifier = undefined);
  if (
    !verifier ||
    verifier.settings.issuer !== settings.issuer ||
    verifier.settings.audience.join() !== settings.audience.join()
  )
    verifier = new AccessTokens(settings);
  return verifier;
}

/** The caller an access token stands for, or a 401/403/503 saying why not. */
export async function verifiedCaller(token: string): Promise<VerifiedCaller> {
  const tokens = accessTokens();
  if (!tokens)
    unauthorized('Access tokens are not accepted: AUTH_ISSUER and AUTH_AUDIENCE are not set. Use a publisher key.');
  try {
    return await tokens.verify(token);
  } catch (e) {
    if (e instanceof TokenRejected) {
      if (e.error === 'invalid_token') unauthorized(e.message);
      throw new ApiError({
        ...apiError(403, 'InsufficientScope', e.message),
        headers: { 'WWW-Authenticate': bearerChallenge('insufficient_scope', e.message) },
      });
    }
    if (e instanceof IssuerUnavailable)
      fail(503, 'IssuerUnavailable', `Access tokens cannot be checked right now; try again shortly. ${e.message}`);
    throw e;
  }
}

export const members = new MemberStore();

async function tokenPrincipal(token: string, routePublisherId: string): Promise<Principal> {
  const who = await verifiedCaller(token);
  const member = await members.get(routePublisherId, who.objectId);
  // Not a member of this publisher (or listed as the other kind of principal): refused, the same
  // answer whether the publisher exists or not.
  if (!member || member.kind !== who.kind)
    fail(
      403,
      'NotAMember',
      `You (object id ${who.objectId}) are not a user of publisher '${routePublisherId}'. Ask one of its Owners to add you.`,
    );
  return {
    kind: who.kind,
    id: who.objectId,
    displayName: who.displayName ?? member!.displayName,
    publisherId: routePublisherId,
    role: member!.role,
  };
}

/** The principal of a publisher key already known to belong to `publisherId`. */
export function keyPrincipal(key: string, publisherId: string): Principal {
  return { kind: 'apiKey', id: keyFingerprint(key), publisherId, role: API_KEY_ROLE };
}

/** A publisher key is the publisher's whole credential: its holder may do everything, as an Owner. */
export const API_KEY_ROLE: Role = 'Owner';

/**
 * Behind App Service Authentication the platform puts the signed-in principal in
 * `x-ms-client-principal`; only when APP_SERVICE_AUTH_PUBLISHERS maps principals to publishers
 * (`user@contoso.com:contoso,…`) is it trusted — without the platform in front, anyone could send it.
 */
function platformPrincipal(request: HttpRequest): Principal | undefined {
  const map = process.env.APP_SERVICE_AUTH_PUBLISHERS;
  const user = map ? request.user : null;
  if (!map || !user?.username) return undefined;
  for (const pair of map.split(',')) {
    const at = pair.lastIndexOf(':');
    if (at > 0 && pair.slice(0, at).trim().toLowerCase() === user.username.toLowerCase())
      return {
        kind: 'user',
        id: user.id || user.username,
        displayName: user.username,
        publisherId: pair.slice(at + 1).trim(),
        role: 'Owner',
      };
  }
  return undefined;
}

/** Wraps a handler: ApiErrors become their response; anything else a 500 without internals. */
export function handle(
  fn: (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>,
): HttpHandler {
  return async (request, context) => {
    try {
      return await fn(request, context);
    } catch (e) {
      if (e instanceof ApiError) return e.response;
      context.error(`Unhandled error: ${(e as Error).stack ?? String(e)}`);
      return apiError(
        500,
        'InternalError',
        `Something went wrong on our side (invocation ${context.invocationId}). Try again; if it persists, open a support request quoting that id.`,
      );
    }
  };
}

export function nowIso(): string {
  return new Date().toISOString();
}
