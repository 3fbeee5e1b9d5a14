// A partner's CRM for tests: an HTTPS server (self-signed certificate made with openssl at start)
// that records JSON and form posts per path, and can be told to refuse (e.g. 400 with a message),
// to be down (503), or to drop connections, for N requests or until told otherwise.
// Without openssl it falls back to plain HTTP; either way the app reaches it because its host:port
// goes into OUTBOUND_ALLOWED_HOSTS, and with HTTPS the app needs NODE_EXTRA_CA_CERTS = `caFile`.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface ReceivedPost {
  path: string;
  contentType: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  json?: unknown;
  form?: Record<string, string>;
}

/** How the receiver answers a path: a status and body, or a dropped connection. */
export type Refusal = ({ status: number; body?: string } | { drop: true }) & { times?: number };

export interface LeadReceiver {
  /** `127.0.0.1:<port>`, for OUTBOUND_ALLOWED_HOSTS. */
  host: string;
  /** The certificate to trust (NODE_EXTRA_CA_CERTS); undefined when serving plain HTTP. */
  caFile: string | undefined;
  /** Environment for startStack so the app can reach (and trust) this receiver. */
  appEnv: Record<string, string>;
  url(pathAndQuery: string): string;
  /** Posts accepted (2xx) on a path (query ignored), in arrival order. */
  received(path: string): ReceivedPost[];
  /** Every request to a path, refused or not. */
  attempts(path: string): number;
  refuse(path: string, refusal: Refusal): void;
  accept(path: string): void;
  close(): Promise<void>;
}

function selfSignedCert(): { key: string; cert: string; caFile: string } | undefined {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lead-receiver-'));
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '2',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { stdio: 'ignore' },
    );
    return { key: fs.readFileSync(key, 'utf8'), cert: fs.readFileSync(cert, 'utf8'), caFile: cert };
  } catch {
    return undefined; // no openssl: plain HTTP
  }
}

export async function startLeadReceiver(): Promise<LeadReceiver> {
  const posts: ReceivedPost[] = [];
  const counts = new Map<string, number>();
  const refusals = new Map<string, Refusal>();

  const handler: http.RequestListener = (req, res) => {
    const p = new URL(req.url ?? '/', 'http://x').pathname;
    counts.set(p, (counts.get(p) ?? 0) + 1);
    const refusal = refusals.get(p);
    if (refusal) {
      if (refusal.times !== undefined && --refusal.times <= 0) refusals.delete(p);
      if ('drop' in refusal) {
        req.socket.destroy();
        return;
      }
      res.writeHead(refusal.status, { 'content-type': 'text/plain' }).end(refusal.body ?? '');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const contentType = String(req.headers['content-type'] ?? '');
      const post: ReceivedPost = { path: p, contentType, headers: req.headers, body };
      if (contentType.startsWith('application/json')) post.json = JSON.parse(body);
      if (contentType.startsWith('application/x-www-form-urlencoded'))
        post.form = Object.fromEntries(new URLSearchParams(body));
      posts.push(post);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  };

  const tls = selfSignedCert();
  const server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, handler) : http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  const origin = `${tls ? 'https' : 'http'}://${host}`;
  return {
    host,
    caFile: tls?.caFile,
    appEnv: { OUTBOUND_ALLOWED_HOSTS: host, ...(tls ? { NODE_EXTRA_CA_CERTS: tls.caFile } : {}) },
    url: (pq) => `${origin}${pq}`,
    received: (p) => posts.filter((x) => x.path === p),
    attempts: (p) => counts.get(p) ?? 0,
    refuse: (p, r) => void refusals.set(p, { ...r }),
    accept: (p) => void refusals.delete(p),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
        if (tls) fs.rmSync(path.dirname(tls.caFile), { recursive: true, force: true });
      }),
  };
}
