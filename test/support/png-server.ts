// A partner's web server for offer images, on loopback: PNGs of any size, and the hostile answers
// an ingesting service must survive (not an image, too large, endless, a redirect, an error).
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { crc32, deflateSync } from 'node:zlib';

/** A solid-colour 8-bit RGB PNG. */
export function png(width: number, height: number, rgb: [number, number, number] = [0, 120, 212]): Buffer {
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => rgb).flat())]);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export const dataUrl = (bytes: Buffer) => `data:image/png;base64,${bytes.toString('base64')}`;

export interface PngServer {
  /** host:port, for OUTBOUND_ALLOWED_HOSTS. */
  host: string;
  /** `/png/{w}x{h}.png` serves a PNG of that size; `/hostile/{kind}` a hostile answer. */
  url(path: string): string;
  requests: string[];
  close(): Promise<void>;
}

export async function startPngServer(): Promise<PngServer> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    const size = /^\/png\/(\d+)x(\d+)\.png$/.exec(req.url ?? '');
    if (size) {
      res.writeHead(200, { 'content-type': 'image/png' }).end(png(Number(size[1]), Number(size[2])));
      return;
    }
    switch (req.url) {
      case '/hostile/text':
        res.writeHead(200, { 'content-type': 'image/png' }).end('<html>not an image</html>');
        return;
      case '/hostile/huge': // no Content-Length, and far more than any image may be
        res.writeHead(200, { 'content-type': 'image/png' });
        res.write(png(40, 40));
        {
          const junk = Buffer.alloc(1024 * 1024, 7);
          let sent = 0;
          const pump = () => {
            while (sent < 64 && res.write(junk)) sent++;
            if (sent < 64) res.once('drain', pump);
            else res.end();
          };
          pump();
          res.on('error', () => undefined);
        }
        return;
      case '/hostile/redirect':
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' }).end();
        return;
      case '/hostile/gone':
        res.writeHead(404).end();
        return;
      default:
        res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    host: `127.0.0.1:${port}`,
    url: (p) => `http://127.0.0.1:${port}${p}`,
    requests,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
