// The in-memory instance store keeps only what a commit made durable, as the tables do.
import { EventType, HistoryEvent } from '../../src/durable/history';
import { InstanceRow, InstanceState } from '../../src/durable/instance-store';
import { MemoryInstanceStore } from '../../src/durable/memory-instance-store';

const T0 = '2030-01-01T00:00:00.000Z';

function row(overrides: Partial<InstanceRow> = {}): InstanceRow {
  return {
    instanceId: 'i1',
    executionId: 'e1',
    name: 'orch',
    version: '',
    input: '"in"',
    output: null,
    customStatus: null,
    status: 'Pending',
    createdTime: T0,
    lastUpdatedTime: T0,
    ...overrides,
  };
}

const event = (type: EventType, extra: Partial<HistoryEvent> = {}): HistoryEvent => ({
  EventType: type,
  EventId: -1,
  IsPlayed: false,
  Timestamp: T0,
  ...extra,
});

async function started(store: MemoryInstanceStore): Promise<InstanceState> {
  await store.putInstanceRow(row());
  const state = (await store.load('i1'))!;
  state.history.push(event(EventType.OrchestratorStarted), event(EventType.ExecutionStarted, { Name: 'orch' }));
  state.status = 'Running';
  return state;
}

test('an unknown instance loads as undefined; a started one as its Pending row with no history', async () => {
  const store = new MemoryInstanceStore();
  expect(await store.load('nope')).toBeUndefined();
  expect(store.cachedRow('nope')).toBeUndefined();
  await store.putInstanceRow(row());
  const state = await store.load('i1');
  expect(state).toMatchObject({ instanceId: 'i1', status: 'Pending', history: [], committedCount: 0, input: '"in"' });
  expect(state?.engine).toMatchObject({ nextSequence: 0, retries: {} });
});

test('a commit marks the history played, counts it and updates the row', async () => {
  const store = new MemoryInstanceStore();
  const state = await started(store);
  state.customStatus = '{"step":1}';
  await store.commit(state);
  expect(state.committedCount).toBe(2);
  expect(state.history.every((e) => e.IsPlayed)).toBe(true);
  expect(store.cachedRow('i1')).toMatchObject({ status: 'Running', customStatus: '{"step":1}' });
  expect((await store.load('i1'))?.history).toHaveLength(2);
});

test('what a step changes without committing is never seen by the next load or a status read', async () => {
  const store = new MemoryInstanceStore();
  const state = await started(store);
  await store.commit(state);
  const working = (await store.load('i1'))!;
  working.history.push(event(EventType.TaskScheduled, { EventId: 0, Name: 'a' }));
  working.engine.nextSequence = 1;
  working.status = 'Completed';
  const again = (await store.load('i1'))!;
  expect(again.history).toHaveLength(2);
  expect(again.engine.nextSequence).toBe(0);
  expect(store.cachedRow('i1')?.status).toBe('Running');
  // Nor does a later change to the state that was committed.
  state.history.length = 0;
  expect((await store.load('i1'))?.history).toHaveLength(2);
});

test('starting a finished instance again replaces its old execution', async () => {
  const store = new MemoryInstanceStore();
  const state = await started(store);
  state.status = 'Completed';
  await store.commit(state);
  await store.putInstanceRow(row({ executionId: 'e2', input: '"again"' }));
  expect(await store.load('i1')).toMatchObject({ executionId: 'e2', status: 'Pending', history: [], input: '"again"' });
});

test('purge forgets the instance; list gives every row', async () => {
  const store = new MemoryInstanceStore();
  await store.commit(await started(store));
  await store.putInstanceRow(row({ instanceId: 'i2' }));
  expect(store.list().map((r) => r.instanceId)).toEqual(['i1', 'i2']);
  await store.purge('i1');
  expect(await store.load('i1')).toBeUndefined();
  expect(await store.getInstanceRow('i1')).toBeUndefined();
  expect(store.list().map((r) => r.instanceId)).toEqual(['i2']);
});
