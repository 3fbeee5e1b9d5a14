// Request bodies on the devhost are read as a stream, only by the route that takes the request, and
// never buffered past DEVHOST_MAX_REQUEST_BYTES: a request for a path nothing serves, with a method
// the route does not allow, or without the key it needs is answered without its body being kept;
// an over-limit body is refused with 413 once the client has finished sending. Memory is measured
// from outside (the devhost process's resident set, sampled with `ps` while the requests run), and
// must not grow by more than twice the limit however large the bodies sent.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startStack, Stack } from '../../src/testing/stack';
import { fixture } from '../fixture';

const LIMIT = 16 * 1024 * 1024;
const MiB = 1024 * 1024;
const run = promisify(execFile);

let stack: Stack;
beforeAll(async () => {
  stack = await startStack(fixture('http-app'), {
    DEVHOST_MAX_REQUEST_BYTES: String(LIMIT),
    DEVHOST_MASTER_KEY: 'mkey',
  });
});
afterAll(async () => {
  await stack?.stop();
});

async function rssBytes(pid: number): Promise<number> {
  const { stdout } = await run('ps', ['-o', 'rss=', '-p', String(pid)]);
  return Number(stdout.trim()) * 1024;
}

/** The devhost's resident set before `work`, and the most it reached while `work` ran. */
async function peakGrowth<T>(work: () => Promise<T>): Promise<{ result: T; growth: number }> {
  const pid = stack.host.child!.pid!;
  const before = await rssBytes(pid);
  let peak = before;
  let running = true;
  const sampler = (async () => {
    while (running) {
      peak = Math.max(peak, await rssBytes(pid).catch(() => peak));
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  try {
    const result = await work();
    return { result, growth: peak - before };
  } finally {
    running = false;
    await sampler;
  }
}

/** A body of `size` bytes sent as a stream without a Content-Length (chunked), produced as it is read. */
function chunkedBody(size: number): ReadableStream<Uint8Array> {
  const chunk = new Uint8Array(256 * 1024).fill(0x61);
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(c) {
      if (sent >= size) return c.close();
      const n = Math.min(chunk.length, size - sent);
      sent += n;
      c.enqueue(n === chunk.length ? chunk : chunk.subarray(0, n));
    },
  });
}

const post = (p: string, body: NonNullable<RequestInit['body']>, init: RequestInit = {}) =>
  fetch(stack.url(p), { method: 'POST', body, ...(body instanceof ReadableStream ? { duplex: 'half' } : {}), ...init });

async function statusAndDrain(res: Response): Promise<number> {
  await res.arrayBuffer();
  return res.status;
}

beforeAll(async () => {
  // Warm up: the first requests load code and grow the heap once; that is not what is measured.
  for (let i = 0; i < 3; i++)
    await statusAndDrain(
      await post('/v1/mirror', Buffer.alloc(MiB), { headers: { 'content-type': 'application/octet-stream' } }),
    );
});

test('50 MiB POSTs to a path nothing serves get 404 without their bodies being held', async () => {
  const big = Buffer.alloc(50 * MiB, 0x62);
  const { result, growth } = await peakGrowth(() =>
    Promise.all([
      post('/v1/no-such-route', big).then(statusAndDrain),
      post('/no-prefix-at-all', big).then(statusAndDrain),
      post('/v1/no-such-route', chunkedBody(50 * MiB)).then(statusAndDrain),
    ]),
  );
  expect(result).toEqual([404, 404, 404]);
  expect(growth).toBeLessThan(2 * LIMIT);
});

test('bodies within the limit sent to a path nothing serves are not read either', async () => {
  // Each one alone is allowed; read and buffered, four at once would cost several times the limit.
  const body = Buffer.alloc(LIMIT - MiB, 0x63);
  const { result, growth } = await peakGrowth(() =>
    Promise.all([1, 2, 3, 4].map(() => post('/v1/nothing-here', body).then(statusAndDrain))),
  );
  expect(result).toEqual([404, 404, 404, 404]);
  expect(growth).toBeLessThan(LIMIT);
});

test('a method the route does not allow is 405, and a management call without its key is 401, without reading the body', async () => {
  const big = Buffer.alloc(50 * MiB, 0x64);
  const { result, growth } = await peakGrowth(async () => [
    await post('/v1/mirror', big, { method: 'PATCH' }).then(statusAndDrain),
    await post('/runtime/webhooks/durabletask/orchestrators/anything', big, {
      headers: { 'content-type': 'application/json' },
    }).then(statusAndDrain),
    await post('/durabletask/orchestrators/anything', chunkedBody(50 * MiB), {
      headers: { 'content-type': 'application/json' },
    }).then(statusAndDrain),
  ]);
  expect(result).toEqual([405, 401, 401]);
  expect(growth).toBeLessThan(2 * LIMIT);
});

test('an over-limit body is 413 once it has been sent, and the host holds no more than the limit for it', async () => {
  const { result, growth } = await peakGrowth(async () => [
    // Without a Content-Length the limit is found while reading, and reading stops there.
    await post('/v1/mirror', chunkedBody(50 * MiB), { headers: { 'content-type': 'application/octet-stream' } }).then(
      statusAndDrain,
    ),
    await post('/v1/mirror', chunkedBody(LIMIT + 1), { headers: { 'content-type': 'application/octet-stream' } }).then(
      statusAndDrain,
    ),
    // With one, it is refused before anything is read.
    await post('/v1/mirror', Buffer.alloc(50 * MiB, 0x65), {
      headers: { 'content-type': 'application/octet-stream' },
    }).then(statusAndDrain),
  ]);
  expect(result).toEqual([413, 413, 413]);
  expect(growth).toBeLessThan(2 * LIMIT);
});

test('after all of that the host keeps serving, bodies at the limit included', async () => {
  const atLimit = Buffer.alloc(LIMIT, 0x66);
  const res = await post('/v1/mirror', atLimit, { headers: { 'content-type': 'application/octet-stream' } });
  expect(res.status).toBe(200);
  expect(Buffer.from(await res.arrayBuffer()).equals(atLimit)).toBe(true);
  const echo = await post('/v1/echo/x', 'small', { headers: { 'content-type': 'text/plain' } });
  expect(echo.status).toBe(200);
  expect(((await echo.json()) as { bodyText: string }).bodyText).toBe('small');
  expect(stack.host.child!.exitCode).toBeNull();
  expect(stack.host.output).not.toMatch(/unhandled error/);
});
