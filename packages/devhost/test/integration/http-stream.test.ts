// HTTP stream mode (`app.setup({ enableHttpStream: true })`, @azure/functions 4.3 and later): the
// library starts its own HTTP server and reports it as the `HttpUri` capability
// (Azure/azure-functions-nodejs-library, src/ProgrammingModel.ts); the host forwards each request
// there with `x-ms-invocation-id` and X-Forwarded-Host/-Proto (src/http/httpProxy.ts and
// HttpRequest.ts, createStreamRequest) and streams back what the function writes
// (Azure/azure-functions-host, src/WebJobs.Script.Grpc/Server/DefaultHttpProxyService.cs).
import http from 'node:http';
import { startStack, Stack, waitUntil } from '../../src/testing/stack';
import { fixture } from '../fixture';

const LIMIT = 4 * 1024 * 1024;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack(fixture('stream-app'), { DEVHOST_MAX_REQUEST_BYTES: String(LIMIT) });
});
afterAll(async () => {
  await stack?.stop();
});

interface Echo {
  method: string;
  url: string;
  params: Record<string, string>;
  query: Record<string, string[]>;
  headers: Record<string, string>;
  body: string;
}

/** Reads lines from a response as they come, so a test can wait for one before sending more. */
function lineReader(res: http.IncomingMessage) {
  let buffered = '';
  const waiting: (() => void)[] = [];
  let ended = false;
  res.setEncoding('utf8');
  res.on('data', (c: string) => {
    buffered += c;
    waiting.splice(0).forEach((w) => w());
  });
  res.on('end', () => {
    ended = true;
    waiting.splice(0).forEach((w) => w());
  });
  return async function nextLine(timeoutMs = 10_000): Promise<string | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const nl = buffered.indexOf('\n');
      if (nl >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        return line;
      }
      if (ended) return undefined;
      if (Date.now() > deadline) throw new Error(`no line within ${timeoutMs} ms; have ${JSON.stringify(buffered)}`);
      await new Promise<void>((r) => {
        waiting.push(r);
        setTimeout(r, 100);
      });
    }
  };
}

function request(
  path: string,
  init: http.RequestOptions,
): { req: http.ClientRequest; res: Promise<http.IncomingMessage> } {
  const req = http.request(stack.url(path), init);
  const res = new Promise<http.IncomingMessage>((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', reject);
  });
  return { req, res };
}

test('the request comes through the library proxy: url, headers, query and params as the function sees them', async () => {
  const res = await fetch(stack.url('/api/echo/abc%20d?x=1&multi=a&multi=b&Multi=c&empty=&code=k'), {
    method: 'POST',
    headers: { 'content-type': 'text/plain', 'x-custom': 'one', 'x-forwarded-host': 'evil.example' },
    body: 'hello stream ✓',
  });
  expect(res.status).toBe(200);
  const e = (await res.json()) as Echo;
  expect(e.method).toBe('POST');
  expect(e.body).toBe('hello stream ✓');
  // The URL is built from X-Forwarded-Host, which the host sets (replacing any the client sent).
  expect(e.url).toBe(stack.url('/api/echo/abc%20d?x=1&multi=a&multi=b&Multi=c&empty=&code=k'));
  expect(e.headers['x-custom']).toBe('one');
  expect(e.headers['x-ms-invocation-id']).toBeUndefined();
  // In stream mode the query comes from the URL itself: repeated names stay separate, case kept.
  expect(e.query).toEqual({ x: ['1'], multi: ['a', 'b'], Multi: ['c'], empty: [''], code: ['k'] });
  // And params are the trigger metadata less Query and Headers: the route's parameters and, as the
  // host's HTTP extension puts them there too, each query name's last value, `code` excepted
  // (azure-webjobs-sdk-extensions, src/WebJobs.Extensions.Http/HttpTriggerAttributeBindingProvider.cs).
  expect(e.params).toEqual({ id: 'abc d', x: '1', multi: 'c', empty: '' });
});

test('an optional route parameter left out is absent; a route parameter wins over a query value of its name', async () => {
  const without = (await (await fetch(stack.url('/api/echo'))).json()) as Echo;
  expect(without.method).toBe('GET');
  expect(without.params).toEqual({});
  const both = (await (await fetch(stack.url('/api/echo/fromRoute?ID=fromQuery'))).json()) as Echo;
  // One case-insensitive map, the first spelling kept, the route's value last.
  expect(both.params).toEqual({ ID: 'fromRoute' });
});

test('the response streams: the first chunk arrives while the function is still producing the rest', async () => {
  const { req, res } = request('/api/ticks', { method: 'GET' });
  req.end();
  const r = await res;
  expect(r.statusCode).toBe(201);
  expect(r.headers['content-type']).toBe('text/event-stream');
  expect(r.headers['x-custom']).toBe('yes');
  expect(r.headers['set-cookie']).toEqual(['session=abc; HttpOnly']);
  const nextLine = lineReader(r);
  expect(await nextLine()).toBe('first');
  // The second chunk waits for this call: had the host buffered the response, the first would not be here yet.
  expect((await fetch(stack.url('/api/release'), { method: 'POST' })).status).toBe(204);
  expect(await nextLine()).toBe('second');
  expect(await nextLine()).toBe(undefined);
});

test('the request streams: the function reads each chunk of an upload while the rest is still being sent', async () => {
  const { req, res } = request('/api/progress', {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream' },
  });
  const chunk = Buffer.alloc(256 * 1024, 0x61);
  req.write(chunk);
  const r = await res;
  expect(r.statusCode).toBe(200);
  const nextLine = lineReader(r);
  let sent = chunk.length;
  // Each next chunk is sent only once the function has reported the last one: the upload could not
  // finish before the function had read all but its end.
  for (let i = 0; i < 8; i++) {
    let line = await nextLine();
    while (line !== `got ${sent}`) {
      expect(line).toMatch(/^got \d+$/);
      line = await nextLine();
    }
    req.write(chunk);
    sent += chunk.length;
  }
  req.end();
  let last = await nextLine();
  while (last?.startsWith('got ')) last = await nextLine();
  expect(last).toBe(`done ${sent}`);
});

test('the body limit holds in stream mode: a declared length over it and a chunked body that grows past it get 413', async () => {
  const declared = await fetch(stack.url('/api/sink'), { method: 'POST', body: Buffer.alloc(LIMIT + 1, 0x61) });
  expect(declared.status).toBe(413);
  expect(((await declared.json()) as { error: { code: string } }).error.code).toBe('RequestTooLarge');

  const chunked = request('/api/sink', { method: 'POST' });
  chunked.req.on('error', () => undefined);
  const piece = Buffer.alloc(512 * 1024, 0x62);
  let written = 0;
  const writer = (async () => {
    while (written <= LIMIT + piece.length && !chunked.req.destroyed) {
      if (!chunked.req.write(piece)) await new Promise((r) => chunked.req.once('drain', r));
      written += piece.length;
    }
    chunked.req.end();
  })();
  const c = await chunked.res;
  expect(c.statusCode).toBe(413);
  c.resume();
  await writer;

  // Under the limit, the same function reads the whole body.
  const ok = await fetch(stack.url('/api/sink'), { method: 'POST', body: Buffer.alloc(LIMIT - 1, 0x63) });
  expect(await ok.json()).toEqual({ length: LIMIT - 1 });
});

test('a failing function gets a bare 500 at once; one that returns no response gets a 500 and a log line saying so', async () => {
  const failed = await fetch(stack.url('/api/fails'));
  expect(failed.status).toBe(500);
  expect(await failed.text()).toBe('');
  const nothing = await fetch(stack.url('/api/nothing'));
  expect(nothing.status).toBe(500);
  // The host's output comes through a pipe: the lines may land a moment after the responses.
  const logged = (pattern: RegExp) => waitUntil(async () => (pattern.test(stack.host.output) ? true : undefined));
  await logged(/fails \([0-9a-f-]+\): Executed \(Failed, \d+ ms\): Error: stream-mode function failed on purpose/);
  await logged(/nothing \([0-9a-f-]+\): Executed \(Failed, \d+ ms\): the function returned no HTTP response/);
  // The host carries on.
  expect((await fetch(stack.url('/api/echo'))).status).toBe(200);
});

test('a client that goes away mid-response or mid-upload leaves the host serving', async () => {
  const ticks = request('/api/ticks', { method: 'GET' });
  ticks.req.end();
  const r = await ticks.res;
  expect(await lineReader(r)()).toBe('first');
  r.destroy();
  // The function goes on writing to a connection nobody reads any more.
  expect((await fetch(stack.url('/api/release'), { method: 'POST' })).status).toBe(204);

  const upload = request('/api/progress', { method: 'POST' });
  upload.req.on('error', () => undefined);
  upload.req.write(Buffer.alloc(64 * 1024, 0x61));
  const u = await upload.res;
  expect(await lineReader(u)()).toMatch(/^got \d+$/);
  upload.req.destroy();

  const head = await fetch(stack.url('/api/echo'), { method: 'HEAD' });
  expect(head.status).toBe(200);
  expect(await head.text()).toBe('');
  const after = (await (await fetch(stack.url('/api/echo/still?ok=1'))).json()) as Echo;
  expect(after.params).toEqual({ id: 'still', ok: '1' });
  expect(stack.host.output).not.toMatch(/host: (uncaught|unhandled)/);
});
