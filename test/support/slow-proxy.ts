// A reverse proxy that holds every request for a while before passing it to the storage
// emulator: an image behind it certifies and provisions slowly enough to watch the steps move.
import http from 'node:http';
import { AddressInfo } from 'node:net';

export interface SlowProxy {
  host: string;
  /** Requests passed on so far. */
  requests(): number;
  /** The proxied form of a URL on the target (same path and query: SAS signatures still hold). */
  rewrite(url: string): string;
  close(): Promise<void>;
}

/** `target` is read per request, so the proxy can start before the emulator's port is known. */
export async function startSlowProxy(target: () => string, delayMs: number): Promise<SlowProxy> {
  let count = 0;
  const server = http.createServer((req, res) => {
    count++;
    setTimeout(() => {
      const to = new URL(target());
      const upstream = http.request(
        {
          host: to.hostname,
          port: to.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: to.host },
        },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        },
      );
      upstream.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      req.pipe(upstream);
    }, delayMs);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host,
    requests: () => count,
    rewrite: (url) => {
      const u = new URL(url);
      u.host = host;
      return u.href;
    },
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
