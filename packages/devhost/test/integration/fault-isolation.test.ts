// One invocation's fault is that invocation's failure, never the devhost's end. The fixture's
// functions throw from timer callbacks, reject promises nobody awaits and start storage calls they do
// not wait for (which fail with a 404 RestError), the way real code sometimes does; in the real host
// such an error takes down the Node worker, not the host. Here the activity's task fails and is
// retried per its policy, an HTTP function answers 500, an error after a function returned is only
// logged, and the host keeps serving throughout. Also: a retried activity whose input is too large
// for a table row (over 32K characters) still completes, its input kept in the large-message blobs.
import { startStack, Stack, waitUntil } from '../../src/testing/stack';
import { fixture } from '../fixture';

const WEBHOOK = '/runtime/webhooks/durabletask';

interface Status {
  runtimeStatus: string;
  output: unknown;
  historyEvents?: { EventType: string; FunctionName?: string; Reason?: string }[];
}

let stack: Stack;
beforeAll(async () => {
  stack = await startStack(fixture('fault-app'));
});
afterAll(async () => {
  await stack?.stop();
});

async function start(name: string, input: unknown): Promise<string> {
  const res = await fetch(stack.url(`${WEBHOOK}/orchestrators/${name}`), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

async function finished(id: string, timeoutMs = 30_000): Promise<Status> {
  return waitUntil(
    async () => {
      const res = await fetch(stack.url(`${WEBHOOK}/instances/${id}?showHistory=true`));
      const s = (await res.json()) as Status;
      return ['Completed', 'Failed', 'Terminated'].includes(s.runtimeStatus) ? s : undefined;
    },
    timeoutMs,
    `${id} to finish (host output: ${stack.host.output.slice(-1500)})`,
  );
}

async function stillServing(): Promise<void> {
  expect(stack.host.child!.exitCode).toBeNull();
  const ping = await fetch(stack.url('/api/ping'));
  expect(ping.status).toBe(200);
  expect(await ping.text()).toBe('pong');
  const healthy = await start('healthyOrchestration', null);
  expect((await finished(healthy)).output).toBe(42);
}

test('a retried activity with a 200 KB input completes (its input is stored as a large message, not inline)', async () => {
  const text = 'x'.repeat(200 * 1024);
  const id = await start('bigRetryInput', text);
  // A generous wait: on a loaded 2-core machine (the whole suite, two workers) this once took over 30 s.
  const s = await finished(id, 100_000);
  expect(s.runtimeStatus).toBe('Completed');
  expect(s.output).toBe(text.length);
  // The first attempt failed on purpose, so the second one got its input from the retry.
  expect(s.historyEvents!.filter((e) => e.FunctionName === 'measureOnSecondTry').map((e) => e.EventType)).toEqual([
    'TaskFailed',
    'TaskCompleted',
  ]);
  expect(stack.host.output).not.toMatch(/step failed/);
  await stillServing();
}, 120_000);

describe.each([
  ['timerThrow', 'thrown from a timer callback'],
  ['unawaitedRejection', 'rejected and never awaited'],
  ['unawaitedStorageError', 'RestError'],
])('an activity whose %s escapes it', (kind, logged) => {
  test('fails its task, is retried per the policy, fails the orchestration cleanly, and the host lives on', async () => {
    const id = await start('faultyOrchestration', { kind, maxAttempts: 2 });
    const s = await finished(id);
    expect(s.runtimeStatus).toBe('Failed');
    expect(String(s.output)).toContain("Activity function 'faultyActivity' failed");
    // Two attempts, each one failed (the activity itself returned normally both times, too late).
    const events = s.historyEvents!;
    const failures = events.filter((e) => e.EventType === 'TaskFailed' && e.FunctionName === 'faultyActivity');
    expect(failures).toHaveLength(2);
    for (const f of failures) expect(f.Reason).toContain("Activity function 'faultyActivity' failed");
    expect(events.some((e) => e.EventType === 'TaskCompleted')).toBe(false);
    // The error is logged with the function it came from and its stack.
    expect(stack.host.output).toMatch(
      new RegExp(
        `faultyActivity \\([0-9a-f-]+\\): (uncaught exception|unhandled promise rejection) in this invocation; failing it: [^\\n]*${logged}[\\s\\S]*?\\n\\s+at `,
      ),
    );
    await stillServing();
  });
});

test('an HTTP function whose fault escapes it answers 500; other requests are unaffected', async () => {
  for (const kind of ['timerThrow', 'unawaitedRejection', 'unawaitedStorageError']) {
    const [faulty, ping] = await Promise.all([fetch(stack.url(`/api/faulty/${kind}`)), fetch(stack.url('/api/ping'))]);
    expect([kind, faulty.status]).toEqual([kind, 500]);
    expect(await faulty.text()).toBe('');
    expect(ping.status).toBe(200);
  }
  await stillServing();
});

test('a fault after the function has answered is logged with its function, and nothing else happens', async () => {
  for (const kind of ['timerThrow', 'unawaitedRejection']) {
    const res = await fetch(stack.url(`/api/fault-after-return/${kind}`));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('answered');
  }
  await waitUntil(
    async () =>
      (stack.host.output.match(/faultAfterReturn \([0-9a-f-]+\): [^\n]*after this invocation had finished/g) ?? [])
        .length >= 2
        ? true
        : undefined,
    5000,
    'both late faults to be logged',
  );
  await stillServing();
});
