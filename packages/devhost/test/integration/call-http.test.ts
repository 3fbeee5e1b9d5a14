// context.df.callHttp: the host makes the call; a 202 with Location is polled (durable timer of
// Retry-After seconds, then a GET of Location) until the answer is not 202; bad URLs and timeouts
// fail the task, not the host.
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { start, waitForStatus } from '../../src/testing/durable-http';
import { startStack, Stack } from '../../src/testing/stack';
import { fixture } from '../fixture';

let stack: Stack;
let server: http.Server;
let base = '';
const seen: { method: string; url: string; body: string; header?: string }[] = [];
let polls = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, body, header: req.headers['x-test'] as string | undefined });
      if (req.url === '/echo') {
        res.writeHead(201, { 'content-type': 'text/plain', 'x-echo': 'yes' });
        res.end(`${req.method} ${body}`);
      } else if (req.url === '/job') {
        res.writeHead(202, { location: `${base}/job/status`, 'retry-after': '1' });
        res.end();
      } else if (req.url === '/job/status') {
        polls++;
        if (polls < 3) {
          res.writeHead(202, { location: `${base}/job/status`, 'retry-after': '1' });
          res.end();
        } else {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"done":true}');
        }
      } else if (req.url === '/hang') {
        // Never answers: the call must time out.
      } else {
        res.writeHead(404);
        res.end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stack = await startStack(fixture('entities-app'), { DEVHOST_HTTP_TIMEOUT_SECONDS: '2' });
});
afterAll(async () => {
  await stack?.stop();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

test('the host makes the call and the orchestrator gets a DurableHttpResponse', async () => {
  const id = await start(stack, 'httpCall', {
    method: 'POST',
    url: `${base}/echo`,
    body: { hello: 'world' },
    headers: { 'x-test': 'sent' },
  });
  const s = await waitForStatus(stack, id);
  expect(s.output).toEqual({ statusCode: 201, content: 'POST {"hello":"world"}', header: 'yes' });
  expect(seen).toContainEqual({ method: 'POST', url: '/echo', body: '{"hello":"world"}', header: 'sent' });
  // The extension schedules the call as its built-in activity (Options/HttpOptions.cs).
  const calls = s.historyEvents!.filter((e) => e.EventType === 'TaskCompleted');
  expect(calls.map((e) => e.FunctionName)).toEqual(['BuiltIn::HttpActivity']);
});

test('202 with Location is polled after Retry-After with durable timers until it is not 202', async () => {
  const started = Date.now();
  const id = await start(stack, 'httpCall', { method: 'POST', url: `${base}/job` });
  const s = await waitForStatus(stack, id, ['Completed', 'Failed'], 30_000);
  expect(s.output).toEqual({ statusCode: 200, content: '{"done":true}', header: null });
  expect(polls).toBe(3);
  // Three waits of Retry-After: 1 s each (durable-functions lib/src/task/CallHttpWithPollingTask.js).
  expect(Date.now() - started).toBeGreaterThanOrEqual(3000);
  const h = s.historyEvents!;
  expect(h.filter((e) => e.EventType === 'TimerCreated')).toHaveLength(3);
  expect(h.filter((e) => e.EventType === 'TaskCompleted' && e.FunctionName === 'BuiltIn::HttpActivity')).toHaveLength(
    4,
  );
  // The polls are GETs of the Location.
  expect(seen.filter((r) => r.url === '/job/status').every((r) => r.method === 'GET')).toBe(true);
});

test('with polling off, the 202 itself is the answer', async () => {
  const id = await start(stack, 'httpCall', { method: 'GET', url: `${base}/job`, enablePolling: false });
  const s = await waitForStatus(stack, id);
  expect(s.output).toEqual({ statusCode: 202, content: '', header: null });
});

test('a bad URL, a refused connection or a timeout fails the task with a clear error; the host carries on', async () => {
  // A port nothing listens on any more.
  const closed = http.createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
  const closedPort = (closed.address() as AddressInfo).port;
  await new Promise((r) => closed.close(r));
  const cases: [string, RegExp][] = [
    ['not a url', /is not an absolute URL/],
    ['ftp://127.0.0.1/x', /Only http and https/],
    [`http://127.0.0.1:${closedPort}/`, /failed: ECONNREFUSED/],
    [`${base}/hang`, /timed out after 2 s/],
  ];
  for (const [url, message] of cases) {
    const id = await start(stack, 'httpCall', { method: 'GET', url });
    const s = await waitForStatus(stack, id);
    expect(s.runtimeStatus).toBe('Completed');
    expect((s.output as { error: string }).error).toMatch(message);
  }
  const again = await start(stack, 'httpCall', { method: 'GET', url: `${base}/echo` });
  expect((await waitForStatus(stack, again)).output).toMatchObject({ statusCode: 201 });
});
