// The status of a running instance answers as the Durable extension does — Azure/azure-functions-
// durable-extension, src/WebJobs.Extensions.DurableTask/HttpApiHandler.cs, HandleGetStatusRequestAsync:
// Running/Pending/ContinuedAsNew/Suspended → 202 with `Location` (the request's own URL) and
// `Retry-After: 5`; a finished one → 200 without them.
import { start, waitForStatus } from '../../src/testing/durable-http';
import { startStack, Stack } from '../../src/testing/stack';
import { fixture } from '../fixture';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack(fixture('durable-samples'));
});
afterAll(async () => {
  await stack?.stop();
});

test('a running instance: 202 with Location and Retry-After; once terminated: 200 without them', async () => {
  const id = await start(stack, 'waitForever', undefined, 'polling-1');
  const path = `/runtime/webhooks/durabletask/instances/${id}?showInput=true`;
  const running = await fetch(stack.url(path));
  expect(running.status).toBe(202);
  expect(running.headers.get('retry-after')).toBe('5');
  expect(new URL(running.headers.get('location')!).pathname).toBe(`/runtime/webhooks/durabletask/instances/${id}`);
  expect(new URL(running.headers.get('location')!).searchParams.get('showInput')).toBe('true');
  await fetch(stack.url(`/runtime/webhooks/durabletask/instances/${id}/terminate?reason=done`), { method: 'POST' });
  await waitForStatus(stack, id, ['Terminated']);
  const done = await fetch(stack.url(path));
  expect(done.status).toBe(200);
  expect(done.headers.get('location')).toBeNull();
  expect(done.headers.get('retry-after')).toBeNull();
});
