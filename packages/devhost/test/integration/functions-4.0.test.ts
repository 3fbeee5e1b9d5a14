// An app on the oldest @azure/functions 4.x (4.0.1, which builds its requests with undici 5): it
// must see the same method, URL, headers, query, params and body as the current version does, from
// the same RpcHttp (the nullable maps the host fills for the Node worker: azure-functions-host,
// src/WebJobs.Script.Grpc/MessageExtensions/GrpcMessageConversionExtensions.cs, and the library's
// fromNullableMapping, src/converters/fromRpcNullable.ts, present since 4.0.0). Stream mode came in
// 4.3.0 and is covered on the current version (http-stream.test.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack, Stack, waitUntil } from '../../src/testing/stack';

let dir = '';
let stack: Stack;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'functions-4.0-app-'));
  fs.writeFileSync(path.join(dir, 'host.json'), JSON.stringify({ version: '2.0' }));
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'pinned-4-0', private: true, main: 'index.js' }),
  );
  fs.writeFileSync(
    path.join(dir, 'index.js'),
    `const { app } = require('@azure/functions');
app.http('echo', { route: 'echo/{id?}', methods: ['GET', 'HEAD', 'POST'], authLevel: 'anonymous',
  handler: async (request, context) => {
    const query = {};
    for (const [k, v] of request.query) (query[k] = query[k] || []).push(v);
    return { jsonBody: {
      version: require('@azure/functions/package.json').version,
      invocationId: context.invocationId,
      method: request.method, url: request.url, params: { ...request.params }, query,
      header: request.headers.get('x-custom'), body: await request.text() } };
  } });
app.http('fails', { route: 'fails', methods: ['GET'], authLevel: 'anonymous',
  handler: async () => { throw new Error('4.0 app failed on purpose'); } });
`,
  );
  // The app's own dependency: @azure/functions 4.0.1 (installed under an alias by the package).
  let installed: string;
  try {
    installed = path.dirname(require.resolve('azure-functions-4.0/package.json'));
  } catch {
    throw new Error(
      'azure-functions-4.0 is not installed: packages/devhost needs the devDependency "azure-functions-4.0": "npm:@azure/functions@4.0.1".',
    );
  }
  fs.mkdirSync(path.join(dir, 'node_modules', '@azure'), { recursive: true });
  fs.symlinkSync(installed, path.join(dir, 'node_modules', '@azure', 'functions'), 'dir');
  stack = await startStack(dir);
});
afterAll(async () => {
  await stack?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Echo {
  version: string;
  invocationId: string;
  method: string;
  url: string;
  params: Record<string, string>;
  query: Record<string, string[]>;
  header: string | null;
  body: string;
}

test('a GET: params, query (case-insensitive names, repeated values joined) and headers as on the current version', async () => {
  const res = await fetch(stack.url('/api/echo/caf%C3%A9?q=1&Q=2&empty=&other=x'), { headers: { 'x-custom': 'v' } });
  expect(res.status).toBe(200);
  const e = (await res.json()) as Echo;
  expect(e).toMatchObject({
    version: '4.0.1',
    method: 'GET',
    url: stack.url('/api/echo/caf%C3%A9?q=1&Q=2&empty=&other=x'),
    params: { id: 'café' },
    query: { q: ['1,2'], empty: [''], other: ['x'] },
    header: 'v',
    body: '',
  });
  expect(e.invocationId).toMatch(/^[0-9a-f-]{36}$/);
});

test('an optional parameter left out is absent; HEAD and a POST body work', async () => {
  const without = (await (await fetch(stack.url('/api/echo'))).json()) as Echo;
  expect(without.params).toEqual({});
  expect((await fetch(stack.url('/api/echo'), { method: 'HEAD' })).status).toBe(200);
  const post = await fetch(stack.url('/api/echo/x'), {
    method: 'POST',
    body: 'payload ✓',
    headers: { 'content-type': 'text/plain' },
  });
  expect(await post.json()).toMatchObject({ method: 'POST', params: { id: 'x' }, body: 'payload ✓' });
});

test('a failing function gets a bare 500 and its log line carries the message', async () => {
  const res = await fetch(stack.url('/api/fails'));
  expect(res.status).toBe(500);
  expect(await res.text()).toBe('');
  // The host's output comes through a pipe: the line may land a moment after the response.
  await waitUntil(async () => (stack.host.output.includes('4.0 app failed on purpose') ? true : undefined));
});
