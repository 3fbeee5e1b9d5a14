// kill -9 while signals to an entity are being applied, start again on the same storage: every
// accepted signal is applied exactly once (none lost, none applied twice).
import { raise, start, status, waitForStatus } from '../../src/testing/durable-http';
import { startStack, Stack, waitUntil } from '../../src/testing/stack';
import { fixture } from '../fixture';

// Two kill -9s, two restarts and up to a minute for the counter to settle: more than jest's default
// minute on a loaded machine, so the test's own waits decide, not jest's.
jest.setTimeout(240_000);

let stack: Stack;
beforeAll(async () => {
  stack = await startStack(fixture('entities-app'));
});
afterAll(async () => {
  await stack?.stop();
});

const ENTITIES = '/runtime/webhooks/durabletask/entities';

async function signal(key: string, op: string, n: number): Promise<void> {
  const res = await fetch(stack.url(`${ENTITIES}/counter/${key}?op=${op}`), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(n),
  });
  if (res.status !== 202) throw new Error(`signal refused: ${res.status}`);
}

async function value(key: string): Promise<number | undefined> {
  const res = await fetch(stack.url(`${ENTITIES}/counter/${key}`));
  return res.status === 200 ? ((await res.json()) as number) : undefined;
}

/** Sends `count` signals, 8 requests in flight at a time; each 202 means the signal is durable. */
async function burst(key: string, op: string, count: number): Promise<void> {
  let sent = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (sent < count) {
        sent++;
        await signal(key, op, 1);
      }
    }),
  );
}

/** Waits until the value is `n`, then past two leases more (redeliveries come within one), and reads again. */
async function settlesAt(key: string, n: number): Promise<number | undefined> {
  // Up to 150 s: on a loaded machine two restarts and the re-sent batches take several times what
  // they take alone (about 10 s). A timeout names the value last seen, so lost or doubled work shows.
  let last: number | undefined;
  await waitUntil(
    async () => ((last = await value(key)) === n ? true : undefined),
    150_000,
    `counter ${key} = ${n}`,
  ).catch((e: Error) => {
    throw new Error(`${e.message} (last seen: ${last})`);
  });
  await new Promise((r) => setTimeout(r, 5000));
  return value(key);
}

test('client signals accepted before a kill -9 are applied exactly once after the restart', async () => {
  const N = 200;
  // 'addSlowly' takes 50 ms an operation (5 s for the burst): the kill lands while batches are still
  // being worked through.
  await burst('crash', 'addSlowly', N / 2);
  const before = (await value('crash')) ?? 0;
  await stack.host.kill();
  expect(before).toBeLessThan(N / 2);
  await stack.host.start();
  await burst('crash', 'addSlowly', N / 4);
  await stack.host.kill();
  await stack.host.start();
  await burst('crash', 'add', N / 4);
  expect(await settlesAt('crash', N)).toBe(N);
});

test('an orchestration re-sends its last signals after a kill -9; the entity applies each once', async () => {
  // The orchestration signals, then waits for an event: after each restart the host re-sends the
  // signals of its last step (it cannot know whether they went out), and the entity drops the copies.
  const id = await start(stack, 'signalCounter', { key: 'orch-crash', times: 50 });
  await waitUntil(async () => ((await status(stack, id))?.runtimeStatus === 'Running' ? true : undefined));
  for (let i = 0; i < 2; i++) {
    await stack.host.kill();
    await stack.host.start();
  }
  expect(await settlesAt('orch-crash', 50)).toBe(50);
  expect(await raise(stack, id, 'done', null)).toBe(202);
  expect((await waitForStatus(stack, id, ['Completed', 'Failed'], 30_000)).runtimeStatus).toBe('Completed');
});

test('a call in flight at a kill -9 completes once', async () => {
  const call = await start(stack, 'callCounter', 'call-crash');
  await stack.host.kill();
  await stack.host.start();
  const s = await waitForStatus(stack, call, ['Completed', 'Failed'], 30_000);
  expect(s.output).toEqual({ value: 5, error: 'counter refused' });
  expect(await settlesAt('call-crash', 5)).toBe(5);
});
