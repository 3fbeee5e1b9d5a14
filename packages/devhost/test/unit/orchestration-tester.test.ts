// The test harness over the samples fixture: its registrations, replayed by durable-functions through
// the orchestration session on the in-memory store, with fake activities and a clock the test moves.
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

const hello = (city: string) => `Hello ${city}!`;

function tester(activities: ConstructorParameters<typeof OrchestrationTester<Samples>>[1] = {}) {
  return OrchestrationTester.forApp<Samples>(fixture('durable-samples'), {
    activities: { sayHello: hello, ...activities.activities },
    ...activities,
  });
}

test('hello sequence: output, the calls in order and the history as the durable client reports it', async () => {
  const t = await tester();
  const id = await t.start('helloSequence');
  expect(t.status(id)?.runtimeStatus).toBe('Pending');
  await t.runUntilIdle();
  expect(t.status(id)).toMatchObject({ runtimeStatus: 'Completed', output: ['Hello Tokyo!', 'Hello Seattle!', 'Hello Cairo!'] });
  expect(t.calls.map((c) => [c.name, c.input, c.attempt, c.outcome])).toEqual([
    ['sayHello', 'Tokyo', 1, 'completed'],
    ['sayHello', 'Seattle', 1, 'completed'],
    ['sayHello', 'Cairo', 1, 'completed'],
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
