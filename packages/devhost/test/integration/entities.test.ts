// Durable entities: signals from clients and orchestrations, calls, locks, the entity HTTP API and
// the state's place in the Azure Storage provider's tables.
import { TableClient } from '@azure/data-tables';
import { raise, start, status, waitForStatus } from '../../src/testing/durable-http';
import { startStack, Stack, waitUntil } from '../../src/testing/stack';
import { fixture } from '../fixture';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack(fixture('entities-app'));
});
afterAll(async () => {
  await stack?.stop();
});

const ENTITIES = '/runtime/webhooks/durabletask/entities';

async function read(key: string): Promise<{ exists: boolean; value: number | null }> {
  const res = await fetch(stack.url(`/api/counter/${key}`));
  return (await res.json()) as { exists: boolean; value: number | null };
}

async function signal(key: string, op: string, input?: unknown): Promise<number> {
  const res = await fetch(stack.url(`${ENTITIES}/counter/${key}?op=${op}`), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: input === undefined ? undefined : JSON.stringify(input),
  });
  return res.status;
}

const valueIs = (key: string, n: number) =>
  waitUntil(async () => ((await read(key)).value === n ? true : undefined), 20_000, `counter ${key} = ${n}`);

test('signals from the durable client are applied in order; readEntityState sees the state', async () => {
  expect(await read('c1')).toEqual({ exists: false, value: null });
  for (const n of [1, 2, 3]) {
    const res = await fetch(stack.url('/api/counter/c1?op=add'), { method: 'POST', body: JSON.stringify(n) });
    expect(res.status).toBe(202);
  }
  await valueIs('c1', 6);
  expect(await read('c1')).toEqual({ exists: true, value: 6 });
});

test('the entity HTTP API: 202 for a signal, 200 with the state, 404 when there is none, 400 for no such entity', async () => {
  // HttpApiHandler.cs (Azure/azure-functions-durable-extension): HandlePostEntityOperationRequestAsync
  // answers 202, HandleGetEntityRequestAsync 200 with the state or 404, an unknown entity function 400.
  expect(await signal('h1', 'add', 40)).toBe(202);
  expect(await signal('h1', 'add', 2)).toBe(202);
  await valueIs('h1', 42);
  const got = await fetch(stack.url(`${ENTITIES}/counter/h1`));
  expect(got.status).toBe(200);
  expect(await got.json()).toBe(42);
  expect((await fetch(stack.url(`${ENTITIES}/counter/never-signalled`))).status).toBe(404);
  const unknown = await fetch(stack.url(`${ENTITIES}/nosuch/k?op=add`), { method: 'POST' });
  expect(unknown.status).toBe(400);
  expect(await unknown.text()).toContain("'nosuch'");
  const notJson = await fetch(stack.url(`${ENTITIES}/counter/h1?op=add`), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{oops',
  });
  expect(notJson.status).toBe(400);

  // Listing: entities of a name, with their state when asked.
  const list = await fetch(stack.url(`${ENTITIES}/counter?fetchState=true`));
  expect(list.status).toBe(200);
  const rows = (await list.json()) as { entityId: { name: string; key: string }; state: unknown }[];
  expect(rows).toContainEqual(expect.objectContaining({ entityId: { name: 'counter', key: 'h1' }, state: 42 }));

  // DELETE signals 'delete'; the entity stops existing.
  expect((await fetch(stack.url(`${ENTITIES}/counter/h1`), { method: 'DELETE' })).status).toBe(202);
  await waitUntil(async () => ((await read('h1')).exists ? undefined : true));
  expect((await fetch(stack.url(`${ENTITIES}/counter/h1`))).status).toBe(404);
});

test('state lives in the Instances and History tables under @name@key, as the Azure Storage provider keeps it', async () => {
  // EntityId.cs: the scheduler id is '@' + lower-cased name + '@' + key.
  expect(await signal('T-1', 'add', 7)).toBe(202);
  await valueIs('T-1', 7);
  const instances = TableClient.fromConnectionString(stack.connectionString, 'EntitiesHubInstances', {
    allowInsecureConnection: true,
  });
  const row = await instances.getEntity<Record<string, unknown>>('@counter@T-1', '');
  expect(row.RuntimeStatus).toBe('Running');
  expect(row.Name).toBe('counter');
  // SchedulerState.cs: { exists, state (the user's state as JSON text), ... }
  expect(JSON.parse(String(row.Input))).toMatchObject({ exists: true, state: '7' });
  const history = TableClient.fromConnectionString(stack.connectionString, 'EntitiesHubHistory', {
    allowInsecureConnection: true,
  });
  const events: Record<string, unknown>[] = [];
  for await (const e of history.listEntities<Record<string, unknown>>({
    queryOptions: { filter: "PartitionKey eq '@counter@T-1'" },
  }))
    events.push(e);
  const ops = events.filter((e) => e.EventType === 'EventRaised' && e.Name === 'op');
  expect(ops.length).toBeGreaterThan(0);
  expect(JSON.parse(String(ops[0].Input))).toMatchObject({ op: 'add', signal: true, input: '7' });
});

test('callEntity returns the operation result; an operation that throws fails the call with its error', async () => {
  const id = await start(stack, 'callCounter', 'o1');
  const s = await waitForStatus(stack, id);
  expect(s.runtimeStatus).toBe('Completed');
  expect(s.output).toEqual({ value: 5, error: 'counter refused' });
  const sent = s.historyEvents!.filter((e) => e.EventType === 'EventSent');
  expect(sent).toHaveLength(3);
  await valueIs('o1', 5);
});

test('signals from an orchestration, and from one entity to another', async () => {
  const id = await start(stack, 'signalCounter', { key: 's1', times: 25 });
  await valueIs('s1', 25);
  expect(await raise(stack, id, 'done', null)).toBe(202);
  expect((await waitForStatus(stack, id)).runtimeStatus).toBe('Completed');
  // 'forward' signals counter s2 with s1's value, from inside the entity.
  expect(await signal('s1', 'forward', 's2')).toBe(202);
  await valueIs('s2', 25);
});

test('a lock holds off others until it is released; the holder’s own operations go through', async () => {
  expect(await signal('from', 'add', 10)).toBe(202);
  await valueIs('from', 10);
  const id = await start(stack, 'lockedTransfer', { from: 'from', to: 'to' });
  await waitUntil(async () => ((await status(stack, id))?.customStatus === 'locked' ? true : undefined));
  // While the orchestration holds the lock: another's operation waits (queued, not lost).
  expect(await signal('from', 'add', 100)).toBe(202);
  await new Promise((r) => setTimeout(r, 1500));
  expect((await read('from')).value).toBe(10);
  expect(await raise(stack, id, 'go', null)).toBe(202);
  const s = await waitForStatus(stack, id);
  expect(s.runtimeStatus).toBe('Completed');
  // Inside the section the holder moved 10 and read 10 back; the waiting +100 came after the release.
  expect(s.output).toEqual({ moved: 10, inside: 10 });
  await valueIs('from', 100);
  expect((await read('to')).value).toBe(10);
});
