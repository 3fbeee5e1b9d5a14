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
  const server = http.createServer((req, res) => {
    void (async () => {
      try {
        const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
        const body = await readBody(req, maxBodyBytes);
        for (const route of routes) if (await route(req, res, url, body)) return;
        sendError(res, 404, 'NotFound', `No function or host endpoint at ${url.pathname}.`);
      } catch (e) {
        if (e instanceof TooLarge) {
          res.setHeader('Connection', 'close');
          sendError(res, 413, 'RequestTooLarge', `The request body exceeds ${maxBodyBytes} bytes.`);
          return;
        }
        if (e instanceof TypeError && /Invalid URL/.test(e.message)) {
          sendError(res, 400, 'BadRequest', 'The request URL is malformed.');
          return;
        }
        logger.error(`host: unhandled error for ${req.method} ${req.url}: ${(e as Error).stack ?? e}`);
        if (!res.headersSent) sendJson(res, 500, { error: { code: 'HostError', message: 'The host failed to handle the request.' } });
        else res.destroy();
      }
    })();
  });
  server.keepAliveTimeout = 65_000;
  return server;
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
