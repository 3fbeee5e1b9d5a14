import { newExecutionId } from '../core/ids';
import { Clock } from './clock';
import { EventType, HistoryEvent, isTerminal, parseJsonText, RuntimeStatus, toJsonText } from './history';
import { EngineState, InstanceState, InstanceStore, newEngineState, RetryState } from './instance-store';
import { ControlItem, emptyOutbound, Outbound, WorkItem } from './messages';
import { applyEntityAction, EntityAction, releaseHeldLock } from './entities/orchestration-actions';
import { HTTP_ACTIVITY } from './http-activity';
import { advanceHttpPoll, startsPoll } from './http-polling';
import { completionTarget, openTasks, OpenTask } from './open-tasks';
import { retryDelayMs } from './retry-policy';

/** What the JS replay engine returns (`OrchestratorState`). */
export interface OrchestratorResult {
  isDone: boolean;
  actions: unknown[][];
  output?: unknown;
  error?: string;
  customStatus?: unknown;
}

export type RunOrchestrator = (
  name: string,
  payload: Record<string, unknown>,
) => Promise<{ state?: OrchestratorResult; error?: string; missing?: boolean }>;

// Action types of the out-of-process protocol (durable-functions `ActionType`).
const A = {
  CallActivity: 0,
  CallActivityWithRetry: 1,
  CallSubOrchestrator: 2,
  CallSubOrchestratorWithRetry: 3,
  ContinueAsNew: 4,
  CreateTimer: 5,
  WaitForExternalEvent: 6,
  CallEntity: 7,
  CallHttp: 8,
  SignalEntity: 9,
  WhenAny: 11,
  WhenAll: 12,
  LockEntities: 13,
  ReleaseEntities: 14,
};

interface Action extends EntityAction {
  actionType: number;
  functionName?: string;
  input?: unknown;
  instanceId?: string;
  retryOptions?: RetryState['options'];
  fireAt?: string | Date;
  isCanceled?: boolean;
  compoundActions?: Action[];
  httpRequest?: unknown;
}

export interface StepResult {
  consumed: Set<string>;
  outbound: Outbound;
  /** Items left for a later step (a batch ends before a second retry event). */
  more: boolean;
}

/**
 * One orchestration step: apply a batch of control items to an instance, replay the orchestrator
 * over its history, turn new actions into history and outbound work, and commit. The rules that
 * keep the JS replay engine's sequence numbers and the host's in step live here.
 */
export class OrchestrationSession {
  constructor(
    private readonly store: InstanceStore,
    private readonly clock: Clock,
    private readonly run: RunOrchestrator,
  ) {}

  async process(instanceId: string, items: ControlItem[]): Promise<StepResult> {
    const consumed = new Set<string>();
    const out = emptyOutbound();
    let state = await this.store.load(instanceId);
    const now = this.clock.nowIso();
    const newEvents: HistoryEvent[] = [];
    let resetHistory = false;
    let more = false;
    let open = state ? openTasks(state.history) : new Map<number, OpenTask>();
    const raised = new Set(state?.history.filter((e) => e.RaiseId).map((e) => e.RaiseId));

    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      const ev = item.event;
      if (item.kind === 'event' && ev?.EventType === EventType.ExecutionStarted) {
        if (newEvents.length > 0) {
          more = true;
          break;
        }
        if (state && !this.canStart(state, item)) {
          consumed.add(item.id);
          if (state.engine.parent && isTerminal(state.status)) this.notifyParent(state, out);
          continue;
        }
        state = this.freshExecution(instanceId, item, state, now);
        resetHistory = true;
        open = new Map();
        newEvents.push({ ...ev, EventId: -1, IsPlayed: false, Timestamp: now });
        consumed.add(item.id);
        continue;
      }
      if (!state || (state.history.length === 0 && newEvents.length === 0) || isTerminal(state.status)) {
        // Nothing running to deliver to (unknown, not started, or finished): the item is spent.
        consumed.add(item.id);
        continue;
      }
      if (item.executionId && item.executionId !== state.executionId) {
        consumed.add(item.id);
        continue;
      }
      if (item.kind !== 'event') {
        if (newEvents.length > 0) {
          more = true;
          break;
        }
        consumed.add(item.id);
        await this.command(state, item, now, out);
        return { consumed, outbound: out, more: i < items.length - 1 };
      }
      if (!ev) {
        consumed.add(item.id);
        continue;
      }
      const target = completionTarget(ev);
      if (target) {
        if (open.get(target.id)?.kind !== target.kind) {
          consumed.add(item.id); // a duplicate or a stale completion
          continue;
        }
      } else if (ev.EventType === EventType.EventRaised) {
        if (raised.has(item.id)) {
          consumed.add(item.id);
          continue;
        }
        raised.add(item.id);
      }
      const retry = target ? state.engine.retries[String(target.id)] : undefined;
      const task = target ? open.get(target.id) : undefined;
      const retryAllocates = (retry !== undefined && this.retryAllocates(retry, ev)) || startsPoll(task, ev);
      // DTFx records what arrives while suspended at once and runs no orchestrator code until resume
      // (TaskOrchestrationExecutor.ProcessEvent). A retry's next timer or attempt is such code: the
      // event that would start it waits here for the resume.
      if (state.status === 'Suspended' && retryAllocates) continue;
      // The JS engine numbers a retry's next timer/attempt the moment it replays the failure, before
      // user code resumes on later events; so such an event must be the first of its step.
      if (retryAllocates && newEvents.length > 0) {
        more = true;
        break;
      }
      consumed.add(item.id);
      newEvents.push({
        ...ev,
        EventId: -1,
        IsPlayed: false,
        Timestamp: ev.Timestamp || now,
        RaiseId: ev.EventType === EventType.EventRaised ? item.id : undefined,
      });
      if (target) open.delete(target.id);
      if (retry && target) this.advanceRetry(state, target.id, retry, ev, now, newEvents, out, open);
      if (target) advanceHttpPoll(state, task, ev, now, newEvents, out, open);
    }

    if (!state || newEvents.length === 0) return { consumed, outbound: out, more };

    state.history.push(
      { EventType: EventType.OrchestratorStarted, EventId: -1, IsPlayed: false, Timestamp: now },
      ...newEvents,
    );
    // DTFx writes OrchestratorStarted before the events of the step; ExecutionStarted goes right after it.
    await this.runAndCommit(state, now, out, open, resetHistory);
    return { consumed, outbound: out, more };
  }

  /** Replays the orchestrator (unless suspended) over the step's events, closes the step and commits it. */
  private async runAndCommit(
    state: InstanceState,
    now: string,
    out: Outbound,
    open: Map<number, OpenTask>,
    resetHistory = false,
  ): Promise<void> {
    const suspended = state.status === 'Suspended';
    if (!suspended) await this.replay(state, now, out, open);
    state.history.push({ EventType: EventType.OrchestratorCompleted, EventId: -1, IsPlayed: false, Timestamp: now });
    if (!isTerminal(state.status) && state.status !== 'ContinuedAsNew' && !suspended) state.status = 'Running';
    if (state.status === 'ContinuedAsNew') {
      const next = this.continueAsNew(state, now, out);
      await this.store.commit(next, { resetHistory: true });
      return;
    }
    state.lastUpdatedTime = now;
    await this.store.commit(state, { resetHistory });
  }

  private canStart(state: InstanceState, item: ControlItem): boolean {
    if (item.parent && state.engine.parent && sameParent(item.parent, state.engine.parent) && state.history.length > 0)
      return false;
    if (state.history.length === 0) return true;
    if (item.executionId && item.executionId === state.executionId) return false;
    return isTerminal(state.status);
  }

  private freshExecution(
    instanceId: string,
    item: ControlItem,
    prior: InstanceState | undefined,
    now: string,
  ): InstanceState {
    const ev = item.event!;
    const engine: EngineState = newEngineState();
    if (item.parent) engine.parent = item.parent;
    return {
      instanceId,
      executionId: item.executionId ?? newExecutionId(),
      name: ev.Name ?? '',
      version: ev.Version ?? '',
      input: ev.Input ?? null,
      status: 'Running',
      output: null,
      customStatus: null,
      createdTime: prior && prior.history.length === 0 ? prior.createdTime : now,
      lastUpdatedTime: now,
      history: [],
      engine,
      committedCount: 0,
      sentinelEtag: prior?.sentinelEtag,
      sentinelBlob: prior?.sentinelBlob,
    };
  }

  private retryAllocates(retry: RetryState, ev: HistoryEvent): boolean {
    if (retry.waitingOnTimer)
      return ev.EventType === EventType.TimerFired && retry.attempt < retry.options.maxNumberOfAttempts;
    return ev.EventType === EventType.TaskFailed || ev.EventType === EventType.SubOrchestrationInstanceFailed;
  }

  /** A retried task failed (→ backoff timer) or its timer fired (→ next attempt). */
  private advanceRetry(
    state: InstanceState,
    id: number,
    retry: RetryState,
    ev: HistoryEvent,
    now: string,
    newEvents: HistoryEvent[],
    out: Outbound,
    open: Map<number, OpenTask>,
  ): void {
    const retries = state.engine.retries;
    delete retries[String(id)];
    const failed = ev.EventType === EventType.TaskFailed || ev.EventType === EventType.SubOrchestrationInstanceFailed;
    if (!retry.waitingOnTimer && failed) {
      // DTFx waits out a backoff timer even after the last attempt; the JS engine expects it.
      const timerId = state.engine.nextSequence++;
      const fireAt = new Date(Date.parse(now) + retryDelayMs(retry)).toISOString();
      const created: HistoryEvent = {
        EventType: EventType.TimerCreated,
        EventId: timerId,
        IsPlayed: false,
        Timestamp: now,
        FireAt: fireAt,
      };
      newEvents.push(created);
      open.set(timerId, { kind: 'timer', scheduled: created });
      out.timers.push({ instanceId: state.instanceId, executionId: state.executionId, timerId, fireAt });
      retries[String(timerId)] = { ...retry, waitingOnTimer: true };
    } else if (
      retry.waitingOnTimer &&
      ev.EventType === EventType.TimerFired &&
      retry.attempt < retry.options.maxNumberOfAttempts
    ) {
      const taskId = state.engine.nextSequence++;
      const scheduled = this.schedule(
        state,
        taskId,
        retry.kind,
        retry.name,
        retryInput(state, retry),
        retry.instanceId,
        now,
        out,
      );
      newEvents.push(scheduled);
      open.set(taskId, { kind: retry.kind, scheduled });
      retries[String(taskId)] = { ...retry, attempt: retry.attempt + 1, waitingOnTimer: false };
    }
  }

  private schedule(
    state: InstanceState,
    id: number,
    kind: 'activity' | 'subOrchestration',
    name: string,
    input: string | null,
    childId: string | undefined,
    now: string,
    out: Outbound,
  ): HistoryEvent {
    if (kind === 'activity') {
      const wi: WorkItem = {
        id: `${state.instanceId}|${state.executionId}|${id}`,
        instanceId: state.instanceId,
        executionId: state.executionId,
        taskScheduledId: id,
        name,
        input,
      };
      out.workItems.push(wi);
      return {
        EventType: EventType.TaskScheduled,
        EventId: id,
        IsPlayed: false,
        Timestamp: now,
        Name: name,
        Input: input,
      };
    }
    // DTFx names an unnamed child after the parent's execution and the task's sequence number
    // (TaskOrchestrationContext.CreateSubOrchestrationInstanceCore: ExecutionId + ":" + id).
    const child = childId ?? `${state.executionId}:${id}`;
    out.control.push({
      id: `start|${child}|${state.instanceId}|${state.executionId}|${id}`,
      instanceId: child,
      kind: 'event',
      event: {
        EventType: EventType.ExecutionStarted,
        EventId: -1,
        IsPlayed: false,
        Timestamp: now,
        Name: name,
        Input: input,
        Version: '',
      },
      parent: { instanceId: state.instanceId, executionId: state.executionId, taskScheduledId: id },
    });
    return {
      EventType: EventType.SubOrchestrationInstanceCreated,
      EventId: id,
      IsPlayed: false,
      Timestamp: now,
      Name: name,
      Input: input,
      InstanceId: child,
    };
  }

  private async replay(state: InstanceState, now: string, out: Outbound, open: Map<number, OpenTask>): Promise<void> {
    const payload = {
      history: state.history.map((e) => stripBookkeeping(e)),
      input: parseJsonText(state.input),
      instanceId: state.instanceId,
      isReplaying: state.history.some((e) => e.IsPlayed),
      parentInstanceId: state.engine.parent?.instanceId ?? null,
      upperSchemaVersion: 1,
      // V4: the JS library's `context.df.lock` requires it (DurableOrchestrationContext.lock).
      upperSchemaVersionNew: 3,
      longRunningTimerIntervalDuration: '3.00:00:00',
      maximumShortTimerDuration: '6.00:00:00',
      defaultHttpAsyncRequestSleepTimeMillseconds: 30000,
    };
    const result = await this.run(state.name, payload);
    if (result.missing) {
      return this.finish(
        state,
        'Failed',
        `The function '${state.name}' doesn't exist, is disabled, or is not an orchestrator function.`,
        now,
        out,
      );
    }
    const r = result.state;
    if (r && r.customStatus !== undefined) state.customStatus = toJsonText(r.customStatus);
    let continueInput: unknown;
    let unsupported: string | undefined;
    if (r) {
      const flat = flatten(r.actions);
      for (let index = state.engine.knownActions; index < flat.length; index++) {
        const a = flat[index];
        const id = () => state.engine.nextSequence++;
        switch (a.actionType) {
          case A.CallActivity:
          case A.CallActivityWithRetry:
          case A.CallSubOrchestrator:
          case A.CallSubOrchestratorWithRetry: {
            const taskId = id();
            const kind = a.actionType <= A.CallActivityWithRetry ? 'activity' : 'subOrchestration';
            const input = scheduledInput(kind, a.input);
            const ev = this.schedule(state, taskId, kind, a.functionName!, input, a.instanceId, now, out);
            state.history.push(ev);
            open.set(taskId, { kind, scheduled: ev });
            if (a.actionType === A.CallActivityWithRetry || a.actionType === A.CallSubOrchestratorWithRetry) {
              // The input stays in the history event just written; the retry refers to it.
              state.engine.retries[String(taskId)] = {
                kind,
                name: a.functionName!,
                inputEventId: taskId,
                instanceId: a.instanceId,
                options: a.retryOptions!,
                attempt: 1,
                waitingOnTimer: false,
              };
            }
            break;
          }
          case A.CreateTimer: {
            const timerId = id();
            const fireAt = new Date(a.fireAt as string).toISOString();
            const ev: HistoryEvent = {
              EventType: EventType.TimerCreated,
              EventId: timerId,
              IsPlayed: false,
              Timestamp: now,
              FireAt: fireAt,
            };
            state.history.push(ev);
            if (a.isCanceled) {
              state.engine.canceledTimers.push(timerId);
            } else {
              open.set(timerId, { kind: 'timer', scheduled: ev });
              state.engine.timerActions[String(index)] = timerId;
              out.timers.push({ instanceId: state.instanceId, executionId: state.executionId, timerId, fireAt });
            }
            break;
          }
          case A.WaitForExternalEvent:
            break;
          case A.CallHttp: {
            // The host makes the call, as the built-in activity the extension schedules (http-activity.ts).
            const taskId = id();
            const input = JSON.stringify(a.httpRequest ?? null);
            const ev = this.schedule(state, taskId, 'activity', HTTP_ACTIVITY, input, undefined, now, out);
            state.history.push(ev);
            open.set(taskId, { kind: 'activity', scheduled: ev });
            break;
          }
          case A.CallEntity:
          case A.SignalEntity:
          case A.LockEntities:
          case A.ReleaseEntities:
            unsupported = applyEntityAction(state, a, now, out) ?? unsupported;
            break;
          case A.ContinueAsNew:
            continueInput = a.input;
            break;
          default:
            unsupported = `Action type ${a.actionType} is not supported by this host.`;
        }
      }
      state.engine.knownActions = flat.length;
      // A timer cancelled after it was created: stop it, and stop counting it as outstanding.
      for (const [index, timerId] of Object.entries(state.engine.timerActions)) {
        const a = flat[Number(index)];
        const stillOpen = open.get(timerId)?.kind === 'timer';
        if (!stillOpen || a?.isCanceled) {
          delete state.engine.timerActions[index];
          if (stillOpen && a?.isCanceled) {
            state.engine.canceledTimers.push(timerId);
            out.cancelTimers.push({ instanceId: state.instanceId, executionId: state.executionId, timerId });
          }
        }
      }
    }
    if (result.error !== undefined || unsupported) {
      const message = unsupported ?? result.error;
      // The message as OutOfProcOrchestrationShim words it; DTFx keeps it as the result's plain text.
      return this.finish(state, 'Failed', `Orchestrator function '${state.name}' failed: ${message}`, now, out);
    }
    if (!r) return;
    if (continueInput !== undefined || (r.isDone && flatten(r.actions).some((a) => a.actionType === A.ContinueAsNew))) {
      state.status = 'ContinuedAsNew';
      state.output = continueInput === undefined ? null : JSON.stringify(continueInput);
      return;
    }
    if (r.isDone) {
      const canceled = new Set(state.engine.canceledTimers);
      const outstanding = [...open.entries()].filter(
        ([tid, t]) => t.kind === 'activity' || (t.kind === 'timer' && !canceled.has(tid)),
      ).length;
      if (outstanding > 0) {
        state.engine.pendingOutput = toJsonText(r.output);
        return;
      }
      return this.finish(state, 'Completed', toJsonText(r.output), now, out);
    }
  }

  /**
   * Ends the execution with an ExecutionCompleted event carrying the final status and result, as
   * DTFx's dispatcher does for every end (ProcessWorkflowCompletedTaskDecision), a termination
   * included: the ExecutionTerminated event before it is what asked for that end. Failure messages
   * and termination reasons are stored as the plain text they are, not as JSON.
   */
  private finish(state: InstanceState, status: RuntimeStatus, output: string | null, now: string, out: Outbound): void {
    state.status = status;
    state.output = output;
    state.completedTime = now;
    state.lastUpdatedTime = now;
    delete state.engine.pendingOutput;
    releaseHeldLock(state, now, out);
    state.history.push({
      EventType: EventType.ExecutionCompleted,
      EventId: -1,
      IsPlayed: false,
      Timestamp: now,
      OrchestrationStatus: status,
      Result: output ?? undefined,
    });
    for (const [timerId, t] of openTasks(state.history)) {
      if (t.kind === 'timer')
        out.cancelTimers.push({ instanceId: state.instanceId, executionId: state.executionId, timerId });
    }
    this.notifyParent(state, out);
  }

  private notifyParent(state: InstanceState, out: Outbound): void {
    const notice = parentNotice(state);
    if (notice) out.control.push(notice);
  }

  private continueAsNew(state: InstanceState, now: string, out: Outbound): InstanceState {
    const executionId = newExecutionId();
    // The new execution starts through the control queue, so it is durable and unbounded loops yield.
    out.control.push({
      id: `continue|${state.instanceId}|${executionId}`,
      instanceId: state.instanceId,
      executionId,
      kind: 'event',
      event: {
        EventType: EventType.ExecutionStarted,
        EventId: -1,
        IsPlayed: false,
        Timestamp: now,
        Name: state.name,
        Input: state.output,
        Version: state.version,
      },
      parent: state.engine.parent,
    });
    for (const [timerId, t] of openTasks(state.history)) {
      if (t.kind === 'timer')
        out.cancelTimers.push({ instanceId: state.instanceId, executionId: state.executionId, timerId });
    }
    const engine = newEngineState();
    engine.parent = state.engine.parent;
    return {
      ...state,
      executionId,
      input: state.output,
      output: null,
      status: 'Running',
      // The Azure Storage provider sets CreatedTime from each execution's ExecutionStarted event
      // (AzureTableTrackingStore.UpdateStateAsync), so a new generation starts a new CreatedTime.
      createdTime: now,
      lastUpdatedTime: now,
      history: [],
      engine,
      committedCount: 0,
    };
  }

  private async command(state: InstanceState, item: ControlItem, now: string, out: Outbound): Promise<void> {
    const started: HistoryEvent = {
      EventType: EventType.OrchestratorStarted,
      EventId: -1,
      IsPlayed: false,
      Timestamp: now,
    };
    if (item.kind === 'terminate') {
      // DTFx: the ExecutionTerminated event ends the execution like a completion with that status,
      // the reason (plain text) as its result (TaskOrchestrationContext.HandleExecutionTerminatedEvent).
      const reason = item.reason ?? null;
      state.history.push(started, {
        EventType: EventType.ExecutionTerminated,
        EventId: -1,
        IsPlayed: false,
        Timestamp: now,
        Input: reason ?? undefined,
      });
      this.finish(state, 'Terminated', reason, now, out);
      state.history.push({ EventType: EventType.OrchestratorCompleted, EventId: -1, IsPlayed: false, Timestamp: now });
    } else if (item.kind === 'suspend' && state.status !== 'Suspended') {
      state.history.push(started, {
        EventType: EventType.ExecutionSuspended,
        EventId: -1,
        IsPlayed: false,
        Timestamp: now,
        Reason: item.reason,
      });
      state.status = 'Suspended';
      state.history.push({ EventType: EventType.OrchestratorCompleted, EventId: -1, IsPlayed: false, Timestamp: now });
    } else if (item.kind === 'resume' && state.status === 'Suspended') {
      state.history.push(started, {
        EventType: EventType.ExecutionResumed,
        EventId: -1,
        IsPlayed: false,
        Timestamp: now,
        Reason: item.reason,
      });
      state.status = 'Running';
      // What arrived while suspended is already in the history; the orchestrator sees it now.
      return this.runAndCommit(state, now, out, openTasks(state.history));
    } else {
      return;
    }
    state.lastUpdatedTime = now;
    await this.store.commit(state);
  }
}

function flatten(actions: unknown[][] | undefined): Action[] {
  const flat: Action[] = [];
  const walk = (a: Action) => {
    if (a.actionType === A.WhenAll || a.actionType === A.WhenAny) (a.compoundActions ?? []).forEach(walk);
    else flat.push(a);
  };
  for (const group of actions ?? []) for (const a of group as Action[]) walk(a);
  return flat;
}

function sameParent(a: { instanceId: string; executionId: string; taskScheduledId: number }, b: typeof a): boolean {
  return a.instanceId === b.instanceId && a.executionId === b.executionId && a.taskScheduledId === b.taskScheduledId;
}

/** The input every attempt of a retried task gets: the first attempt's, from its history event. */
function retryInput(state: InstanceState, retry: RetryState): string | null {
  if (retry.inputEventId === undefined) return retry.input ?? null;
  const scheduled = state.history.find(
    (e) =>
      e.EventId === retry.inputEventId &&
      (e.EventType === EventType.TaskScheduled || e.EventType === EventType.SubOrchestrationInstanceCreated),
  );
  // The event is in this execution's history by construction; without it the next attempt cannot be
  // given the right input, so the step fails (and is retried) rather than running it with another.
  if (!scheduled)
    throw new Error(
      `The history of ${state.instanceId} has no scheduling event ${retry.inputEventId} for the retry of '${retry.name}'.`,
    );
  return scheduled.Input ?? null;
}

/**
 * The message that tells a sub-orchestration's parent how it ended: DTFx sends the child's result
 * as is, a failure's (or termination's) result text as the Reason
 * (TaskOrchestrationDispatcher.ProcessWorkflowCompletedTaskDecision).
 */
export function parentNotice(state: InstanceState): ControlItem | undefined {
  const p = state.engine.parent;
  if (!p || !isTerminal(state.status)) return undefined;
  const base = { EventId: -1, IsPlayed: false, Timestamp: state.lastUpdatedTime, TaskScheduledId: p.taskScheduledId };
  return {
    id: `done|${state.instanceId}|${state.executionId}`,
    instanceId: p.instanceId,
    executionId: p.executionId,
    kind: 'event',
    event:
      state.status === 'Completed'
        ? { ...base, EventType: EventType.SubOrchestrationInstanceCompleted, Result: state.output ?? 'null' }
        : { ...base, EventType: EventType.SubOrchestrationInstanceFailed, Reason: state.output ?? '', Details: '' },
  };
}

/**
 * The Input column of a scheduling event, as DTFx writes it. An activity's input is DTFx's
 * parameter array (TaskOrchestrationContext.ScheduleTask serializes `params object[]`), so it is
 * the action's input wrapped in a one-element array; a sub-orchestration's is the input itself.
 * (The JS library has already turned a string input into its JSON text, and DTFx keeps that too.)
 */
function scheduledInput(kind: 'activity' | 'subOrchestration', input: unknown): string | null {
  if (kind === 'activity') return JSON.stringify([input === undefined ? null : input]);
  return input === undefined ? null : JSON.stringify(input);
}

function stripBookkeeping(e: HistoryEvent): Record<string, unknown> {
  const { RaiseId: _raise, ...rest } = e;
  return rest;
}
