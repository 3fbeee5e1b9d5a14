// The host runs the app in the app's own folder: the real host starts the worker with the script
// root as its working directory and FUNCTIONS_APPLICATION_DIRECTORY set to it (azure-functions-host,
// src/WebJobs.Script/Workers/Rpc/RpcWorkerProcess.cs), so relative paths in the app resolve there,
// wherever the host was started from.
import fs from 'node:fs';
import path from 'node:path';
import { startStack, Stack } from '../../src/testing/stack';
import { fixture } from '../fixture';

let stack: Stack;
beforeAll(async () => {
  // This test's own working directory is not the app's, or the test would prove nothing.
  expect(path.resolve(process.cwd())).not.toBe(fixture('cwd-app'));
  stack = await startStack(fixture('cwd-app'));
});
afterAll(async () => {
  await stack?.stop();
});

test('an app reads files by relative paths, while loading and per request, from its own folder', async () => {
  const res = await fetch(stack.url('/api/relative'));
  expect(res.status).toBe(200);
  const body = (await res.json()) as Record<string, string>;
  const expected = fs.readFileSync(path.join(fixture('cwd-app'), 'data', 'greeting.txt'), 'utf8');
  expect(body.atLoad).toBe(expected);
  expect(body.perRequest).toBe(expected);
  expect(fs.realpathSync(body.cwd)).toBe(fs.realpathSync(fixture('cwd-app')));
  expect(body.appDirectory).toBe(fixture('cwd-app'));
});
