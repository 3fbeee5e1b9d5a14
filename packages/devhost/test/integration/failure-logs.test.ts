// A failed invocation's log line names the function and invocation and carries the error's message
// and stack, whatever the trigger: HTTP, queue, activity, orchestrator. durable-functions 3.x throws
// a failed orchestration as an error built from a boolean (lib/src/orchestrations/
// TaskOrchestrationExecutor.js passes `orchestratorReturned` to OrchestrationFailureError), whose
// message reads "false" and which has no stack; the log line must show the orchestrator's own error.
import { QueueClient } from '@azure/storage-queue';
import { start, waitForStatus } from '../../src/testing/durable-http';
import { startStack, Stack, waitUntil } from '../../src/testing/stack';
import { fixture } from '../fixture';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack(fixture('failure-logs-app'));
});
afterAll(async () => {
  await stack?.stop();
});

/** The log entry (its first line and what follows up to the next entry) for a failed invocation of `fn`. */
async function failureEntry(fn: string, marker: string): Promise<string> {
  return waitUntil(
    async () => {
      const entries = stack.host.output.split(/\n(?=\[\d{4}-)/);
      return entries.find((e) => e.includes(` ${fn} (`) && e.includes(marker));
    },
    30_000,
    `a failure line for ${fn}; output so far:\n${stack.host.output}`,
  );
}

/** A stack frame in the fixture's compiled file, in the function that threw. */
const frame = (thrower: string) =>
  new RegExp(`\\n\\s+at ${thrower} \\(.*failure-logs-app[/\\\\]functions[/\\\\]failing\\.js:\\d+:\\d+\\)`);

test('an HTTP function: message and stack', async () => {
  expect((await fetch(stack.url('/api/fail'))).status).toBe(500);
  const entry = await failureEntry('failingHttp', 'marker-http');
  expect(entry).toMatch(
    /\[error\] failingHttp \([0-9a-f-]{36}\): Executed \(Failed, \d+ ms\): Error: http function failed: marker-http/,
  );
  expect(entry).toMatch(frame('failHttp'));
});

test('a queue function: message and stack', async () => {
  const queue = new QueueClient(stack.connectionString, 'fail-queue');
  await queue.createIfNotExists();
  await queue.sendMessage(Buffer.from('message-1').toString('base64'));
  const entry = await failureEntry('failingQueue', 'marker-queue');
  expect(entry).toContain('Error: queue function failed on message-1: marker-queue');
  expect(entry).toMatch(frame('failQueue'));
});

test('an activity, and the orchestration it failed: both lines carry the activity error and its stack', async () => {
  const id = await start(stack, 'callsFailingActivity');
  expect((await waitForStatus(stack, id)).runtimeStatus).toBe('Failed');
  const activity = await failureEntry('failingActivity', 'marker-activity');
  expect(activity).toContain('Error: activity failed: marker-activity');
  expect(activity).toMatch(frame('failActivity'));
  const orchestration = await failureEntry('callsFailingActivity', 'marker-activity');
  expect(orchestration).not.toMatch(/Executed \(Failed, \d+ ms\): false/);
  expect(orchestration).toMatch(frame('failActivity'));
});

test('an orchestrator that throws: its own message and stack, not "false"', async () => {
  const id = await start(stack, 'throwingOrchestrator');
  expect((await waitForStatus(stack, id)).runtimeStatus).toBe('Failed');
  const entry = await failureEntry('throwingOrchestrator', 'marker-orchestrator');
  expect(entry).toMatch(/Executed \(Failed, \d+ ms\): Error: orchestrator failed: marker-orchestrator/);
  expect(entry).toMatch(frame('failOrchestrator'));
  expect(stack.host.output).not.toMatch(/throwingOrchestrator \([^)]*\): Executed \(Failed, \d+ ms\): false/);
});
