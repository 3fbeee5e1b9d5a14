// HTTP-triggered functions on the devhost, over real HTTP: the route prefix from host.json, route
// templates, method restrictions, auth levels and keys, request and response bodies, headers and
// cookies, status codes, failures, the body size limit and malformed requests.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { startStack, Stack } from '../../src/testing/stack';
import { fixture } from '../fixture';

const MAX_BODY = 1024 * 1024;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack(fixture('http-app'), {
    DEVHOST_FUNCTION_KEYS: 'fkey1',
    DEVHOST_MASTER_KEY: 'mkey',
    DEVHOST_MAX_REQUEST_BYTES: String(MAX_BODY),
  });
});
afterAll(async () => {
  await stack?.stop();
});

const get = (p: string, init: RequestInit = {}) => fetch(stack.url(p), init);

async function json<T = Record<string, unknown>>(res: Response): Promise<T> {
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return (await res.json()) as T;
}

interface Described {
  fn: string;
  method: string;
  params: Record<string, string>;
}

/** Sends bytes exactly as given (no client-side URL normalisation) and returns the raw response head. */
function rawRequest(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(stack.host.port, '127.0.0.1');
    let out = '';
    socket.setTimeout(10_000, () => {
      socket.destroy();
      reject(new Error(`no response to ${JSON.stringify(text)}; got ${JSON.stringify(out)}`));
    });
    socket.on('data', (c) => {
      out += c.toString('latin1');
      // One response is enough; the connection may be kept alive.
      const head = out.indexOf('\r\n\r\n');
      if (head >= 0) {
        const length = /content-length: *(\d+)/i.exec(out.slice(0, head));
        if (!length || out.length >= head + 4 + Number(length[1])) {
          socket.destroy();
          resolve(out);
        }
      }
    });
    socket.on('end', () => resolve(out));
    socket.on('error', reject);
    socket.write(text);
  });
}

const statusOf = (raw: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1]);

async function stillServing(): Promise<void> {
  const res = await get('/v1/auth/open');
  expect(res.status).toBe(200);
  expect((await res.json()) as Described).toMatchObject({ fn: 'open' });
}

describe('route prefix', () => {
  test('functions answer under the routePrefix from host.json, not under the default api prefix', async () => {
    const res = await get('/v1/auth/open');
    expect(res.status).toBe(200);
    expect(await json<Described>(res)).toEqual({ fn: 'open', method: 'GET', params: {} });

    const api = await get('/api/auth/open');
    expect(api.status).toBe(404);
    expect((await json<{ error: { code: string } }>(api)).error.code).toBe('NotFound');
    // The prefix itself is a segment boundary: /v1x/... is not under /v1.
    expect((await get('/v1x/auth/open')).status).toBe(404);
    expect((await get('/auth/open')).status).toBe(404);
  });

  test('a function without a route is reached by its name, case-insensitively', async () => {
    for (const p of ['/v1/defaultRoute', '/v1/defaultroute']) {
      const res = await get(p);
      expect(res.status).toBe(200);
      expect((await json<Described>(res)).fn).toBe('defaultRoute');
    }
    // The library's default methods are GET and POST.
    expect((await get('/v1/defaultRoute', { method: 'POST' })).status).toBe(200);
    const put = await get('/v1/defaultRoute', { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST');
  });
});

describe('route templates', () => {
  test('parameters are percent-decoded', async () => {
    const res = await get('/v1/users/caf%C3%A9/posts/a%20b%2Bc%E2%9C%93');
    expect(res.status).toBe(200);
    expect(await json<Described>(res)).toEqual({
      fn: 'users',
      method: 'GET',
      params: { userId: 'café', postId: 'a b+c✓' },
    });
  });

  test('an int constraint accepts 32-bit integers and rejects everything else with 404', async () => {
    const ok = await get('/v1/orders/42');
    expect(ok.status).toBe(200);
    expect(await json<Described>(ok)).toMatchObject({ fn: 'orderById', params: { id: '42' } });
    expect(((await (await get('/v1/orders/-7')).json()) as Described).params.id).toBe('-7');

    for (const bad of ['abc', '4.5', '12abc', '99999999999', '0x10']) {
      const res = await get(`/v1/orders/${bad}`);
      expect([bad, res.status]).toEqual([bad, 404]);
      expect((await json<{ error: { code: string } }>(res)).error.code).toBe('NotFound');
    }
  });

  test('an optional parameter may be left out', async () => {
    const without = await json<{ greeting: string; params: Record<string, string> }>(await get('/v1/hello'));
    expect(without).toEqual({ fn: 'hello', greeting: 'Hello, world!', params: {} });
    const trailing = await json<{ greeting: string }>(await get('/v1/hello/'));
    expect(trailing.greeting).toBe('Hello, world!');
    const withName = await json<{ greeting: string; params: Record<string, string> }>(await get('/v1/hello/Ada%20L'));
    expect(withName).toEqual({ fn: 'hello', greeting: 'Hello, Ada L!', params: { name: 'Ada L' } });
    // Only one segment is optional: a second one matches nothing.
    expect((await get('/v1/hello/a/b')).status).toBe(404);
  });

  test('a catch-all parameter takes the rest of the path, including slashes, or nothing', async () => {
    expect(await json<Described>(await get('/v1/files'))).toEqual({ fn: 'files', method: 'GET', params: {} });
    expect((await json<Described>(await get('/v1/files/a/b/c.txt'))).params).toEqual({ rest: 'a/b/c.txt' });
    expect((await json<Described>(await get('/v1/files/my%20dir/r%C3%A9sum%C3%A9.pdf'))).params).toEqual({
      rest: 'my dir/résumé.pdf',
    });
  });

  test('a literal route wins over a parameter route registered before it', async () => {
    expect(await json<Described>(await get('/v1/items/special'))).toEqual({
      fn: 'itemSpecial',
      method: 'GET',
      params: {},
    });
    // Literal segments match case-insensitively, as in ASP.NET routing.
    expect((await json<Described>(await get('/v1/items/SPECIAL'))).fn).toBe('itemSpecial');
    expect(await json<Described>(await get('/v1/items/specials'))).toEqual({
      fn: 'itemById',
      method: 'GET',
      params: { id: 'specials' },
    });
    expect((await json<Described>(await get('/v1/items/42'))).params).toEqual({ id: '42' });
  });

  test('a wrong method gets 405 with an Allow header; an allowed one goes through', async () => {
    for (const method of ['POST', 'DELETE', 'PATCH']) {
      const res = await get('/v1/resource', { method });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('GET, PUT');
      const body = await json<{ error: { code: string; message: string } }>(res);
      expect(body.error.code).toBe('MethodNotAllowed');
      expect(body.error.message).toContain(method);
    }
    const put = await get('/v1/resource', { method: 'PUT' });
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual({ fn: 'resource', method: 'PUT' });
  });

  test('an unknown path under the prefix is a 404 with a JSON error body', async () => {
    const res = await get('/v1/no/such/function?x=1');
    expect(res.status).toBe(404);
    const body = await json<{ error: { code: string; message: string } }>(res);
    expect(body.error.code).toBe('NotFound');
    expect(body.error.message).toContain('/v1/no/such/function');
  });
});

describe('auth levels and keys', () => {
  test('anonymous functions need no key', async () => {
    expect((await get('/v1/auth/open')).status).toBe(200);
    // A wrong key does not matter to an anonymous function either.
    expect((await get('/v1/auth/open?code=nonsense')).status).toBe(200);
  });

  test('function level: a function key or the master key, in the query or the x-functions-key header', async () => {
    const noKey = await get('/v1/auth/function');
    expect(noKey.status).toBe(401);
    expect(await noKey.text()).toBe('');
    expect((await get('/v1/auth/function?code=wrong')).status).toBe(401);
    expect((await get('/v1/auth/function?code=')).status).toBe(401);
    expect((await get('/v1/auth/function', { headers: { 'x-functions-key': 'wrong' } })).status).toBe(401);
    // A key that is a prefix or an extension of the real one is still wrong.
    expect((await get('/v1/auth/function?code=fkey')).status).toBe(401);
    expect((await get('/v1/auth/function?code=fkey11')).status).toBe(401);

    for (const init of [{ q: '?code=fkey1' }, { q: '?code=mkey' }, { h: 'fkey1' }, { h: 'mkey' }] as {
      q?: string;
      h?: string;
    }[]) {
      const res = await get(`/v1/auth/function${init.q ?? ''}`, {
        headers: init.h ? { 'x-functions-key': init.h } : {},
      });
      expect([init, res.status]).toEqual([init, 200]);
      expect((await res.json()) as Described).toMatchObject({ fn: 'functionLevel' });
    }
    // The header is read first, as the host does.
    expect((await get('/v1/auth/function?code=wrong', { headers: { 'x-functions-key': 'fkey1' } })).status).toBe(200);
  });

  test('admin level: the master key only', async () => {
    expect((await get('/v1/auth/admin')).status).toBe(401);
    expect((await get('/v1/auth/admin?code=fkey1')).status).toBe(401);
    expect((await get('/v1/auth/admin', { headers: { 'x-functions-key': 'fkey1' } })).status).toBe(401);
    expect((await get('/v1/auth/admin?code=mkey')).status).toBe(200);
    const viaHeader = await get('/v1/auth/admin', { headers: { 'x-functions-key': 'mkey' } });
    expect(viaHeader.status).toBe(200);
    expect((await viaHeader.json()) as Described).toMatchObject({ fn: 'adminLevel' });
  });

  test('the host admin endpoints need the master key too', async () => {
    expect((await get('/admin/host/status')).status).toBe(401);
    expect((await get('/admin/host/status?code=fkey1')).status).toBe(401);
    const ok = await get('/admin/host/status?code=mkey');
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { functions: string[] }).functions).toEqual(
      expect.arrayContaining(['echo', 'functionLevel', 'throws']),
    );
  });
});

interface Echo {
  method: string;
  url: string;
  params: Record<string, string>;
  query: Record<string, string[]>;
  headers: Record<string, string>;
  bodyText: string;
  bodyBase64: string;
  bodyLength: number;
}

describe('request and response bodies', () => {
  test('the function sees method, url, params, query, headers and the raw text body', async () => {
    const res = await get('/v1/echo/abc%20d?x=1&y=two%20words&multi=a&multi=b&empty=', {
      method: 'PUT',
      headers: {
        'content-type': 'text/plain; charset=utf-8',
        'x-custom': 'Value With Spaces',
        'x-functions-key': 'ignored-for-anonymous',
      },
      body: 'héllo\nworld',
    });
    expect(res.status).toBe(200);
    const e = await json<Echo>(res);
    expect(e.method).toBe('PUT');
    expect(e.url).toBe(stack.url('/v1/echo/abc%20d?x=1&y=two%20words&multi=a&multi=b&empty='));
    expect(e.params).toEqual({ id: 'abc d' });
    // Repeated query names arrive joined with ',' as the host passes them.
    expect(e.query).toEqual({ x: ['1'], y: ['two words'], multi: ['a,b'], empty: [''] });
    expect(e.headers['x-custom']).toBe('Value With Spaces');
    expect(e.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(e.headers.host).toBe(`127.0.0.1:${stack.host.port}`);
    expect(e.bodyText).toBe('héllo\nworld');
    expect(e.bodyLength).toBe(Buffer.byteLength('héllo\nworld'));
  });

  test('each method reaches the function as sent, with an empty body when none was sent', async () => {
    for (const method of ['GET', 'POST', 'PATCH', 'DELETE']) {
      const e = await json<Echo>(await get('/v1/echo', { method }));
      expect(e).toMatchObject({ method, params: {}, bodyText: '', bodyLength: 0 });
    }
  });

  test('a JSON body is parsed by the function and a JSON response comes back', async () => {
    const res = await get('/v1/json/sum', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ label: 'totål', numbers: [1, 2, 3.5, -1] }),
    });
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ label: 'totål', sum: 5.5 });
    // Malformed JSON makes request.json() throw inside the function: a bare 500.
    const bad = await get('/v1/json/sum', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"numbers": [1,',
    });
    expect(bad.status).toBe(500);
    expect(await bad.text()).toBe('');
  });

  test('binary bodies round-trip byte for byte, including bytes that are not UTF-8', async () => {
    const small = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x0a, 0x0d, 0xc3, 0x28]);
    const echoed = await json<Echo>(
      await get('/v1/echo', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: small }),
    );
    expect(echoed.bodyBase64).toBe(small.toString('base64'));
    expect(echoed.bodyLength).toBe(small.length);

    const big = randomBytes(300 * 1024);
    const res = await get('/v1/mirror', {
      method: 'POST',
      headers: { 'content-type': 'application/x-test-bytes' },
      body: big,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-test-bytes');
    expect(Number(res.headers.get('content-length'))).toBe(big.length);
    expect(Buffer.from(await res.arrayBuffer()).equals(big)).toBe(true);
  });

  test('response headers and cookies, alongside a Set-Cookie the function put in its headers', async () => {
    const res = await get('/v1/respond/headers');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-custom-header')).toBe('custom-value');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await res.text()).toBe('with headers');

    const cookies = res.headers.getSetCookie();
    expect(cookies).toHaveLength(4);
    expect(cookies).toContain('fromHeader=1; Path=/');
    const session = cookies.find((c) => c.startsWith('session='))!;
    expect(session.split('; ')[0]).toBe('session=abc123');
    expect(session).toMatch(/; Path=\/(;|$)/);
    expect(session).toMatch(/; Max-Age=3600(;|$)/);
    expect(session).toMatch(/; Secure(;|$)/);
    expect(session).toMatch(/; HttpOnly(;|$)/);
    expect(session).toMatch(/; SameSite=Strict(;|$)/i);
    const theme = cookies.find((c) => c.startsWith('theme='))!;
    expect(theme).toMatch(/; Domain=localhost(;|$)/);
    expect(theme).toMatch(/; Expires=Wed, 02 Jan 2030 03:04:05 GMT(;|$)/);
    expect(theme).toMatch(/; SameSite=Lax(;|$)/i);
    expect(theme).not.toMatch(/HttpOnly|Secure/);
    // A value with ';', '=' and a space is escaped (as ASP.NET does), not split into attributes.
    const note = cookies.find((c) => c.startsWith('note='))!;
    expect(note).toBe('note=a%20b%3Bc%3Dd');
    expect(decodeURIComponent(note.slice('note='.length))).toBe('a b;c=d');
  });

  test('custom status codes with JSON, text and empty bodies', async () => {
    const created = await get('/v1/respond/created', { method: 'POST' });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/v1/items/new-1');
    expect(await json(created)).toEqual({ id: 'new-1' });

    const invalid = await get('/v1/respond/invalid', { method: 'POST' });
    expect(invalid.status).toBe(422);
    expect(await json(invalid)).toEqual({ error: { code: 'Invalid', field: 'name' } });

    const teapot = await get('/v1/respond/teapot');
    expect(teapot.status).toBe(418);
    expect(await teapot.text()).toBe("I'm a teapot");

    const empty = await get('/v1/respond/empty', { method: 'DELETE' });
    expect(empty.status).toBe(204);
    expect(empty.headers.get('content-length')).toBeNull();
    expect(await empty.text()).toBe('');
  });
});

describe('failures and limits', () => {
  test('a throwing function gives a bare 500 without its error, and the host keeps serving', async () => {
    const res = await get('/v1/respond/throws');
    expect(res.status).toBe(500);
    expect(res.headers.get('content-length')).toBe('0');
    expect(await res.text()).toBe('');
    await stillServing();

    // A function's own TypeError mentioning a URL is still the function's failure, not a bad request.
    const sync = await get('/v1/respond/throws-sync');
    expect(sync.status).toBe(500);
    expect(await sync.text()).toBe('');

    // Many failures in parallel do not wear the host down.
    const statuses = await Promise.all(
      Array.from({ length: 20 }, () => get('/v1/respond/throws').then((r) => r.status)),
    );
    expect(statuses).toEqual(Array(20).fill(500));
    await stillServing();
    expect(stack.host.child!.exitCode).toBeNull();
  });

  test('a body over DEVHOST_MAX_REQUEST_BYTES gets 413; one at the limit is accepted', async () => {
    const atLimit = randomBytes(MAX_BODY);
    const ok = await get('/v1/mirror', {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: atLimit,
    });
    expect(ok.status).toBe(200);
    expect(Buffer.from(await ok.arrayBuffer()).equals(atLimit)).toBe(true);

    const tooBig = await get('/v1/mirror', {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: randomBytes(2 * MAX_BODY),
    });
    expect(tooBig.status).toBe(413);
    const body = await json<{ error: { code: string } }>(tooBig);
    expect(body.error.code).toBe('RequestTooLarge');

    // One byte over, without a Content-Length (chunked), is caught while reading.
    const chunk = new Uint8Array(64 * 1024);
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 16; i++) c.enqueue(chunk);
        c.enqueue(new Uint8Array(1));
        c.close();
      },
    });
    const chunked = await get('/v1/mirror', { method: 'POST', body: stream, duplex: 'half' });
    expect(chunked.status).toBe(413);
    await chunked.arrayBuffer();

    // Refused before the body is sent when the client asks first (Expect: 100-continue).
    const raw = await rawRequest(
      `POST /v1/mirror HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${2 * MAX_BODY}\r\nExpect: 100-continue\r\n\r\n`,
    );
    expect(statusOf(raw)).toBe(413);

    await stillServing();
  });

  test('malformed percent-encodings and odd request targets get a 4xx, never a crash', async () => {
    for (const p of ['/v1/items/%zz', '/v1/items/%E0%A4%A', '/v1/files/a/%ff%fe', '/v1/hello/%', '/v1/echo/%C0%AF']) {
      const res = await get(p);
      expect([p, res.status >= 400 && res.status < 500]).toEqual([p, true]);
      await res.arrayBuffer();
    }
    // Sent byte for byte, without any client normalisation.
    for (const target of ['/v1/items/%zz', '/v1/users/%/posts/%%', '/v1/echo/%ff?x=%zz', '/v1/files/%00%']) {
      const raw = await rawRequest(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
      const status = statusOf(raw);
      expect([target, status >= 400 && status < 500]).toEqual([target, true]);
    }
    // A path starting with '//' is a path, not a host: it does not reach /v1/items/{id}.
    const doubled = await get('//evil.example/v1/items/x');
    expect(doubled.status).toBe(404);
    // A Host header that is not host[:port] is refused.
    expect(statusOf(await rawRequest('GET /v1/auth/open HTTP/1.1\r\nHost: a/b\r\n\r\n'))).toBe(400);
    expect(statusOf(await rawRequest('GET /v1/auth/open HTTP/1.1\r\nHost: user@evil\r\n\r\n'))).toBe(400);
    // A target that is neither a path nor an absolute URL.
    expect(statusOf(await rawRequest('GET v1/auth/open HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'))).toBeGreaterThanOrEqual(
      400,
    );

    await stillServing();
    expect(stack.host.child!.exitCode).toBeNull();
    expect(stack.host.output).not.toMatch(/unhandled error/);
  });
});
