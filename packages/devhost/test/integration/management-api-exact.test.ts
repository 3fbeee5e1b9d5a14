// The management API's answers and the History table, compared field by field with what the
// Durable extension (Azure/azure-functions-durable-extension) and the Durable Task Framework
// (Azure/durabletask) produce; each test names the source file its expectation comes from.
import { odata, TableClient } from '@azure/data-tables';
import { advanceClock, raise, start, status, Status, waitForStatus } from '../../src/testing/durable-http';
import { startStack, Stack, waitUntil } from '../../src/testing/stack';
import { fixture } from '../fixture';

const MGMT = '/runtime/webhooks/durabletask';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack(fixture('durable-samples'));
});
afterAll(async () => {
  await stack?.stop();
});

function table(name: string): TableClient {
  return TableClient.fromConnectionString(stack.connectionString, `SamplesHub${name}`, {
    allowInsecureConnection: true,
  });
}

async function historyRows(id: string): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for await (const r of table('History').listEntities({ queryOptions: { filter: odata`PartitionKey eq ${id}` } }))
    rows.push(r);
  return rows.filter((r) => r.rowKey !== 'sentinel').sort((a, b) => String(a.rowKey).localeCompare(String(b.rowKey)));
}

async function executionId(id: string): Promise<string> {
  return String((await table('Instances').getEntity<Record<string, unknown>>(id, '')).ExecutionId);
}

const types = (s: Status | undefined) => (s?.historyEvents ?? []).map((e) => e.EventType);

function post(p: string, body?: string, contentType = 'application/json'): Promise<Response> {
  return fetch(stack.url(`${MGMT}${p}`), { method: 'POST', headers: { 'content-type': contentType }, body });
}

test('a terminated instance ends its history with ExecutionCompleted (Terminated), the reason as plain text', async () => {
  // DTFx: TaskOrchestrationContext.HandleExecutionTerminatedEvent completes the execution with status
  // Terminated and the event's Input as result; TaskOrchestrationDispatcher.ProcessWorkflowCompletedTaskDecision
  // records that as an ExecutionCompletedEvent (Azure/durabletask src/DurableTask.Core/TaskOrchestrationContext.cs,
  // TaskOrchestrationDispatcher.cs). The reason is stored unencoded (AzureTableTrackingStore.cs).
  const id = await start(stack, 'waitForever');
  await waitForStatus(stack, id, ['Running']);
  expect((await post(`/instances/${id}/terminate?reason=no%20longer%20needed`)).status).toBe(202);
  const s = await waitForStatus(stack, id, ['Terminated']);
  expect(s.output).toBe('no longer needed');
  expect(s.historyEvents!.slice(-2)).toEqual([
    { EventType: 'ExecutionTerminated', Timestamp: expect.any(String), Input: 'no longer needed' },
    {
      EventType: 'ExecutionCompleted',
      Timestamp: expect.any(String),
      OrchestrationStatus: 'Terminated',
      Result: 'no longer needed',
    },
  ]);
  const rows = await historyRows(id);
  expect(rows.slice(-4).map((r) => r.EventType)).toEqual([
    'OrchestratorStarted',
    'ExecutionTerminated',
    'ExecutionCompleted',
    'OrchestratorCompleted',
  ]);
  expect(rows.find((r) => r.EventType === 'ExecutionCompleted')).toMatchObject({
    OrchestrationStatus: 'Terminated',
    Result: 'no longer needed',
  });
  expect((await table('Instances').getEntity<Record<string, unknown>>(id, '')).Output).toBe('no longer needed');
});

test('work in flight is listed as TaskScheduled / SubOrchestrationInstanceCreated, then folded into its completion', async () => {
  // Extension: DurableClient.GetDurableOrchestrationStatusAsync removes a scheduling event only when
  // its completion is found (AddScheduledEventDataAndAggregate), merging Name → FunctionName,
  // Timestamp → ScheduledTime and (showInput) Input into it, and removes EventId, IsPlayed,
  // TaskScheduledId, TimerId and OrchestratorStarted/Completed everywhere
  // (Azure/azure-functions-durable-extension src/WebJobs.Extensions.DurableTask/ContextImplementations/DurableClient.cs).
  // The unnamed child's id is the parent's execution id and the task's sequence number
  // (Azure/durabletask src/DurableTask.Core/TaskOrchestrationContext.cs, CreateSubOrchestrationInstanceCore).
  const id = await start(stack, 'inFlight', 'key-1');
  const childId = `${await waitUntil(async () => {
    const s = await status(stack, id, '?showHistory=true');
    return types(s).includes('SubOrchestrationInstanceCreated') ? executionId(id) : undefined;
  })}:1`;
  const running = (await status(stack, id, '?showHistory=true'))!;
  expect(running.historyEvents).toEqual([
    { EventType: 'ExecutionStarted', Timestamp: expect.any(String), FunctionName: 'inFlight', Input: '"key-1"' },
    { EventType: 'TaskScheduled', Timestamp: expect.any(String), Name: 'heldActivity', Input: '["\\"key-1\\""]' },
    {
      EventType: 'SubOrchestrationInstanceCreated',
      Timestamp: expect.any(String),
      Name: 'waitForever',
      Input: '{"note":"child input"}',
      InstanceId: childId,
    },
  ]);
  const child = await waitForStatus(stack, childId, ['Running']);
  expect(child).toMatchObject({ name: 'waitForever', input: { note: 'child input' } });

  // The activity finishes first: its entry becomes a TaskCompleted, the child's stays pending.
  expect((await fetch(stack.url('/api/held/key-1/release'), { method: 'POST' })).status).toBe(204);
  const half = await waitUntil(async () => {
    const s = await status(stack, id, '?showHistory=true');
    return types(s).includes('TaskCompleted') ? s : undefined;
  });
  expect(types(half)).toEqual(['ExecutionStarted', 'SubOrchestrationInstanceCreated', 'TaskCompleted']);

  expect(await raise(stack, childId, 'Go', 1)).toBe(202);
  expect(await raise(stack, childId, 'Go', 2)).toBe(202);
  const done = await waitForStatus(stack, id);
  expect(done.output).toEqual({ activity: 'released key-1', child: [1, 2] });
  const scheduled = running.historyEvents!;
  expect(done.historyEvents).toEqual([
    scheduled[0],
    {
      EventType: 'TaskCompleted',
      Timestamp: expect.any(String),
      ScheduledTime: scheduled[1].Timestamp,
      FunctionName: 'heldActivity',
      Input: '["\\"key-1\\""]',
      Result: 'released key-1',
    },
    {
      EventType: 'SubOrchestrationInstanceCompleted',
      Timestamp: expect.any(String),
      ScheduledTime: scheduled[2].Timestamp,
      FunctionName: 'waitForever',
      Input: '{"note":"child input"}',
      InstanceId: childId,
      Result: [1, 2],
    },
    {
      EventType: 'ExecutionCompleted',
      Timestamp: expect.any(String),
      OrchestrationStatus: 'Completed',
      Result: done.output,
    },
  ]);
});

test('results only with showHistoryOutput; timers carry FireAt but no EventId or TimerId', async () => {
  // Extension: DurableClient.cs (GetDurableOrchestrationStatusAsync): Result is removed from
  // TaskCompleted, SubOrchestrationInstanceCompleted and ExecutionCompleted unless showHistoryOutput,
  // and parsed (ParseToJToken) when shown; TimerFired loses TimerId, every event EventId.
  const id = await start(stack, 'timerThenEvent');
  await waitUntil(async () =>
    types(await status(stack, id, '?showHistory=true')).includes('TimerCreated') ? true : undefined,
  );
  await advanceClock(stack, 61_000);
  await waitUntil(async () =>
    types(await status(stack, id, '?showHistory=true')).includes('TimerFired') ? true : undefined,
  );
  expect(await raise(stack, id, 'Go', { ok: true })).toBe(202);
  await waitForStatus(stack, id);

  const plain = (await status(stack, id, '?showHistory=true'))!;
  expect(plain.historyEvents).toEqual([
    { EventType: 'ExecutionStarted', Timestamp: expect.any(String), FunctionName: 'timerThenEvent', Input: null },
    { EventType: 'TimerCreated', Timestamp: expect.any(String), FireAt: expect.any(String) },
    { EventType: 'TimerFired', Timestamp: expect.any(String), FireAt: expect.any(String) },
    { EventType: 'EventRaised', Timestamp: expect.any(String), Name: 'Go', Input: '{"ok":true}' },
    { EventType: 'ExecutionCompleted', Timestamp: expect.any(String), OrchestrationStatus: 'Completed' },
  ]);
  const withOutput = (await status(stack, id, '?showHistory=true&showHistoryOutput=true'))!;
  expect(withOutput.historyEvents!.at(-1)).toMatchObject({ Result: { ok: true } });
  const echo = await start(stack, 'echoInputs');
  await waitForStatus(stack, echo);
  const noOutput = (await status(stack, echo, '?showHistory=true'))!.historyEvents!;
  expect(noOutput.filter((e) => e.EventType === 'TaskCompleted').every((e) => !('Result' in e))).toBe(true);
});

test('showInput: on by default for status and list; false hides the input and every history Input', async () => {
  // Extension: HttpApiHandler.HandleGetStatusRequestAsync defaults showInput to true; the list takes
  // OrchestrationStatusQueryCondition.ShowInput, which defaults to true too; a value bool.TryParse
  // does not read leaves the default (Azure/azure-functions-durable-extension
  // src/WebJobs.Extensions.DurableTask/HttpApiHandler.cs, OrchestrationStatusQueryCondition.cs).
  // DurableClient.cs removes Input from every history event when showInput is false.
  const id = await start(stack, 'echoInputs', { the: 'input' }, 'show-input-exact');
  await waitForStatus(stack, id);

  expect((await status(stack, id))!.input).toEqual({ the: 'input' });
  expect((await status(stack, id, '?showInput=yes'))!.input).toEqual({ the: 'input' });
  const hidden = (await status(stack, id, '?showInput=false&showHistory=true'))!;
  expect(hidden.input).toBeNull();
  expect(hidden.historyEvents!.some((e) => 'Input' in e)).toBe(false);
  const shown = (await status(stack, id, '?showHistory=true'))!;
  expect(shown.historyEvents!.filter((e) => e.EventType === 'TaskCompleted').map((e) => e.Input)).toEqual([
    '["\\"Tokyo\\""]',
    '[{"a":1,"b":["x"]}]',
    '[42]',
  ]);

  const list = async (q: string) => {
    const res = await fetch(stack.url(`${MGMT}/instances?instanceIdPrefix=show-input-exact${q}`));
    expect(res.status).toBe(200);
    return (await res.json()) as Status[];
  };
  expect((await list('')).map((s) => s.input)).toEqual([{ the: 'input' }]);
  expect((await list('&showInput=true')).map((s) => s.input)).toEqual([{ the: 'input' }]);
  expect((await list('&showInput=false')).map((s) => s.input)).toEqual([null]);
});

test("an activity's input is stored as DTFx's one-element parameter array, and the activity gets the value", async () => {
  // DTFx: TaskOrchestrationContext.ScheduleTaskInternal serializes `params object[] parameters`
  // (Azure/durabletask src/DurableTask.Core/TaskOrchestrationContext.cs), and the extension unwraps
  // the array for the activity (src/WebJobs.Extensions.DurableTask/ContextImplementations/DurableActivityContext.cs,
  // GetInputAsJson). durable-functions has already turned a string into its JSON text
  // (CallActivityAction → Utils.processInput), and DTFx keeps that text as the array's element.
  const id = await start(stack, 'echoInputs');
  const s = await waitForStatus(stack, id);
  expect(s.output).toEqual(['Tokyo', { a: 1, b: ['x'] }, 42]);
  const scheduled = (await historyRows(id)).filter((r) => r.EventType === 'TaskScheduled');
  expect(scheduled.map((r) => r.Input)).toEqual(['["\\"Tokyo\\""]', '[{"a":1,"b":["x"]}]', '[42]']);
  expect(scheduled.map((r) => JSON.parse(String(r.Input)) as unknown)).toEqual([
    ['"Tokyo"'],
    [{ a: 1, b: ['x'] }],
    [42],
  ]);
});

test("a failed child's reason reaches the parent as DTFx gives it; the unnamed child's id follows DTFx", async () => {
  // DTFx: TaskOrchestrationDispatcher.ProcessWorkflowCompletedTaskDecision sends the child's result
  // text as the SubOrchestrationInstanceFailedEvent's Reason; the result of a failed out-of-process
  // orchestrator is "Orchestrator function '<name>' failed: <error>" (Azure/durabletask
  // src/DurableTask.Core/TaskOrchestrationDispatcher.cs; Azure/azure-functions-durable-extension
  // src/WebJobs.Extensions.DurableTask/Listener/OutOfProcOrchestrationShim.cs). The child is named
  // ExecutionId + ":" + sequence number (TaskOrchestrationContext.cs, CreateSubOrchestrationInstanceCore).
  const id = await start(stack, 'parentOfFailing');
  const s = await waitForStatus(stack, id);
  const reason = "Orchestrator function 'failingChild' failed: the child broke";
  // durable-functions makes the error message from Reason and Details (TaskOrchestrationExecutor).
  expect(String(s.output).trim()).toBe(reason);
  const childId = `${await executionId(id)}:0`;
  expect(await status(stack, childId)).toMatchObject({ name: 'failingChild', runtimeStatus: 'Failed', output: reason });
  const failed = (await status(stack, id, '?showHistory=true'))!.historyEvents!.find(
    (e) => e.EventType === 'SubOrchestrationInstanceFailed',
  );
  expect(failed).toMatchObject({ Reason: reason, FunctionName: 'failingChild', InstanceId: childId });
  // And the child's own History row keeps the message as plain text.
  expect((await historyRows(childId)).find((r) => r.EventType === 'ExecutionCompleted')).toMatchObject({
    OrchestrationStatus: 'Failed',
    Result: reason,
  });
});

test('the unnamed children of the samples parent are named <parent execution id>:<sequence number>', async () => {
  // Azure/durabletask src/DurableTask.Core/TaskOrchestrationContext.cs (CreateSubOrchestrationInstanceCore).
  const id = await start(stack, 'parentOrchestrator');
  await waitForStatus(stack, id);
  const exec = await executionId(id);
  expect(await status(stack, `${exec}:0`)).toMatchObject({ name: 'childOrchestrator', output: 'HELLO OSLO!' });
  expect(await status(stack, `${exec}:1`)).toMatchObject({ name: 'childOrchestrator', output: 'HELLO LIMA!' });
});

test('an event raised while suspended is recorded when it arrives and acted on after resume', async () => {
  // DTFx: the dispatcher adds every arriving event to the history (TaskOrchestrationDispatcher.cs,
  // ReconcileMessagesWithState); while suspended, TaskOrchestrationExecutor.ProcessEvent queues it for
  // the orchestration (HandleEventWhileSuspended) until ExecutionResumed
  // (Azure/durabletask src/DurableTask.Core/TaskOrchestrationExecutor.cs, TaskOrchestrationContext.cs).
  const id = await start(stack, 'waitForever');
  await waitForStatus(stack, id, ['Running']);
  expect((await post(`/instances/${id}/suspend?reason=pause`)).status).toBe(202);
  await waitForStatus(stack, id, ['Suspended']);
  expect(await raise(stack, id, 'Go', 'while suspended')).toBe(202);
  const recorded = await waitUntil(async () => {
    const s = await status(stack, id, '?showHistory=true');
    return types(s).includes('EventRaised') ? s : undefined;
  });
  expect(recorded.runtimeStatus).toBe('Suspended');
  expect(types(recorded)).toEqual(['ExecutionStarted', 'ExecutionSuspended', 'EventRaised']);
  expect(recorded.historyEvents![1]).toMatchObject({ Reason: 'pause' });

  expect((await post(`/instances/${id}/resume?reason=go%20on`)).status).toBe(202);
  await waitForStatus(stack, id, ['Running']);
  expect(await raise(stack, id, 'Go', 'after resume')).toBe(202);
  const done = await waitForStatus(stack, id);
  expect(done.output).toEqual(['while suspended', 'after resume']);
  expect(types(done)).toEqual([
    'ExecutionStarted',
    'ExecutionSuspended',
    'EventRaised',
    'ExecutionResumed',
    'EventRaised',
    'ExecutionCompleted',
  ]);
  const rows = await historyRows(id);
  const at = (t: string) => rows.findIndex((r) => r.EventType === t);
  expect(at('ExecutionSuspended')).toBeLessThan(at('EventRaised'));
  expect(at('EventRaised')).toBeLessThan(at('ExecutionResumed'));
});

test('continue-as-new starts a new createdTime', async () => {
  // Azure/durabletask src/DurableTask.AzureStorage/Tracking/AzureTableTrackingStore.cs (UpdateStateAsync):
  // CreatedTime is set from each execution's ExecutionStarted event.
  const id = await start(stack, 'generations');
  const first = await waitForStatus(stack, id, ['Running']);
  await advanceClock(stack, 10_000);
  expect(await raise(stack, id, 'Next', null)).toBe(202);
  const second = await waitUntil(async () => {
    const s = await status(stack, id);
    return s?.input === 2 && s.runtimeStatus === 'Running' ? s : undefined;
  });
  expect(Date.parse(second.createdTime) - Date.parse(first.createdTime)).toBeGreaterThanOrEqual(9_000);
  expect(await raise(stack, id, 'Next', null)).toBe(202);
  const done = await waitForStatus(stack, id);
  expect(done).toMatchObject({ output: 2, createdTime: second.createdTime });
});

test('raise-event with an empty or blank body is 400, as the extension cannot parse it as JSON', async () => {
  // Extension: HttpApiHandler.HandleRaiseEventRequestAsync parses the body with
  // MessagePayloadDataConverter.ConvertToJToken (JToken.Load) and answers 400 "Invalid JSON content"
  // when it throws, which it does for no content (src/WebJobs.Extensions.DurableTask/HttpApiHandler.cs).
  const id = await start(stack, 'waitForever');
  await waitForStatus(stack, id, ['Running']);
  for (const body of [undefined, '', '   ', '\n']) {
    const res = await post(`/instances/${id}/raiseEvent/Go`, body);
    expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), 400]);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/Invalid JSON content/);
  }
  // Not JSON at all, or JSON under another content type: 400 as well.
  expect((await post(`/instances/${id}/raiseEvent/Go`, 'hello')).status).toBe(400);
  expect((await post(`/instances/${id}/raiseEvent/Go`, '"hello"', 'text/plain')).status).toBe(400);
  expect(types(await status(stack, id, '?showHistory=true'))).toEqual(['ExecutionStarted']);
  // `null` is JSON: it is an event.
  expect((await post(`/instances/${id}/raiseEvent/Go`, 'null')).status).toBe(202);
  expect(await raise(stack, id, 'Go', 'x')).toBe(202);
  expect((await waitForStatus(stack, id)).output).toEqual([null, 'x']);
});
