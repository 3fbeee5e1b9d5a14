import http, { IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { Logger } from '../core/logger';
import { sendError, sendJson } from './respond';

export interface Route {
  /** Handles the request, or returns false to let the next route try. */
  (req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): Promise<boolean>;
}

class TooLarge extends Error {}

/** The host's one HTTP listener: reads bodies (bounded), then offers the request to each route in turn. */
export function createHttpServer(routes: Route[], logger: Logger, maxBodyBytes: number): http.Server {
  const tooLarge = (res: ServerResponse) => {
    res.setHeader('Connection', 'close');
    sendError(res, 413, 'RequestTooLarge', `The request body exceeds ${maxBodyBytes} bytes.`);
  };
  const server = http.createServer((req, res) => {
    void (async () => {
      try {
        const url = requestUrl(req);
        if (!url) {
          sendError(res, 400, 'BadRequest', 'The request URL is malformed.');
          return;
        }
        const body = await readBody(req, maxBodyBytes);
        for (const route of routes) if (await route(req, res, url, body)) return;
        sendError(res, 404, 'NotFound', `No function or host endpoint at ${url.pathname}.`);
      } catch (e) {
        if (e instanceof TooLarge) {
          // Answer once the client has finished sending (within bounds): a client still writing
          // when the socket closes sees a reset (EPIPE) instead of the 413.
          await drain(req, DRAIN_BYTES, DRAIN_MS);
          tooLarge(res);
          return;
        }
        // The client went away mid-request: there is nobody to answer.
        if (req.destroyed && !req.complete) return;
        logger.error(`host: unhandled error for ${req.method} ${req.url}: ${(e as Error).stack ?? e}`);
        if (!res.headersSent) {
          for (const name of res.getHeaderNames()) res.removeHeader(name);
          sendJson(res, 500, { error: { code: 'HostError', message: 'The host failed to handle the request.' } });
        } else res.destroy();
      }
    })();
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
 */
function requestUrl(req: IncomingMessage): URL | undefined {
  const target = req.url ?? '/';
  try {
    if (/^https?:\/\//i.test(target)) return new URL(target);
    if (!target.startsWith('/')) return undefined;
    const host = req.headers.host ?? 'localhost';
    // A Host header is host[:port]; anything else (a path, credentials, a second host) is refused.
    if (!/^(?:[A-Za-z0-9._~!$&'()*+,;=%-]+|\[[0-9A-Fa-f:.]+\])(?::\d*)?$/.test(host)) return undefined;
    const origin = new URL(`http://${host}`);
    return new URL(`${origin.origin}${target}`);
  } catch {
    return undefined;
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

function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > max) {
    req.resume();
    return Promise.reject(new TooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        reject(new TooLarge());
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
    // A client that disconnects mid-body ends the request without 'end' (or 'error').
    req.on('close', () => {
      if (!req.complete) reject(new Error('The client closed the connection before the request body was complete.'));
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
