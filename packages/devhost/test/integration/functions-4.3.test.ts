// An app pinned to @azure/functions 4.3 (the version the official Durable samples lock): its HTTP
// requests must come without a body when there is none, as the real host sends them — 4.3 builds
// an undici Request, which refuses a body on GET and HEAD ("Request with GET/HEAD method cannot
// have body"), so the devhost's empty body used to turn every GET into a 500.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack, Stack } from '../../src/testing/stack';

let dir = '';
let stack: Stack;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'functions-4.3-app-'));
  fs.writeFileSync(path.join(dir, 'host.json'), JSON.stringify({ version: '2.0' }));
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'pinned-4-3', private: true, main: 'index.js' }),
  );
  fs.writeFileSync(
    path.join(dir, 'index.js'),
    `const { app } = require('@azure/functions');
app.http('hello', { route: 'hello/{name?}', methods: ['GET', 'HEAD', 'POST', 'DELETE'], authLevel: 'anonymous',
  handler: async (request) => ({ jsonBody: { version: require('@azure/functions/package.json').version, method: request.method, name: request.params.name ?? null, q: request.query.get('q'), body: await request.text() } }) });
`,
  );
  // The app's own dependency: @azure/functions 4.3.0 (installed under an alias by the project).
  fs.mkdirSync(path.join(dir, 'node_modules', '@azure'), { recursive: true });
  fs.symlinkSync(
    path.dirname(require.resolve('azure-functions-4.3/package.json')),
    path.join(dir, 'node_modules', '@azure', 'functions'),
    'dir',
  );
  stack = await startStack(dir);
});
afterAll(async () => {
  await stack?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('GET, HEAD and a bodiless DELETE reach a 4.3 app; a POST body still arrives whole', async () => {
  const get = await fetch(stack.url('/api/hello/world?q=1'));
  expect(get.status).toBe(200);
  expect(await get.json()).toEqual({ version: '4.3.0', method: 'GET', name: 'world', q: '1', body: '' });
  expect((await fetch(stack.url('/api/hello'), { method: 'HEAD' })).status).toBe(200);
  const del = await fetch(stack.url('/api/hello/x'), { method: 'DELETE' });
  expect(del.status).toBe(200);
  const post = await fetch(stack.url('/api/hello'), {
    method: 'POST',
    body: 'payload ✓',
    headers: { 'content-type': 'text/plain' },
  });
  expect(await post.json()).toMatchObject({ method: 'POST', body: 'payload ✓' });
});
