// The test harness over the samples fixture: its registrations, replayed by durable-functions through
// the orchestration session on the in-memory store, with fake activities and a clock the test moves.
import { ActivityFakes } from '../../src/testing/activity-fakes';
import { OrchestrationTester } from '../../src/testing/orchestration-tester';
import { fixture } from '../fixture';

interface Samples {
  sayHello: { input: string; output: string };
  getWorkItems: { input: number; output: number[] };
  processItem: { input: number; output: number };
  flaky: { input: { key: string; failTimes: number }; output: string };
  alwaysFails: { input: null; output: never };
  slowStep: { input: number; output: number };
}

const DAY = 24 * 3600 * 1000;

function tester(activities: ActivityFakes<Samples> = {}) {
  return OrchestrationTester.forApp<Samples>(fixture('durable-samples'), {
    activities: { sayHello: (city) => `Hello ${city}!`, ...activities },
  });
}

test('hello sequence: output, the calls in order and the history as the durable client reports it', async () => {
  const t = await tester();
  const id = await t.start('helloSequence');
  expect(t.status(id)?.runtimeStatus).toBe('Pending');
  await t.runUntilIdle();
  expect(t.status(id)).toMatchObject({
    runtimeStatus: 'Completed',
    output: ['Hello Tokyo!', 'Hello Seattle!', 'Hello Cairo!'],
  });
  expect(t.calls.map((c) => [c.name, c.input, c.attempt, c.outcome, c.instanceId])).toEqual([
    ['sayHello', 'Tokyo', 1, 'completed', id],
    ['sayHello', 'Seattle', 1, 'completed', id],
    ['sayHello', 'Cairo', 1, 'completed', id],
  ]);
  const history = await t.history(id);
  expect(history.map((e) => e.EventType)).toEqual([
    'ExecutionStarted',
    'TaskCompleted',
    'TaskCompleted',
    'TaskCompleted',
    'ExecutionCompleted',
  ]);
  expect(history[1]).toMatchObject({ FunctionName: 'sayHello', Result: 'Hello Tokyo!' });
});

test('fan-out / fan-in: every parallel call runs, results are joined in order', async () => {
  const t = await tester({
    getWorkItems: (n) => Array.from({ length: n }, (_, i) => i + 1),
    processItem: (n) => n * 3,
  });
  const id = await t.start('fanOutFanIn', 4);
  await t.runUntilIdle();
  expect(t.status(id)).toMatchObject({ runtimeStatus: 'Completed', output: 30 });
  expect(t.callsOf('processItem').map((c) => c.input)).toEqual([1, 2, 3, 4]);
});

test('a durable timer fires only when the clock passes it: the approval times out after 2 days', async () => {
  const t = await tester();
  const id = await t.start('approval', { days: 2 });
  await t.runUntilIdle();
  expect(t.status(id)?.runtimeStatus).toBe('Running');
  expect(t.timers()).toEqual([{ instanceId: id, fireAt: new Date(t.clock.now() + 2 * DAY).toISOString() }]);
  await t.advance(2 * DAY - 1);
  expect(t.status(id)?.runtimeStatus).toBe('Running');
  await t.advance(1);
  expect(t.status(id)).toMatchObject({ runtimeStatus: 'Completed', output: { outcome: 'timed out' } });
  expect(t.timers()).toEqual([]);
});

test('an event beats the timer, and the losing timer is cancelled', async () => {
  const t = await tester();
  const id = await t.start('approval', { days: 7 });
  await t.runUntilIdle();
  t.raiseEvent(id, 'Approval', 'ops@contoso.example');
  await t.runUntilIdle();
  expect(t.status(id)).toMatchObject({
    runtimeStatus: 'Completed',
    output: { outcome: 'approved', by: 'ops@contoso.example' },
  });
  expect(t.timers()).toEqual([]);
  await t.advance(8 * DAY);
  expect(t.status(id)?.output).toEqual({ outcome: 'approved', by: 'ops@contoso.example' });
});

test('an event raised before the orchestration ever ran is kept until it waits for it', async () => {
  const t = await tester();
  const id = await t.start('approval', { days: 7 });
  t.raiseEvent(id, 'Approval', 'early');
  await t.runUntilIdle();
  expect(t.status(id)).toMatchObject({ runtimeStatus: 'Completed', output: { outcome: 'approved', by: 'early' } });
});

test('retries: the backoff waits on the clock, then the next attempt gets the same input', async () => {
  const t = await tester({
    flaky: (input, call) => {
      if (call.attempt <= input.failTimes) throw new Error(`flaky failure ${call.attempt}`);
      return `succeeded on attempt ${call.attempt}`;
    },
  });
  const id = await t.start('retryOrchestrator', { failTimes: 2, maxAttempts: 3 });
  await t.runUntilIdle();
  expect(t.callsOf('flaky').map((c) => [c.attempt, c.outcome])).toEqual([[1, 'failed']]);
  expect(t.calls[0].error).toBe("Activity function 'flaky' failed: flaky failure 1");
  // The first backoff is 50 ms, the second 100 ms (coefficient 2).
  await t.advance(49);
  expect(t.calls).toHaveLength(1);
  await t.advance(1);
  expect(t.callsOf('flaky').map((c) => [c.attempt, c.outcome])).toEqual([
    [1, 'failed'],
    [2, 'failed'],
  ]);
  await t.advance(100);
  const start = Date.parse(t.calls[0].at);
  expect(t.calls.map((c) => Date.parse(c.at) - start)).toEqual([0, 50, 150]);
  expect(t.status(id)).toMatchObject({
    runtimeStatus: 'Completed',
    output: { ok: true, result: 'succeeded on attempt 3' },
  });
  expect(new Set(t.callsOf('flaky').map((c) => JSON.stringify(c.input)))).toEqual(
    new Set([JSON.stringify({ key: id, failTimes: 2 })]),
  );
});

test('retries exhausted: the orchestration catches the last failure', async () => {
  const t = await tester({
    flaky: () => {
      throw new Error('down');
    },
  });
  const id = await t.start('retryOrchestrator', { failTimes: 9, maxAttempts: 3 });
  await t.advance(1000);
  expect(t.callsOf('flaky').map((c) => c.attempt)).toEqual([1, 2, 3]);
  expect(t.status(id)?.runtimeStatus).toBe('Completed');
  expect(t.status(id)?.output).toMatchObject({ ok: false, error: expect.stringContaining('down') });
});

test('sub-orchestrations: started with their own ids, their outputs back to the parent', async () => {
  const t = await tester();
  const id = await t.start('parentOrchestrator', undefined, { instanceId: 'parent-1' });
  await t.runUntilIdle();
  expect(t.status(id)).toMatchObject({
    runtimeStatus: 'Completed',
    output: ['HELLO OSLO!', 'HELLO LIMA!', 'HELLO PUNE!'],
  });
  expect(t.status('parent-1-pune')).toMatchObject({ name: 'childOrchestrator', runtimeStatus: 'Completed' });
  expect(t.callsOf('sayHello').map((c) => c.input)).toEqual(['Oslo', 'Lima', 'Pune']);
  expect(t.callsOf('sayHello').map((c) => c.instanceId)).toContain('parent-1-pune');
});

test('continueAsNew with a timer each round', async () => {
  const t = await tester();
  const id = await t.start('counter', { n: 0, until: 3 });
  await t.runUntilIdle();
  expect(t.status(id)?.runtimeStatus).toBe('Running');
  expect(t.timers()).toEqual([{ instanceId: id, fireAt: new Date(t.clock.now() + 10).toISOString() }]);
  await t.advance(100);
  expect(t.status(id)).toMatchObject({ runtimeStatus: 'Completed', output: 3 });
});

test('custom status as last set, and the input as started', async () => {
  const t = await tester();
  const id = await t.start('progress', { note: 'x' });
  await t.runUntilIdle();
  expect(t.status(id)).toMatchObject({
    runtimeStatus: 'Completed',
    input: { note: 'x' },
    output: 'finished',
    customStatus: { step: 'done', done: 3, of: 3 },
  });
});

test('custom status as an activity sees it mid-way (set before each call)', async () => {
  const seen: unknown[] = [];
  const t = await tester({
    sayHello: (step) => {
      seen.push(t.status(id)?.customStatus);
      return step;
    },
  });
  const id = await t.start('progress');
  await t.runUntilIdle();
  expect(seen).toEqual([
    { step: 'validate', done: 0, of: 3 },
    { step: 'certify', done: 1, of: 3 },
    { step: 'provision', done: 2, of: 3 },
  ]);
});

test('a failing activity without retries fails the orchestration with its message', async () => {
  const t = await tester({
    alwaysFails: () => {
      throw new Error('the activity broke');
    },
  });
  const id = await t.start('failing');
  await t.runUntilIdle();
  expect(t.status(id)?.runtimeStatus).toBe('Failed');
  expect(String(t.status(id)?.output)).toContain('the activity broke');
});

test('terminate ends a waiting instance; events for it are refused afterwards', async () => {
  const t = await tester();
  const id = await t.start('waitForever');
  await t.runUntilIdle();
  t.terminate(id, 'enough');
  await t.runUntilIdle();
  expect(t.status(id)).toMatchObject({ runtimeStatus: 'Terminated', output: 'enough' });
  expect(() => t.raiseEvent(id, 'Go')).toThrow(/Terminated/);
});

test('an activity the test did not fake fails the run, naming it', async () => {
  const t = await tester();
  await t.start('fanOutFanIn', 2);
  await expect(t.runUntilIdle()).rejects.toThrow("The test supplies no fake for activity 'getWorkItems'");
});

test('start refuses an unknown orchestrator and a running instance id', async () => {
  const t = await tester();
  await expect(t.start('sayHello')).rejects.toThrow(/not an orchestrator function/);
  await t.start('waitForever', undefined, { instanceId: 'w' });
  await expect(t.start('waitForever', undefined, { instanceId: 'w' })).rejects.toThrow(/already exists/);
});

test('a finished instance id can be started again: a fresh execution with the new input', async () => {
  const t = await tester();
  await t.start('progress', 1, { instanceId: 'again' });
  await t.runUntilIdle();
  await t.start('helloSequence', undefined, { instanceId: 'again' });
  await t.runUntilIdle();
  expect(t.status('again')).toMatchObject({ name: 'helloSequence', runtimeStatus: 'Completed', input: null });
  expect((await t.history('again'))[0]).toMatchObject({ EventType: 'ExecutionStarted', FunctionName: 'helloSequence' });
});

test('the orchestrator runs through the app registration and logs into the tester, printing nothing', async () => {
  const t = await tester();
  await t.start('helloSequence');
  await t.runUntilIdle();
  expect(t.logs.some((l) => l.includes('sayHello') && l.includes('Executed (Succeeded'))).toBe(true);
});

test('a fake replaced between runs is the one used from then on', async () => {
  const t = await tester();
  const first = await t.start('helloSequence');
  await t.runUntilIdle();
  t.fake('sayHello', (city) => `Hej ${city}!`);
  const second = await t.start('helloSequence');
  await t.runUntilIdle();
  expect(t.status(first)?.output).toEqual(['Hello Tokyo!', 'Hello Seattle!', 'Hello Cairo!']);
  expect(t.status(second)?.output).toEqual(['Hej Tokyo!', 'Hej Seattle!', 'Hej Cairo!']);
});
