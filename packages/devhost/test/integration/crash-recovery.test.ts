// kill -9 while orchestrations run, start again on the same storage: every orchestration continues
// from its history and completes, and no recorded activity result is lost or duplicated.
import { start, status, waitForStatus } from '../../src/testing/durable-http';
import { startStack, Stack, waitUntil } from '../../src/testing/stack';
import { fixture } from '../fixture';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack(fixture('durable-samples'));
});
afterAll(async () => {
  await stack?.stop();
});

test('orchestrations in flight survive kill -9 and complete after a restart', async () => {
  const ids = await Promise.all(Array.from({ length: 6 }, (_, i) => start(stack, 'slowChain', 10, `crash-${i}`)));
  // Let them get some way in: each has recorded at least two results.
  await waitUntil(async () => {
    const all = await Promise.all(ids.map((id) => status(stack, id, '?showHistory=true')));
    return all.every((s) => (s?.historyEvents ?? []).filter((e) => e.EventType === 'TaskCompleted').length >= 2)
      ? true
      : undefined;
  });
  const before = await Promise.all(ids.map((id) => status(stack, id, '?showHistory=true&showHistoryOutput=true')));
  await stack.host.kill();

  await stack.host.start();
  const after = await Promise.all(ids.map((id) => waitForStatus(stack, id, ['Completed', 'Failed'], 30_000)));
  for (const [i, s] of after.entries()) {
    expect(s.runtimeStatus).toBe('Completed');
    expect(s.output).toEqual({ n: 10, fan: [101, 201, 301] });
    const completions = s.historyEvents!.filter((e) => e.EventType === 'TaskCompleted');
    // One completion per scheduled task: duplicates delivered after the crash were dropped.
    expect(completions).toHaveLength(13);
    // The extension's view has no EventId (DurableClient.cs removes it); each task's function and
    // scheduled Input, folded into its completion, tell them apart.
    expect(new Set(completions.map((e) => `${String(e.FunctionName)}:${String(e.Input)}`)).size).toBe(13);
    // Results recorded before the crash are still there, unchanged.
    const earlier = before[i]!.historyEvents!.filter((e) => e.EventType === 'TaskCompleted');
    for (const e of earlier) expect(completions).toContainEqual(e);
  }
});

test('a durable timer created before the crash still fires after the restart', async () => {
  const id = await start(stack, 'approval', { days: 0.00002 }); // about 1.7 s
  await waitUntil(async () =>
    (await status(stack, id, '?showHistory=true'))?.historyEvents?.some((e) => e.EventType === 'TimerCreated')
      ? true
      : undefined,
  );
  await stack.host.kill();
  await stack.host.start();
  const s = await waitForStatus(stack, id, ['Completed'], 20_000);
  expect(s.output).toEqual({ outcome: 'timed out' });
});
