// An HTTP server that serves a synthetic fixed VHD (zeros, then a valid footer) to ranged GETs,
// each answer delayed: it holds a publish inside Certification long enough to act on it.
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { buildFixedVhdFooter, FOOTER_SIZE } from '../../domain/image/vhd-footer';

export async function startSlowImageServer(
  delayMs: number,
  size = 30 * 1024 ** 3,
): Promise<{ url: string; host: string; close(): Promise<void> }> {
  const footer = buildFixedVhdFooter(BigInt(size));
  const total = size + FOOTER_SIZE;
  const server = http.createServer((req, res) => {
    setTimeout(() => {
      const m = /bytes=(\d+)-(\d+)/.exec(req.headers.range ?? '');
      if (!m) {
        res.writeHead(200, { 'Content-Length': total });
        res.end();
        return;
      }
      const start = Number(m[1]);
      const end = Math.min(Number(m[2]), total - 1);
      const body = Buffer.alloc(end - start + 1);
      for (let i = start; i <= end; i++) if (i >= size) body[i - start] = footer[i - size];
      res.writeHead(206, { 'Content-Range': `bytes ${start}-${end}/${total}`, 'Content-Length': body.length });
      res.end(body);
    }, delayMs);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/vhds/slow.vhd?sv=2022-11-02&sp=rl&sig=x`,
    host: `127.0.0.1:${port}`,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
