// An image host that ignores Range and answers 200 with the whole image (here 1 GiB, streamed) is
// refused after the bytes asked for — not read into memory — and the refusal says why.
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { openHttpRangeSource, SourceUnavailable } from '../../../adapters/image/http-range-source';

let server: http.Server;
let base = '';
let sent = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/honours.vhd') {
      const total = 1024 * 1024;
      const m = /bytes=(\d+)-(\d+)/.exec(req.headers.range ?? '')!;
      const [start, end] = [Number(m[1]), Math.min(Number(m[2]), total - 1)];
      res
        .writeHead(206, { 'content-range': `bytes ${start}-${end}/${total}`, 'content-length': end - start + 1 })
        .end(Buffer.alloc(end - start + 1, 1));
      return;
    }
    // Ignores Range: 200 and a gigabyte, without a Content-Length.
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    const chunk = Buffer.alloc(1024 * 1024, 7);
    const pump = () => {
      while (sent < 1024 * chunk.length) {
        sent += chunk.length;
        if (!res.write(chunk)) return res.once('drain', pump);
      }
      res.end();
    };
    res.on('close', () => undefined);
    res.on('error', () => undefined);
    pump();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env.OUTBOUND_ALLOWED_HOSTS = new URL(base).host;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  delete process.env.OUTBOUND_ALLOWED_HOSTS;
});

test('a host that answers 200 to a ranged read is refused without buffering the image', async () => {
  const before = process.memoryUsage().rss;
  const err = await openHttpRangeSource(`${base}/ignores.vhd`, 'The OS disk').then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SourceUnavailable);
  expect((err as SourceUnavailable).transient).toBe(false);
  expect((err as Error).message).toMatch(/ignores HTTP Range requests/);
  expect(sent).toBeLessThan(256 * 1024 * 1024); // the connection was dropped long before the gigabyte
  expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
});

test('a host that honours Range is read in ranges, each capped at what was asked for', async () => {
  const src = await openHttpRangeSource(`${base}/honours.vhd`, 'The OS disk');
  expect(src.size).toBe(1024 * 1024);
  const buf = await src.read(4096, 512);
  expect(buf.length).toBe(512);
  expect(src.stats.requests).toBe(2);
});
