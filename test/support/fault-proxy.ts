// A reverse proxy in front of one storage emulator endpoint that answers chosen requests with a
// server fault instead of passing them on: how a storage outage looks to an activity.
import http from 'node:http';
import { AddressInfo } from 'node:net';

export interface FaultRule {
  /** Matched against `METHOD /path?query` (decoded path). */
  match: RegExp;
  /** How many matching requests get the fault before they pass again. */
  times: number;
  status?: number;
}

export interface FaultProxy {
  /** Base URL of the proxied endpoint, e.g. http://127.0.0.1:PORT/devstoreaccount1 */
  endpoint: string;
  /** Adds a rule; answers a counter of the faults it delivered. */
  fail(rule: FaultRule): { delivered(): number };
  close(): Promise<void>;
}

export async function startFaultProxy(targetEndpoint: string): Promise<FaultProxy> {
  const target = new URL(targetEndpoint);
  const rules: (FaultRule & { left: number; delivered: number })[] = [];
  const server = http.createServer((req, res) => {
    const line = `${req.method} ${decodeURIComponent(req.url ?? '')}`;
    const rule = rules.find((r) => r.left > 0 && r.match.test(line));
    if (rule) {
      rule.left--;
      rule.delivered++;
      req.resume();
      res
        .writeHead(rule.status ?? 500, { 'content-type': 'application/json', 'x-ms-error-code': 'InternalError' })
        .end('{"odata.error":{"code":"InternalError","message":{"lang":"en-US","value":"injected fault"}}}');
      return;
    }
    const upstream = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host },
      },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}${target.pathname.replace(/\/$/, '')}`,
    fail(rule) {
      const r = { ...rule, left: rule.times, delivered: 0 };
      rules.push(r);
      return { delivered: () => r.delivered };
    },
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
