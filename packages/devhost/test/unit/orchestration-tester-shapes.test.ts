// The orchestration tester on shapes the samples lack: an event raised while an activity runs,
// a sub-orchestration retried through the clock, and a call to an activity the app never registered.
import { OrchestrationTester } from '../../src/testing/orchestration-tester';
import { fixture } from '../fixture';

interface ReplayApp {
  prepare: { input: string; output: string };
  work: { input: number; output: number };
  notRegistered: { input: null; output: string };
}

const app = fixture('replay-app');

test('an event raised while an activity runs, before the orchestration waits for it, is not lost', async () => {
  const t = await OrchestrationTester.forApp<ReplayApp>(app, {
    activities: {
      prepare: (input, call) => {
        t.raiseEvent(call.instanceId, 'Go', 'early');
        return `${input} prepared`;
      },
    },
  });
  const id = await t.start('prepareThenWait', 'offer');
  await t.runUntilIdle();
  expect(t.status(id)).toMatchObject({
    runtimeStatus: 'Completed',
    output: { prepared: 'offer prepared', go: 'early' },
  });
  const history = await t.history(id);
  expect(history.map((e) => e.EventType)).toEqual([
    'ExecutionStarted',
    'EventRaised',
    'TaskCompleted',
    'ExecutionCompleted',
  ]);
});

test('without the event the orchestration waits (idle, no timers), and the event completes it later', async () => {
  const t = await OrchestrationTester.forApp<ReplayApp>(app, { activities: { prepare: (input) => input } });
  const id = await t.start('prepareThenWait', 'offer');
  await t.runUntilIdle();
  expect(t.status(id)?.runtimeStatus).toBe('Running');
  expect(t.timers()).toEqual([]);
  t.raiseEvent(id, 'Go', { by: 'partner' });
  await t.runUntilIdle();
  expect(t.status(id)?.output).toEqual({ prepared: 'offer', go: { by: 'partner' } });
});

test('a sub-orchestration with retries: a failed child is started again after the backoff', async () => {
  const t = await OrchestrationTester.forApp<ReplayApp>(app, {
    activities: {
      work: (n) => {
        if (t.callsOf('work').length < 1) throw new Error('first child fails');
        return n;
      },
    },
  });
  const id = await t.start('retriedChild');
  await t.runUntilIdle();
  expect(t.callsOf('work')).toHaveLength(1);
  expect(t.status(id)?.runtimeStatus).toBe('Running');
  await t.advance(999);
  expect(t.callsOf('work')).toHaveLength(1);
  await t.advance(1);
  expect(t.status(id)).toMatchObject({ runtimeStatus: 'Completed', output: 70 });
  const children = t.callsOf('work').map((c) => c.instanceId);
  expect(new Set(children).size).toBe(2);
  expect(children.every((c) => c !== id)).toBe(true);
});

test('a fake does not stand in for a registration the app lacks: the call fails as on the host', async () => {
  const t = await OrchestrationTester.forApp<ReplayApp>(app, { activities: { notRegistered: () => 'faked' } });
  const id = await t.start('callsUnregistered');
  await t.runUntilIdle();
  expect(t.status(id)?.output).toMatch(/The function 'notRegistered' doesn't exist/);
  expect(t.calls).toEqual([expect.objectContaining({ name: 'notRegistered', outcome: 'failed', input: null })]);
});
