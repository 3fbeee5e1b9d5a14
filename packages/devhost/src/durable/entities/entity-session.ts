import { newExecutionId, newId } from '../../core/ids';
import { Invoker, fromTypedData, resultData } from '../../core/invoker';
import { Logger } from '../../core/logger';
import { Registry } from '../../core/registry';
import { Clock } from '../clock';
import { EventType, HistoryEvent } from '../history';
import { InstanceState, InstanceStore, newEngineState } from '../instance-store';
import { ControlItem, emptyOutbound, Outbound } from '../messages';
import type { StepResult } from '../orchestration-session';
import { parseSchedulerId, schedulerId } from './entity-id';
import { EntityMessage, messageId, RequestMessage, ResponseMessage } from './entity-messages';
import {
  Deduplicator,
  EntityBookkeeping,
  newBookkeeping,
  parseSchedulerState,
  SchedulerState,
  schedulerStateText,
} from './entity-state';

/**
 * At most this many messages per batch, so that a batch's history rows and the sentinel go to
 * storage in one entity group transaction (100 rows), i.e. commit atomically.
 */
const MAX_BATCH = 90;

/** The result of a batch as the JS library's entity handler returns it (lib/src/entities/EntityState.js). */
interface EntityBatchResult {
  entityExists: boolean;
  entityState?: string;
  results: { isError: boolean; result?: string }[];
  signals: { target: { name: string; key: string }; name: string; input?: string }[];
}

/**
 * One batch of one entity: takes its messages in the order received, lets requests from the lock
 * holder through and queues others' while it is locked (as the extension's SchedulerState does),
 * runs the operations through the entity function in one invocation (the out-of-process batch
 * protocol: TaskEntityShim.ExecuteOutOfProcBatch and EntityTriggerAttributeBindingProvider in
 * Azure/azure-functions-durable-extension), and commits the new state together with the record of
 * what it consumed, before anything it sends goes out.
 */
export class EntitySession {
  constructor(
    private readonly store: InstanceStore,
    private readonly clock: Clock,
    private readonly registry: Registry,
    private readonly invoker: Invoker,
    private readonly dedup: Deduplicator,
    private readonly logger: Logger,
  ) {}

  async process(instanceId: string, items: ControlItem[]): Promise<StepResult> {
    const consumed = new Set<string>();
    const out = emptyOutbound();
    const batch = items.slice(0, MAX_BATCH);
    const more = items.length > batch.length;
    const nowIso = this.clock.nowIso();
    const now = Date.parse(nowIso);
    let state = await this.store.load(instanceId);
    if (!state) {
      state = this.fresh(instanceId, nowIso);
      // The instance row first: an instance is found by its row, so a crash between a new entity's
      // first commit (history and sentinel) and its row would leave a sentinel no load sees, and
      // every later batch would fail creating it again ("The specified entity already exists").
      await this.store.putInstanceRow(state);
    }
    const bk = (state.engine.entity ??= newBookkeeping());
    const sched = parseSchedulerState(state.input);
    const received: HistoryEvent[] = [];
    const runnable: RequestMessage[] = [];

    const handle = (r: RequestMessage) => {
      if (r.lockset) this.grantLock(state.instanceId, r, sched, bk, out);
      else runnable.push(r);
    };
    const drain = () => {
      while (sched.queue?.length && (!sched.lockedBy || sched.queue[0].parent === sched.lockedBy)) {
        handle(sched.queue.shift()!);
        // A granted lock stops the queue: what follows waits unless it comes from the new holder.
      }
    };

    for (const item of batch) {
      consumed.add(item.id);
      const m = item.entity;
      if (item.kind !== 'entity' || !m) continue; // nothing else is addressed to an entity
      if (!this.dedup.accept(bk, m, messageId(m), now)) continue;
      received.push(receivedEvent(m, nowIso));
      if (m.type === 'release') {
        if (sched.lockedBy && sched.lockedBy === m.release.parent) {
          delete sched.lockedBy;
          drain();
        }
        continue;
      }
      const r = m.request;
      if (sched.lockedBy && r.parent === sched.lockedBy && !r.lockset) runnable.push(r);
      else if (sched.lockedBy || sched.queue?.length) (sched.queue ??= []).push(r);
      else handle(r);
    }
    if (received.length === 0) return { consumed, outbound: out, more };

    if (runnable.length) await this.run(state.instanceId, runnable, sched, bk, out);
    this.dedup.prune(bk, now);
    bk.unsent = out.control;
    state.input = schedulerStateText(sched);
    state.status = 'Running';
    state.lastUpdatedTime = nowIso;
    // Each batch starts the history afresh, as the extension's entity scheduler does by continuing as
    // new after every batch; the rows show what this batch received.
    state.history = [
      { EventType: EventType.OrchestratorStarted, EventId: -1, IsPlayed: false, Timestamp: nowIso },
      {
        EventType: EventType.ExecutionStarted,
        EventId: -1,
        IsPlayed: false,
        Timestamp: nowIso,
        Name: state.name,
        Input: null,
        Version: '',
      },
      ...received,
      { EventType: EventType.OrchestratorCompleted, EventId: -1, IsPlayed: false, Timestamp: nowIso },
    ];
    await this.store.commit(state, { resetHistory: true });
    return { consumed, outbound: out, more };
  }

  /** What a restarted host re-sends for an entity: its last batch's messages. */
  resend(state: InstanceState): Outbound {
    const out = emptyOutbound();
    out.control.push(...(state.engine.entity?.unsent ?? []));
    return out;
  }

  private fresh(instanceId: string, now: string): InstanceState {
    const engine = newEngineState();
    engine.entity = newBookkeeping();
    return {
      instanceId,
      executionId: newExecutionId(),
      name: parseSchedulerId(instanceId).name,
      version: '',
      input: null,
      status: 'Running',
      output: null,
      customStatus: null,
      createdTime: now,
      lastUpdatedTime: now,
      history: [],
      engine,
      committedCount: 0,
    };
  }

  /** Locks this entity for the requester, then passes the request on to the next entity, or answers. */
  private grantLock(self: string, r: RequestMessage, sched: SchedulerState, bk: EntityBookkeeping, out: Outbound) {
    sched.lockedBy = r.parent;
    const pos = (r.pos ?? 0) + 1;
    const lockset = r.lockset ?? [];
    if (pos < lockset.length) {
      out.control.push(this.sendToEntity(self, schedulerId(lockset[pos]), { ...r, pos }, bk));
    } else if (r.parent) {
      // The extension answers a granted lock with this text (TaskEntityShim / SendLockResponseMessage).
      out.control.push(respond(`lock|${r.id}`, r, { result: 'Lock Acquisition Completed' }, this.clock.nowIso()));
    }
  }

  private sendToEntity(self: string, target: string, request: RequestMessage, bk: EntityBookkeeping): ControlItem {
    const seq = bk.sent[target] ?? 0;
    bk.sent[target] = seq + 1;
    return {
      id: `send|${self}|${target}|${seq}`,
      instanceId: target,
      kind: 'entity',
      entity: { type: 'request', request, source: { key: self, seq }, at: this.clock.nowIso() },
    };
  }

  /** Runs the operations in one invocation and turns the results into responses and signals. */
  private async run(
    self: string,
    ops: RequestMessage[],
    sched: SchedulerState,
    bk: EntityBookkeeping,
    out: Outbound,
  ): Promise<void> {
    const { name, key } = parseSchedulerId(self);
    const result = await this.invoke(self, name, key, ops, sched);
    const now = this.clock.nowIso();
    if (!('error' in result)) {
      sched.exists = result.entityExists;
      sched.state = result.entityExists ? result.entityState : undefined;
      for (const s of result.signals) {
        const request: RequestMessage = {
          op: s.name,
          signal: true,
          ...(s.input ? { input: s.input } : {}),
          id: newId(),
          parent: self,
        };
        out.control.push(this.sendToEntity(self, schedulerId(s.target), request, bk));
      }
    }
    ops.forEach((r, i) => {
      const res = 'error' in result ? { isError: true, result: JSON.stringify(result.error) } : result.results[i];
      if (res.isError)
        this.logger.log('warning', `operation '${r.op}' failed: ${res.result ?? ''}`, {
          functionName: name,
          invocationId: r.id,
        });
      if (r.signal || !r.parent) return;
      // As ExecuteOutOfProcBatch: the result text as it is, exceptionType "Error" for a failure.
      const response: ResponseMessage = {
        ...(res.result === undefined || res.result === null ? {} : { result: res.result }),
        ...(res.isError ? { exceptionType: 'Error' } : {}),
      };
      out.control.push(respond(`resp|${r.id}`, r, response, now));
    });
  }

  /** The entity function's answer for the batch, or why there is none (then every operation failed). */
  private async invoke(
    self: string,
    name: string,
    key: string,
    ops: RequestMessage[],
    sched: SchedulerState,
  ): Promise<EntityBatchResult | { error: string }> {
    const fn = this.registry.get(name);
    if (!fn || fn.trigger.type.toLowerCase() !== 'entitytrigger')
      return { error: `The function '${name}' doesn't exist, is disabled, or is not an entity function.` };
    const binding = {
      self: { name, key },
      exists: sched.exists ?? false,
      state: sched.state ?? null,
      batch: ops.map((r) => ({ name: r.op ?? '', input: r.input ?? null, isSignal: r.signal ?? false })),
    };
    const outcome = await this.invoker.invoke(fn, {
      inputData: [{ name: fn.triggerName, data: { string: JSON.stringify(binding) } }],
    });
    if (outcome.error) return { error: `Entity function '${name}' (${self}) failed: ${outcome.error.message}` };
    let value = fromTypedData(resultData(outcome.response));
    try {
      if (typeof value === 'string') value = JSON.parse(value);
    } catch {
      // reported below as a malformed result
    }
    const r = value as Partial<EntityBatchResult> | undefined;
    if (!r || typeof r !== 'object' || !Array.isArray(r.results) || r.results.length !== ops.length)
      return { error: `Entity function '${name}' did not return a result for each of its ${ops.length} operation(s).` };
    return {
      entityExists: Boolean(r.entityExists),
      entityState: typeof r.entityState === 'string' ? r.entityState : undefined,
      results: r.results,
      signals: Array.isArray(r.signals) ? r.signals.filter(validSignal) : [],
    };
  }
}

function validSignal(s: unknown): s is EntityBatchResult['signals'][number] {
  const v = s as EntityBatchResult['signals'][number];
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.name === 'string' &&
    typeof v.target?.name === 'string' &&
    typeof v.target?.key === 'string'
  );
}

function receivedEvent(m: EntityMessage, now: string): HistoryEvent {
  return {
    EventType: EventType.EventRaised,
    EventId: -1,
    IsPlayed: false,
    Timestamp: now,
    Name: m.type === 'release' ? 'release' : 'op',
    Input: JSON.stringify(m.type === 'release' ? m.release : m.request),
  };
}

/** An answer to an orchestration: an EventRaised named by the request id (EntityMessageEventNames.cs). */
function respond(id: string, r: RequestMessage, response: ResponseMessage, now: string): ControlItem {
  return {
    id,
    instanceId: r.parent!,
    executionId: r.parentExecution,
    kind: 'event',
    event: {
      EventType: EventType.EventRaised,
      EventId: -1,
      IsPlayed: false,
      Timestamp: now,
      Name: r.id,
      Input: JSON.stringify(response),
    },
  };
}
