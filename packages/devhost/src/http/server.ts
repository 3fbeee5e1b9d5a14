import http, { IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { Logger } from '../core/logger';
import { sendError, sendJson } from './respond';

/**
 * The request body, read on demand. A route reads it only once it has decided to handle the request
 * (path, method and key checked), so a request that is refused is never buffered; reading stops at
 * the host's limit (TooLarge), and the same bytes are returned to every later call.
 */
export type BodyReader = () => Promise<Buffer>;

export interface Route {
  /** Handles the request, or returns false to let the next route try. */
  (req: IncomingMessage, res: ServerResponse, url: URL, body: BodyReader): Promise<boolean>;
}

export class TooLarge extends Error {}

/** The host's one HTTP listener: offers each request to the routes in turn; bodies are read only by the route that takes it. */
export function createHttpServer(routes: Route[], logger: Logger, maxBodyBytes: number): http.Server {
  const tooLarge = (res: ServerResponse) => {
    res.setHeader('Connection', 'close');
    sendError(res, 413, 'RequestTooLarge', `The request body exceeds ${maxBodyBytes} bytes.`);
  };
  const server = http.createServer((req, res) => {
    // A body nobody read (the request was refused, or the route needed none) is discarded by Node
    // as it arrives; this bounds how long that goes on, so an endless upload cannot hold a socket.
    res.once('finish', () => {
      if (req.complete || req.destroyed) return;
      void drain(req, DRAIN_BYTES, DRAIN_MS).then(() => {
        if (!req.complete) req.socket.destroy();
      });
    });
    void (async () => {
      try {
        const url = requestUrl(req);
        if (!url) {
          sendError(
            res,
            400,
            'BadRequest',
            'The request URL is malformed, or names a host other than its Host header.',
          );
          return;
        }
        const body = lazyBody(req, maxBodyBytes);
        for (const route of routes) if (await route(req, res, url, body)) return;
        sendError(res, 404, 'NotFound', `No function or host endpoint at ${url.pathname}.`);
      } catch (e) {
        if (e instanceof TooLarge) {
          if (res.headersSent) return void res.destroy();
          // Answer once the client has finished sending (within bounds): a client still writing
          // when the socket closes sees a reset (EPIPE) instead of the 413.
          await drain(req, DRAIN_BYTES, DRAIN_MS);
          tooLarge(res);
          return;
        }
        // The client went away mid-request: there is nobody to answer.
        if (req.destroyed && !req.complete) return;
        logger.error(`host: unhandled error for ${req.method} ${redactedTarget(req.url)}: ${describe(e)}`);
        if (!res.headersSent) {
          for (const name of res.getHeaderNames()) res.removeHeader(name);
          sendJson(res, 500, { error: { code: 'HostError', message: 'The host failed to handle the request.' } });
        } else res.destroy();
      }
    })().catch((e: unknown) =>
      logger.error(`host: failed to answer ${req.method} ${redactedTarget(req.url)}: ${describe(e)}`),
    );
  });
  // `Expect: 100-continue`: refuse an oversized body before the client sends it.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (Number(req.headers['content-length'] ?? 0) > maxBodyBytes) {
      tooLarge(res);
      return;
    }
    res.writeContinue();
    server.emit('request', req, res);
  });
  server.keepAliveTimeout = 65_000;
  return server;
}

/**
 * The request's URL. The request target is a path (or, from a proxy, an absolute URL); it is never
 * resolved relative to the Host, so `//other/x` stays the path `//other/x` instead of naming a host.
 * The authority always comes from the Host header: an absolute-form target naming another host is
 * refused rather than letting the target decide which host the app (and its durable client) thinks
 * it is, and the scheme is always this listener's own (http).
 */
function requestUrl(req: IncomingMessage): URL | undefined {
  let target = req.url ?? '/';
  const host = req.headers.host;
  try {
    if (/^https?:\/\//i.test(target)) {
      const absolute = new URL(target);
      if (!host || absolute.username || absolute.password || !sameAuthority(absolute, host)) return undefined;
      target = `${absolute.pathname}${absolute.search}`;
    }
    if (!target.startsWith('/')) return undefined;
    const authority = host ?? 'localhost';
    // A Host header is host[:port]; anything else (a path, credentials, a second host) is refused.
    if (!/^(?:[A-Za-z0-9._~!$&'()*+,;=%-]+|\[[0-9A-Fa-f:.]+\])(?::\d*)?$/.test(authority)) return undefined;
    const origin = new URL(`http://${authority}`);
    return new URL(`${origin.origin}${target}`);
  } catch {
    return undefined;
  }
}

/** Whether an absolute-form target names the same host and port as the Host header. */
function sameAuthority(target: URL, hostHeader: string): boolean {
  try {
    const fromHeader = new URL(`${target.protocol}//${hostHeader}`);
    return fromHeader.host.toLowerCase() === target.host.toLowerCase();
  } catch {
    return false;
  }
}

const DRAIN_BYTES = 256 * 1024 * 1024;
const DRAIN_MS = 10_000;

/** Discards the rest of a refused body, up to `maxBytes` or `maxMs`, whichever comes first. */
function drain(req: IncomingMessage, maxBytes: number, maxMs: number): Promise<void> {
  if (req.complete || req.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let seen = 0;
    const done = () => {
      clearTimeout(timer);
      req.off('data', onData);
      resolve();
    };
    const onData = (c: Buffer) => {
      seen += c.length;
      if (seen > maxBytes) done();
    };
    const timer = setTimeout(done, maxMs);
    req.on('data', onData);
    req.once('end', done);
    req.once('close', done);
    req.resume();
  });
}

/** Reads the body the first time it is asked for, bounded by `max`; later calls get the same promise. */
function lazyBody(req: IncomingMessage, max: number): BodyReader {
  let read: Promise<Buffer> | undefined;
  return () => (read ??= readBody(req, max));
}

/**
 * Reads a body of at most `max` bytes as it arrives. A declared Content-Length over the limit is
 * refused before reading anything; otherwise the bytes go straight into one buffer of the declared
 * size (no list of chunks to concatenate, so one copy in memory), and a body without a length
 * (chunked) is collected only up to the limit.
 */
function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const header = req.headers['content-length'];
  const declared = header === undefined ? undefined : Number(header);
  if (declared !== undefined && declared > max) return Promise.reject(new TooLarge());
  if (req.complete && req.readableLength === 0) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const fixed =
      declared !== undefined && Number.isSafeInteger(declared) && declared >= 0
        ? Buffer.allocUnsafe(declared)
        : undefined;
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      fn();
    };
    const onData = (c: Buffer) => {
      if (size + c.length > (fixed ? fixed.length : max)) {
        // More than declared cannot happen with a well-formed request (Node's parser enforces the
        // length); more than the limit without a length is the over-limit case.
        finish(() => reject(new TooLarge()));
        return;
      }
      if (fixed) c.copy(fixed, size);
      else chunks.push(c);
      size += c.length;
    };
    req.on('data', onData);
    req.once('end', () => finish(() => resolve(fixed ? fixed.subarray(0, size) : Buffer.concat(chunks, size))));
    req.once('error', (e) => finish(() => reject(e)));
    // A client that disconnects mid-body ends the request without 'end' (or 'error').
    req.once('close', () => {
      if (!req.complete)
        finish(() => reject(new Error('The client closed the connection before the request body was complete.')));
    });
  });
}

export function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

export function isLoopback(req: IncomingMessage): boolean {
  const a = req.socket.remoteAddress ?? '';
  return a === '::1' || a.startsWith('127.') || a.startsWith('::ffff:127.');
}

/** A request target fit for a log line: no query string (it may hold `code=`), no key in the path. */
export function redactedTarget(target: string | undefined): string {
  const path = (target ?? '').split('?')[0];
  return path.replace(/(\/durabletask\/code\/)[^/]*/i, '$1…');
}

function describe(e: unknown): string {
  if (e instanceof Error) return e.stack ?? e.message;
  try {
    return String(e);
  } catch {
    return 'an unprintable value';
  }
}
