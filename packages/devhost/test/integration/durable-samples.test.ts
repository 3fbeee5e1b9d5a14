// The official Durable Functions JS sample shapes, run on the devhost through the real durable
// client and the management API, asserting outputs, runtime statuses and recorded history.
import { odata, TableClient } from '@azure/data-tables';
import { advanceClock, raise, start, status, waitForStatus } from '../../src/testing/durable-http';
import { startStack, Stack, waitUntil } from '../../src/testing/stack';
import { fixture } from '../fixture';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack(fixture('durable-samples'));
});
afterAll(async () => {
  await stack?.stop();
});

async function historyRows(id: string) {
  const t = TableClient.fromConnectionString(stack.connectionString, 'SamplesHubHistory', {
    allowInsecureConnection: true,
  });
  const rows: Record<string, unknown>[] = [];
  for await (const r of t.listEntities({ queryOptions: { filter: odata`PartitionKey eq ${id}` } })) rows.push(r);
  return rows.filter((r) => r.rowKey !== 'sentinel').sort((a, b) => String(a.rowKey).localeCompare(String(b.rowKey)));
}

test('hello sequence: started by an HTTP starter, output and history as recorded by the engine', async () => {
  const res = await fetch(stack.url('/api/orchestrators/helloSequence'), { method: 'POST' });
  expect(res.status).toBe(202);
  const payload = (await res.json()) as { id: string; statusQueryGetUri: string };
  expect(res.headers.get('location')).toBe(payload.statusQueryGetUri);
  expect(payload.statusQueryGetUri.startsWith(stack.host.origin)).toBe(true);

  const s = await waitForStatus(stack, payload.id);
  expect(s.runtimeStatus).toBe('Completed');
  expect(s.output).toEqual(['Hello Tokyo!', 'Hello Seattle!', 'Hello Cairo!']);
  const events = s.historyEvents!.map((e) => e.EventType);
  expect(events).toEqual(['ExecutionStarted', 'TaskCompleted', 'TaskCompleted', 'TaskCompleted', 'ExecutionCompleted']);
  expect(s.historyEvents![1]).toMatchObject({ FunctionName: 'sayHello', Result: 'Hello Tokyo!' });

  // The raw rows follow the Azure Storage provider's History table layout.
  const rows = await historyRows(payload.id);
  expect(rows.map((r) => r.EventType)).toEqual([
    'OrchestratorStarted',
    'ExecutionStarted',
    'TaskScheduled',
    'OrchestratorCompleted',
    'OrchestratorStarted',
    'TaskCompleted',
    'TaskScheduled',
    'OrchestratorCompleted',
    'OrchestratorStarted',
    'TaskCompleted',
    'TaskScheduled',
    'OrchestratorCompleted',
    'OrchestratorStarted',
    'TaskCompleted',
    'ExecutionCompleted',
    'OrchestratorCompleted',
  ]);
  const scheduled = rows.filter((r) => r.EventType === 'TaskScheduled');
  // DTFx stores an activity's input as its parameter array (TaskOrchestrationContext.ScheduleTaskInternal,
  // Azure/durabletask src/DurableTask.Core/TaskOrchestrationContext.cs).
  expect(scheduled.map((r) => [r.EventId, r.Name, r.Input])).toEqual([
    [0, 'sayHello', '["\\"Tokyo\\""]'],
    [1, 'sayHello', '["\\"Seattle\\""]'],
    [2, 'sayHello', '["\\"Cairo\\""]'],
  ]);
  const completed = rows.filter((r) => r.EventType === 'TaskCompleted');
  expect(completed.map((r) => [r.TaskScheduledId, r.Result])).toEqual([
    [0, '"Hello Tokyo!"'],
    [1, '"Hello Seattle!"'],
    [2, '"Hello Cairo!"'],
  ]);
  expect(rows[0].rowKey).toBe('0000000000000000');
  expect(rows.every((r) => r._Timestamp instanceof Date || typeof r._Timestamp === 'string')).toBe(true);
  const done = rows.find((r) => r.EventType === 'ExecutionCompleted')!;
  expect(done.OrchestrationStatus).toBe('Completed');
  expect(JSON.parse(String(done.Result))).toEqual(['Hello Tokyo!', 'Hello Seattle!', 'Hello Cairo!']);

  const instances = TableClient.fromConnectionString(stack.connectionString, 'SamplesHubInstances', {
    allowInsecureConnection: true,
  });
  const inst = await instances.getEntity<Record<string, unknown>>(payload.id, '');
  expect(inst).toMatchObject({ Name: 'helloSequence', RuntimeStatus: 'Completed' });
});

test('fan-out/fan-in over 50 activities', async () => {
  const id = await start(stack, 'fanOutFanIn', 50);
  const s = await waitForStatus(stack, id);
  expect(s.runtimeStatus).toBe('Completed');
  expect(s.output).toBe(2 * ((50 * 51) / 2));
  const completions = s.historyEvents!.filter((e) => e.EventType === 'TaskCompleted');
  expect(completions).toHaveLength(51);
  // The extension's view has no EventId (DurableClient.cs removes it); each task's function and
  // scheduled Input, folded into its completion, tell them apart.
  expect(new Set(completions.map((e) => `${String(e.FunctionName)}:${String(e.Input)}`)).size).toBe(51);
});

test('human interaction: the approval event wins and the timer is cancelled', async () => {
  const id = await start(stack, 'approval', { days: 7 });
  await waitForStatus(stack, id, ['Running']);
  expect(await raise(stack, id, 'Approval', { approver: 'ops@contoso.com' })).toBe(202);
  const s = await waitForStatus(stack, id);
  expect(s.output).toEqual({ outcome: 'approved', by: { approver: 'ops@contoso.com' } });
  expect(s.historyEvents!.map((e) => e.EventType)).toEqual([
    'ExecutionStarted',
    'TimerCreated',
    'EventRaised',
    'ExecutionCompleted',
  ]);
});

test('human interaction: advancing the clock fires a 7-day timeout in milliseconds', async () => {
  const id = await start(stack, 'approval', { days: 7 });
  const running = await waitForStatus(stack, id, ['Running']);
  await waitUntil(async () =>
    (await status(stack, id, '?showHistory=true'))?.historyEvents?.some((e) => e.EventType === 'TimerCreated')
      ? true
      : undefined,
  );
  const before = Date.now();
  await advanceClock(stack, 7 * 24 * 3600 * 1000 + 1000);
  const s = await waitForStatus(stack, id);
  expect(Date.now() - before).toBeLessThan(10_000);
  expect(s.output).toEqual({ outcome: 'timed out' });
  const fired = s.historyEvents!.find((e) => e.EventType === 'TimerFired')!;
  expect(Date.parse(String(fired.FireAt)) - Date.parse(running.createdTime)).toBeGreaterThanOrEqual(
    7 * 24 * 3600 * 1000 - 1000,
  );
});

test('an event raised before the orchestrator waits for it is delivered', async () => {
  const id = await start(stack, 'waitForever');
  await waitForStatus(stack, id, ['Running']);
  expect(await raise(stack, id, 'Go', 1)).toBe(202);
  expect(await raise(stack, id, 'Go', 2)).toBe(202);
  const s = await waitForStatus(stack, id);
  expect(s.output).toEqual([1, 2]);
});

test('retry that succeeds after two failures records the hidden backoff timers', async () => {
  const id = await start(stack, 'retryOrchestrator', { failTimes: 2, maxAttempts: 4 });
  const s = await waitForStatus(stack, id);
  expect(s.output).toEqual({ ok: true, result: 'succeeded on attempt 3' });
  expect(s.historyEvents!.map((e) => e.EventType)).toEqual([
    'ExecutionStarted',
    'TaskFailed',
    'TimerCreated',
    'TimerFired',
    'TaskFailed',
    'TimerCreated',
    'TimerFired',
    'TaskCompleted',
    'ExecutionCompleted',
  ]);
  const rows = await historyRows(id);
  const ids = rows
    .filter((r) => ['TaskScheduled', 'TimerCreated'].includes(String(r.EventType)))
    .map((r) => `${String(r.EventType)}:${String(r.EventId)}`);
  expect(ids).toEqual(['TaskScheduled:0', 'TimerCreated:1', 'TaskScheduled:2', 'TimerCreated:3', 'TaskScheduled:4']);
  // Backoff doubles: the second timer waits twice as long as the first.
  const timers = rows.filter((r) => r.EventType === 'TimerCreated');
  const delay = (r: Record<string, unknown>) =>
    new Date(r.FireAt as string).getTime() - new Date(r._Timestamp as string).getTime();
  expect(delay(timers[0])).toBe(50);
  expect(delay(timers[1])).toBe(100);
});

test('retry that exhausts its attempts fails the task with the last error', async () => {
  const id = await start(stack, 'retryOrchestrator', { failTimes: 10, maxAttempts: 3 });
  const s = await waitForStatus(stack, id);
  expect(s.output).toMatchObject({ ok: false });
  expect(String((s.output as { error: string }).error)).toContain('flaky failure 3 of 10');
  expect(s.historyEvents!.filter((e) => e.EventType === 'TaskFailed')).toHaveLength(3);
  expect(s.historyEvents!.filter((e) => e.EventType === 'TimerFired')).toHaveLength(3);
});

test('sub-orchestrations, sequential and in parallel, with a chosen instance id', async () => {
  const id = await start(stack, 'parentOrchestrator');
  const s = await waitForStatus(stack, id);
  expect(s.output).toEqual(['HELLO OSLO!', 'HELLO LIMA!', 'HELLO PUNE!']);
  expect(
    s.historyEvents!.filter((e) => e.EventType === 'SubOrchestrationInstanceCompleted').map((e) => e.FunctionName),
  ).toEqual(['childOrchestrator', 'childOrchestrator', 'childOrchestrator']);
  const child = await status(stack, `${id}-pune`);
  expect(child).toMatchObject({ name: 'childOrchestrator', runtimeStatus: 'Completed', output: 'HELLO PUNE!' });
});

test('continueAsNew counter restarts with new input until done', async () => {
  const id = await start(stack, 'counter', { n: 0, until: 4 });
  const s = await waitForStatus(stack, id);
  expect(s.runtimeStatus).toBe('Completed');
  expect(s.output).toBe(4);
  // Only the last execution's history is kept, as the Azure Storage provider does.
  expect(s.input).toEqual({ n: 3, until: 4 });
  expect(s.historyEvents!.filter((e) => e.EventType === 'ExecutionStarted')).toHaveLength(1);
});

test('custom status reports progress while running and at the end', async () => {
  const id = await start(stack, 'progress');
  const s = await waitForStatus(stack, id);
  expect(s.output).toBe('finished');
  expect(s.customStatus).toEqual({ step: 'done', done: 3, of: 3 });
});

test('terminate ends a waiting instance; the output is the reason', async () => {
  const id = await start(stack, 'waitForever');
  await waitForStatus(stack, id, ['Running']);
  const res = await fetch(
    stack.url(`/runtime/webhooks/durabletask/instances/${id}/terminate?reason=no%20longer%20needed`),
    { method: 'POST' },
  );
  expect(res.status).toBe(202);
  const s = await waitForStatus(stack, id, ['Terminated']);
  expect(s.output).toBe('no longer needed');
  // The termination is recorded, then the execution completes as Terminated (Azure/durabletask
  // src/DurableTask.Core/TaskOrchestrationContext.cs, HandleExecutionTerminatedEvent).
  expect(s.historyEvents!.slice(-2)).toMatchObject([
    { EventType: 'ExecutionTerminated' },
    { EventType: 'ExecutionCompleted', OrchestrationStatus: 'Terminated' },
  ]);
  // Terminal now: a second terminate and an event are refused with 410.
  expect(
    (await fetch(stack.url(`/runtime/webhooks/durabletask/instances/${id}/terminate`), { method: 'POST' })).status,
  ).toBe(410);
  expect(await raise(stack, id, 'Go', 1)).toBe(410);
});

test('suspend holds events until resume', async () => {
  const id = await start(stack, 'waitForever');
  await waitForStatus(stack, id, ['Running']);
  expect((await fetch(stack.url(`/api/client/suspend/${id}`), { method: 'POST' })).status).toBe(202);
  await waitForStatus(stack, id, ['Suspended']);
  await raise(stack, id, 'Go', 'a');
  await raise(stack, id, 'Go', 'b');
  await new Promise((r) => setTimeout(r, 300));
  expect((await status(stack, id))!.runtimeStatus).toBe('Suspended');
  expect((await fetch(stack.url(`/api/client/resume/${id}`), { method: 'POST' })).status).toBe(202);
  const s = await waitForStatus(stack, id);
  expect(s.output).toEqual(['a', 'b']);
});

test('a failing activity fails the orchestration with the documented message', async () => {
  const id = await start(stack, 'failing');
  const s = await waitForStatus(stack, id);
  expect(s.runtimeStatus).toBe('Failed');
  expect(String(s.output)).toContain("Orchestrator function 'failing' failed:");
  expect(String(s.output)).toContain("Activity function 'alwaysFails' failed: the activity broke");
});

test('the durable client inside a function: waitForCompletion, getStatus with history, getStatusBy, raise, purge', async () => {
  const res = await fetch(stack.url('/api/wait/helloSequence'), { method: 'POST' });
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual(['Hello Tokyo!', 'Hello Seattle!', 'Hello Cairo!']);

  const id = await start(stack, 'waitForever');
  await waitForStatus(stack, id, ['Running']);
  const st = (await (await fetch(stack.url(`/api/client/status/${id}`))).json()) as {
    runtimeStatus: string;
    name: string;
  };
  expect(st).toMatchObject({ runtimeStatus: 'Running', name: 'waitForever' });
  const running = (await (await fetch(stack.url('/api/client/by?runtimeStatus=Running'))).json()) as {
    instanceId: string;
  }[];
  expect(running.map((r) => r.instanceId)).toContain(id);
  for (const v of ['x', 'y'])
    expect(
      (await fetch(stack.url(`/api/client/raise/${id}?event=Go`), { method: 'POST', body: JSON.stringify(v) })).status,
    ).toBe(202);
  await waitForStatus(stack, id);
  const purged = (await (await fetch(stack.url(`/api/client/purge/${id}`), { method: 'DELETE' })).json()) as {
    instancesDeleted: number;
  };
  expect(purged.instancesDeleted).toBe(1);
  expect(await status(stack, id)).toBeUndefined();
  expect(await historyRows(id)).toEqual([]);
});

test('listing pages through instances with a continuation token; getStatusAll follows it', async () => {
  const ids = await Promise.all(
    Array.from({ length: 5 }, (_, i) => start(stack, 'helloSequence', undefined, `page-${i}`)),
  );
  await Promise.all(ids.map((id) => waitForStatus(stack, id)));
  const seen: string[] = [];
  let token: string | null = null;
  let pages = 0;
  do {
    const res: Response = await fetch(
      stack.url('/runtime/webhooks/durabletask/instances?top=2&runtimeStatus=Completed'),
      { headers: token ? { 'x-ms-continuation-token': token } : {} },
    );
    expect(res.status).toBe(200);
    seen.push(...((await res.json()) as { instanceId: string }[]).map((r) => r.instanceId));
    token = res.headers.get('x-ms-continuation-token');
    pages++;
  } while (token);
  expect(pages).toBeGreaterThanOrEqual(3);
  expect(seen).toEqual(expect.arrayContaining(ids));
  const all = (await (await fetch(stack.url('/api/client/all'))).json()) as { instanceId: string }[];
  expect(all.map((r) => r.instanceId)).toEqual(expect.arrayContaining(ids));
});
