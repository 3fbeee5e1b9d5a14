// The one way the app reaches a URL a partner gave it (image SAS URLs, copies, lead endpoints,
// artifact downloads, CRM APIs) — and the URLs of its own settings (the sign-in issuer), which are
// trusted configuration and vetted by their own rule (vetSettingUrl): WHATWG URL parsing; https to public addresses only, unless the
// host is the app's own storage or listed in OUTBOUND_ALLOWED_HOSTS; every address a name resolves
// to is checked at connect time and the connection goes to that checked address (no second
// lookup, so no DNS-rebinding window); redirects are never followed; answers are read with a byte
// cap while they stream; every request has a timeout.
import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import { Readable } from 'node:stream';
import ipaddr from 'ipaddr.js';
import { Agent, Dispatcher, request } from 'undici';
import { isIpLiteral, judgeAddress } from './address-policy';
import { storageSettings } from '../settings/storage-settings';

export class EgressRefused extends Error {}
/** The answer was longer than the caller accepts. */
export class OutboundTooLarge extends Error {}
/** The peer could not be reached or did not answer in time: worth retrying. */
export class OutboundUnavailable extends Error {}

/** The app's own storage endpoints and OUTBOUND_ALLOWED_HOSTS (`host:port`): reachable over http and on loopback. */
export function allowedHosts(env: NodeJS.ProcessEnv = process.env): Set<string> {
  const hosts = new Set<string>();
  for (const part of (storageSettings(env).connectionString ?? '').split(';')) {
    const eq = part.indexOf('=');
    // Exactly the SDK's keys (BlobEndpoint, QueueEndpoint, TableEndpoint), not any key ending so.
    if (eq > 0 && /^(Blob|Queue|Table)Endpoint$/i.test(part.slice(0, eq).trim())) {
      try {
        hosts.add(new URL(part.slice(eq + 1).trim()).host.toLowerCase());
      } catch {
        /* not a URL: ignore */
      }
    }
  }
  for (const h of (env.OUTBOUND_ALLOWED_HOSTS ?? '')
    .split(',')
    .map((x) => x.trim().toLowerCase())
    .filter(Boolean))
    hosts.add(h);
  return hosts;
}

/**
 * Parses and vets a URL before any connection: the scheme, credentials, `localhost` names, and IP
 * literals in every spelling (the WHATWG parser normalises decimal, octal and hex IPv4; IPv6 is
 * judged by range, so mapped and NAT64 forms are refused). Names are vetted again at connect time.
 */
export function vetUrl(
  raw: string,
  what: string,
  env: NodeJS.ProcessEnv = process.env,
): { url: URL; allowed: boolean } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new EgressRefused(`${what} is not a valid absolute URL.`);
  }
  if (url.username || url.password)
    throw new EgressRefused(`${what} must not contain credentials before the host name.`);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new EgressRefused(`${what} must use https.`);
  if (allowedHosts(env).has(url.host.toLowerCase())) return { url, allowed: true };
  if (url.protocol !== 'https:') throw new EgressRefused(`${what} must use https.`);
  const host = url.hostname.toLowerCase().replace(/\.+$/, '');
  if (host === 'localhost' || host.endsWith('.localhost') || host === '')
    throw new EgressRefused(`${what} points at a private address (${url.hostname}).`);
  if (isIpLiteral(host)) {
    const verdict = judgeAddress(host);
    if (!verdict.ok) throw new EgressRefused(`${what} points at a private address (${verdict.reason}).`);
  }
  return { url, allowed: false };
}

/**
 * Vets a URL that comes from the app's own settings (the sign-in issuer), not from a partner: the
 * operator chose it, so it is not held to the public-address rule — a development issuer on this
 * machine must be reachable — but it must be https, or plain http to a loopback address only.
 */
export function vetSettingUrl(raw: string, what: string): { url: URL; allowed: true } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new EgressRefused(`${what} is not a valid absolute URL.`);
  }
  if (url.username || url.password)
    throw new EgressRefused(`${what} must not contain credentials before the host name.`);
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const loopback = host === 'localhost' || (ipaddr.isValid(host) && ipaddr.process(host).range() === 'loopback');
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback))
    throw new EgressRefused(`${what} must use https (plain http only to this machine).`);
  return { url, allowed: true };
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

type Resolver = (
  hostname: string,
  options: { all: true },
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/**
 * A lookup that answers only checked public addresses; a name with any private address is refused
 * whole. It is the socket's own lookup, so the address checked is the address connected to.
 */
export function makeCheckedLookup(resolve: Resolver = dnsLookup) {
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback): void =>
    checkedLookupWith(resolve, hostname, options, callback);
}

function checkedLookupWith(
  resolve: Resolver,
  hostname: string,
  options: { all?: boolean },
  callback: LookupCallback,
): void {
  resolve(hostname, { all: true }, (err, addresses) => {
    if (err) return callback(err, [] as LookupAddress[]);
    const list = addresses;
    for (const a of list) {
      const verdict = judgeAddress(a.address);
      if (!verdict.ok) {
        const e = new Error(`${hostname} resolves to ${verdict.reason}`) as NodeJS.ErrnoException;
        e.code = 'EGRESS_REFUSED';
        return callback(e, [] as LookupAddress[]);
      }
    }
    if (list.length === 0)
      return callback(
        Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }),
        [] as LookupAddress[],
      );
    if (options.all) return callback(null, list);
    callback(null, list[0].address, list[0].family);
  });
}

// One pooled agent for vetted public hosts (connections go to checked addresses) and one for the
// allowed hosts (the app's storage, test receivers).
const publicAgent = new Agent({ connect: { lookup: makeCheckedLookup() }, keepAliveTimeout: 10_000 });
const allowedAgent = new Agent({ keepAliveTimeout: 10_000 });

export interface OutboundRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Milliseconds for the whole exchange. */
  timeoutMs?: number;
  /** Where the URL came from: a partner (the default, held to the public-address rules) or a setting. */
  source?: 'partner' | 'setting';
}

export interface OutboundStreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
}

function dispatcherFor(allowed: boolean): Dispatcher {
  return allowed ? allowedAgent : publicAgent;
}

/** Sends the request and answers with the body still streaming; the caller must consume or destroy it. */
export async function outboundStream(
  raw: string,
  what: string,
  req: OutboundRequest = {},
): Promise<OutboundStreamResponse> {
  const { url, allowed } = req.source === 'setting' ? vetSettingUrl(raw, what) : vetUrl(raw, what);
  const timeout = req.timeoutMs ?? 15_000;
  try {
    const res = await request(url, {
      method: req.method ?? 'GET',
      headers: req.headers,
      body: req.body,
      dispatcher: dispatcherFor(allowed),
      maxRedirections: 0,
      headersTimeout: timeout,
      bodyTimeout: timeout,
      signal: AbortSignal.timeout(timeout),
    } as Parameters<typeof request>[1]);
    // Callers end early by destroying the body, which emits an abort error: with no listener that
    // error would be thrown at the process. Readers still see errors through their iteration.
    res.body.on('error', () => undefined);
    return { status: res.statusCode, headers: res.headers, body: res.body };
  } catch (e) {
    throw classify(e, what, timeout);
  }
}

function classify(e: unknown, what: string, timeout: number): Error {
  const err = e as Error & { code?: string; cause?: { code?: string; message?: string } };
  const code = err.code ?? err.cause?.code;
  if (code === 'EGRESS_REFUSED' || /resolves to private/.test(err.message))
    return new EgressRefused(`${what} points at a private address (${(err.message ?? '').replace(/^.*?: /, '')}).`);
  if (
    err.name === 'TimeoutError' ||
    err.name === 'AbortError' ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT'
  )
    return new OutboundUnavailable(`${what} did not answer within ${timeout} ms.`);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new OutboundUnavailable(`${what}: the host could not be resolved.`);
  return new OutboundUnavailable(`${what} could not be reached (${code ?? err.message}).`);
}

export interface OutboundResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Reads a body up to `maxBytes`, refusing a declared or actual excess without buffering it. */
export async function readCapped(res: OutboundStreamResponse, maxBytes: number): Promise<Buffer> {
  const declared = Number(res.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    res.body.destroy();
    throw new OutboundTooLarge(`is ${declared} bytes; at most ${maxBytes} are accepted`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      res.body.destroy();
      throw new OutboundTooLarge(`is over ${maxBytes} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** A whole exchange: the answer's body read with a cap of `maxBytes`. */
export async function outboundFetch(
  raw: string,
  what: string,
  req: OutboundRequest & { maxBytes: number },
): Promise<OutboundResponse> {
  const res = await outboundStream(raw, what, req);
  try {
    return { status: res.status, headers: res.headers, body: await readCapped(res, req.maxBytes) };
  } catch (e) {
    if (e instanceof OutboundTooLarge) throw e;
    throw new OutboundUnavailable(`${what}: the answer broke off (${(e as Error).message}).`);
  }
}

/** The first `max` bytes of an answer (to quote a CRM's refusal), never more. */
export async function readStart(res: OutboundStreamResponse, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body) {
      chunks.push(chunk as Buffer);
      size += (chunk as Buffer).length;
      if (size >= max) break;
    }
  } catch {
    /* a broken answer still has its start */
  } finally {
    res.body.destroy();
  }
  return Buffer.concat(chunks).subarray(0, max).toString('utf8');
}
