import { INSTANCE_ID_RULE, newExecutionId, newId, newInstanceId } from '../core/ids';
import { odata } from '@azure/data-tables';
import { describeError } from '../core/fault-isolation';
import { Invoker } from '../core/invoker';
import { Logger } from '../core/logger';
import { Registry } from '../core/registry';
import { ActivityWorker } from './activity-worker';
import { Clock } from './clock';
import { EntityId, entityIdProblem, isEntityInstance, schedulerId } from './entities/entity-id';
import { entityResends } from './entities/orchestration-actions';
import { EntitySession } from './entities/entity-session';
import { Deduplicator, parseSchedulerState } from './entities/entity-state';
import { EventType, HistoryEvent, isTerminal, RuntimeStatus } from './history';
import { InstanceRow, InstanceState, TableInstanceStore } from './instance-store';
import { ControlItem, emptyOutbound, Outbound, WorkItem } from './messages';
import { openTasks } from './open-tasks';
import { orchestratorRunner } from './orchestrator-runner';
import { OrchestrationSession, parentNotice } from './orchestration-session';
import { Delivered, QueueChannel } from './queue-channel';
import { SendBatcher } from './send-batcher';
import { TaskHubStorage } from './task-hub';
import { TimerService } from './timer-service';

export interface EngineOptions {
  registry: Registry;
  invoker: Invoker;
  logger: Logger;
  clock: Clock;
  connectionString: string;
  hubName: string;
  /** How long a dispatched message stays hidden before another host may take it over. */
  leaseSeconds: number;
  maxConcurrentActivities: number;
  maxConcurrentOrchestrations: number;
}

/** Why a management request cannot be carried out; mapped to HTTP status codes by the API. */
export class EngineError extends Error {
  constructor(
    readonly status: 400 | 404 | 409 | 410,
    message: string,
  ) {
    super(message);
  }
}

export interface QueryFilter {
  createdTimeFrom?: Date;
  createdTimeTo?: Date;
  runtimeStatus?: RuntimeStatus[];
  instanceIdPrefix?: string;
}

interface Mailbox {
  items: Delivered<ControlItem>[];
  running: boolean;
  queued: boolean;
  failures: number;
}

/**
 * The Durable extension's role: dispatches orchestration steps and activities through Azure
 * queues, keeps instances and history in Azure tables, fires durable timers, and answers the
 * management operations the durable client calls.
 */
export class DurableEngine {
  readonly hub: TaskHubStorage;
  readonly store: TableInstanceStore;
  private readonly session: OrchestrationSession;
  private readonly entities: EntitySession;
  private readonly control: QueueChannel<ControlItem>;
  private readonly work: QueueChannel<WorkItem>;
  private readonly timers: TimerService;
  private readonly activities: ActivityWorker;
  /** Raised events, coalesced into few queue messages. */
  private readonly results: SendBatcher<ControlItem>;
  private readonly mailboxes = new Map<string, Mailbox>();
  private readonly ready: string[] = [];
  private running = 0;
  private stopped = false;

  constructor(private readonly o: EngineOptions) {
    this.hub = new TaskHubStorage(o.hubName, o.connectionString);
    this.store = new TableInstanceStore(this.hub);
    this.session = new OrchestrationSession(this.store, o.clock, orchestratorRunner(o.registry, o.invoker));
    // A copy of a client's signal can only be a queue redelivery, which comes within a lease.
    const idWindowMs = (2 * o.leaseSeconds + 10) * 1000;
    this.entities = new EntitySession(
      this.store,
      o.clock,
      o.registry,
      o.invoker,
      new Deduplicator(o.clock.now(), idWindowMs),
      o.logger,
    );
    this.control = new QueueChannel<ControlItem>({
      name: 'control',
      queue: this.hub.control,
      blobs: this.hub.largeMessages,
      leaseSeconds: o.leaseSeconds,
      logger: o.logger,
      deliver: (items) => this.deliverControl(items),
    });
    this.work = new QueueChannel<WorkItem>({
      name: 'workitems',
      queue: this.hub.workItems,
      blobs: this.hub.largeMessages,
      leaseSeconds: o.leaseSeconds,
      logger: o.logger,
      deliver: (items) => this.activities.accept(items),
    });
    this.results = new SendBatcher((items) => this.control.send(items));
    // An activity's result goes straight to its orchestration's mailbox, carrying the work item's
    // acknowledgement: the work item stays on its queue until the step that consumes the result has
    // committed it to history, so the result needs no control-queue message of its own (one storage
    // round trip less per activity). A crash in between re-runs the activity, as with the extension.
    this.activities = new ActivityWorker(
      o.registry,
      o.invoker,
      o.clock,
      (result) => this.deliverControl([result]),
      o.maxConcurrentActivities,
      o.logger,
    );
    this.timers = new TimerService(this.hub, o.clock, (items) => this.control.send(items), o.logger);
  }

  async start(): Promise<void> {
    await this.hub.ensure();
    await this.timers.start();
    await this.recover();
    this.control.start();
    this.work.start();
  }

  stop(): void {
    this.stopped = true;
    this.control.stop();
    this.work.stop();
    this.timers.stop();
  }

  /** Counts for the devhost's status endpoint and the benchmarks. */
  stats() {
    return {
      mailboxes: this.mailboxes.size,
      runningSteps: this.running,
      activities: this.activities.busy,
      timers: this.timers.count,
      controlInFlight: this.control.inFlight,
      workInFlight: this.work.inFlight,
    };
  }

  // ---- orchestration dispatch -------------------------------------------------------------

  private deliverControl(items: Delivered<ControlItem>[]): void {
    for (const d of items) {
      let mb = this.mailboxes.get(d.item.instanceId);
      if (!mb) {
        mb = { items: [], running: false, queued: false, failures: 0 };
        this.mailboxes.set(d.item.instanceId, mb);
      }
      mb.items.push(d);
      this.markReady(d.item.instanceId);
    }
  }

  private markReady(instanceId: string): void {
    const mb = this.mailboxes.get(instanceId);
    if (!mb || mb.running || mb.queued || this.stopped) return;
    mb.queued = true;
    this.ready.push(instanceId);
    this.pump();
  }

  private pump(): void {
    while (this.running < this.o.maxConcurrentOrchestrations && this.ready.length > 0) {
      const id = this.ready.shift()!;
      const mb = this.mailboxes.get(id)!;
      mb.queued = false;
      mb.running = true;
      this.running++;
      // step() answers every failure itself; the catch is for the bookkeeping after it, so that an
      // unexpected error is logged rather than left as an unhandled rejection (which ends the process).
      void this.step(id, mb)
        .then((progress) => {
          this.running--;
          mb.running = false;
          if (mb.items.length === 0) this.mailboxes.delete(id);
          else if (progress) this.markReady(id);
          this.pump();
        })
        .catch((e: unknown) => this.o.logger.error(`durable: dispatching instance ${id} failed: ${describeError(e)}`));
    }
  }

  /** One step for one instance; true when it consumed something (so the rest may go next). */
  private async step(instanceId: string, mb: Mailbox): Promise<boolean> {
    const batch = mb.items.slice(0, 500);
    try {
      const items = batch.map((d) => d.item);
      const res = isEntityInstance(instanceId)
        ? await this.entities.process(instanceId, items)
        : await this.session.process(instanceId, items);
      await this.dispatch(res.outbound);
      mb.items = mb.items.filter((d) => {
        if (!res.consumed.has(d.item.id) || !batch.includes(d)) return true;
        d.ack();
        return false;
      });
      mb.failures = 0;
      return res.consumed.size > 0;
    } catch (e) {
      this.store.forget(instanceId);
      mb.failures++;
      const delay = Math.min(30_000, 100 * 2 ** mb.failures);
      this.o.logger.log(
        'warning',
        `step failed (attempt ${mb.failures}), retrying in ${delay} ms: ${describeError(e)}`,
        { functionName: 'DurableTask', invocationId: instanceId },
      );
      setTimeout(() => this.markReady(instanceId), delay).unref?.();
      return false;
    }
  }

  private async dispatch(out: Outbound): Promise<void> {
    await Promise.all([
      this.work.send(out.workItems),
      this.control.send(out.control),
      this.timers.schedule(out.timers),
      this.timers.cancel(out.cancelTimers),
    ]);
  }

  /**
   * After a crash: what a committed step meant to send may not have gone out. Re-send the work of
   * every unfinished instance; receivers drop what they already have.
   */
  private async recover(): Promise<void> {
    const filter = "RuntimeStatus eq 'Pending' or RuntimeStatus eq 'Running' or RuntimeStatus eq 'Suspended'";
    let count = 0;
    for await (const e of this.hub.instances.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
      const row = await this.store.entityToRow(e);
      const state = await this.store.load(row.instanceId);
      if (!state) continue;
      const out = isEntityInstance(row.instanceId) ? this.entities.resend(state) : this.resendFor(state, row);
      if (isTerminal(state.status)) await this.store.putInstanceRow(state);
      await this.dispatch(out);
      count++;
    }
    if (count) this.o.logger.info(`durable: resumed ${count} unfinished orchestration instance(s) from storage`);
  }

  private resendFor(state: InstanceState, row: InstanceRow): Outbound {
    const out = emptyOutbound();
    if (state.history.length === 0) {
      out.control.push({
        id: `start|${row.instanceId}|${row.executionId}`,
        instanceId: row.instanceId,
        executionId: row.executionId,
        kind: 'event',
        event: {
          EventType: EventType.ExecutionStarted,
          EventId: -1,
          IsPlayed: false,
          Timestamp: row.createdTime,
          Name: row.name,
          Input: row.input,
          Version: row.version,
        },
      });
      return out;
    }
    out.control.push(...entityResends(state));
    if (isTerminal(state.status)) {
      const notice = parentNotice(state);
      if (notice) out.control.push(notice);
      return out;
    }
    const canceled = new Set(state.engine.canceledTimers);
    for (const [id, t] of openTasks(state.history)) {
      const ev = t.scheduled;
      if (t.kind === 'activity') {
        out.workItems.push({
          id: `${state.instanceId}|${state.executionId}|${id}`,
          instanceId: state.instanceId,
          executionId: state.executionId,
          taskScheduledId: id,
          name: ev.Name!,
          input: ev.Input ?? null,
        });
      } else if (t.kind === 'timer' && !canceled.has(id)) {
        out.timers.push({
          instanceId: state.instanceId,
          executionId: state.executionId,
          timerId: id,
          fireAt: ev.FireAt!,
        });
      } else if (t.kind === 'subOrchestration') {
        out.control.push({
          id: `start|${ev.InstanceId}|${state.instanceId}|${state.executionId}|${id}`,
          instanceId: ev.InstanceId!,
          kind: 'event',
          event: {
            EventType: EventType.ExecutionStarted,
            EventId: -1,
            IsPlayed: false,
            Timestamp: ev.Timestamp,
            Name: ev.Name,
            Input: ev.Input ?? null,
            Version: '',
          },
          parent: { instanceId: state.instanceId, executionId: state.executionId, taskScheduledId: id },
        });
      }
    }
    return out;
  }

  // ---- entities -----------------------------------------------------------------------------

  /** A client's signal (`client.signalEntity`, POST entities/{name}/{key}): durable once this returns. */
  async signalEntity(id: EntityId, operation: string, inputText: string | null): Promise<void> {
    const problem = entityIdProblem(id);
    if (problem) throw new EngineError(400, problem);
    const fn = this.o.registry.get(id.name);
    // As the extension's client (ThrowIfFunctionDoesNotExist), which HttpApiHandler answers with 400.
    if (!fn || fn.trigger.type.toLowerCase() !== 'entitytrigger')
      throw new EngineError(400, `The function '${id.name}' doesn't exist, is disabled, or is not an entity function.`);
    const requestId = newId();
    await this.results.send({
      id: requestId,
      instanceId: schedulerId(id),
      kind: 'entity',
      entity: {
        type: 'request',
        request: { op: operation, signal: true, ...(inputText === null ? {} : { input: inputText }), id: requestId },
        at: this.o.clock.nowIso(),
      },
    });
  }

  /** The entity's state as JSON text, or undefined when it does not exist (never created, or deleted). */
  async readEntityState(id: EntityId): Promise<{ state: string | null; lastOperationTime: string } | undefined> {
    if (entityIdProblem(id)) return undefined;
    const row = await this.currentRow(schedulerId(id));
    if (!row) return undefined;
    const sched = parseSchedulerState(row.input);
    return sched.exists ? { state: sched.state ?? null, lastOperationTime: row.lastUpdatedTime } : undefined;
  }

  // ---- management operations ----------------------------------------------------------------

  async startNew(name: string, instanceId: string | undefined, inputText: string | null): Promise<string> {
    const fn = this.o.registry.get(name);
    if (!fn || fn.trigger.type.toLowerCase() !== 'orchestrationtrigger') {
      throw new EngineError(
        400,
        `The function '${name}' doesn't exist, is disabled, or is not an orchestrator function.`,
      );
    }
    const id = instanceId ?? newInstanceId();
    if (!INSTANCE_ID_RULE.test(id)) {
      throw new EngineError(
        400,
        'Instance ids are 1–256 characters and may not contain /, \\, #, ? or control characters.',
      );
    }
    if (isEntityInstance(id)) throw new EngineError(400, `Instance ids starting with '@' name entities: '${id}'.`);
    const existing = await this.currentRow(id);
    if (existing && !isTerminal(existing.status)) {
      throw new EngineError(409, `An orchestration instance with id '${id}' already exists and is ${existing.status}.`);
    }
    const now = this.o.clock.nowIso();
    const executionId = newExecutionId();
    this.store.forget(id);
    const row: InstanceRow = {
      instanceId: id,
      executionId,
      name: fn.metadata.name,
      version: '',
      input: inputText,
      output: null,
      customStatus: null,
      status: 'Pending',
      createdTime: now,
      lastUpdatedTime: now,
    };
    await this.store.putInstanceRow(row);
    await this.control.send([
      {
        id: `start|${id}|${executionId}`,
        instanceId: id,
        executionId,
        kind: 'event',
        event: {
          EventType: EventType.ExecutionStarted,
          EventId: -1,
          IsPlayed: false,
          Timestamp: now,
          Name: fn.metadata.name,
          Input: inputText,
          Version: '',
        },
      },
    ]);
    return id;
  }

  private async requireLive(instanceId: string, verb: string): Promise<InstanceRow> {
    const row = await this.currentRow(instanceId);
    if (!row) throw new EngineError(404, `No instance with id '${instanceId}' was found.`);
    if (isTerminal(row.status))
      throw new EngineError(410, `Instance '${instanceId}' is ${row.status}; it cannot ${verb}.`);
    return row;
  }

  async raiseEvent(instanceId: string, eventName: string, inputText: string | null): Promise<void> {
    await this.requireLive(instanceId, 'receive events');
    // Batched with other sends of the same moment: a burst of raises becomes a few queue messages.
    await this.results.send({
      id: newId(),
      instanceId,
      kind: 'event',
      event: {
        EventType: EventType.EventRaised,
        EventId: -1,
        IsPlayed: false,
        Timestamp: this.o.clock.nowIso(),
        Name: eventName,
        Input: inputText,
      },
    });
  }

  async command(
    instanceId: string,
    kind: 'terminate' | 'suspend' | 'resume',
    reason: string | undefined,
  ): Promise<void> {
    const row = await this.requireLive(instanceId, kind === 'terminate' ? 'be terminated' : `be ${kind}d`);
    if (kind === 'resume' && row.status !== 'Suspended')
      throw new EngineError(410, `Instance '${instanceId}' is ${row.status}, not Suspended.`);
    await this.control.send([{ id: newId(), instanceId, kind, reason }]);
  }

  /** The instance row, corrected by history when the last step's row update was lost. */
  async currentRow(instanceId: string): Promise<InstanceRow | undefined> {
    return this.store.cachedRow(instanceId) ?? this.store.getInstanceRow(instanceId);
  }

  async history(instanceId: string): Promise<HistoryEvent[]> {
    const state = await this.store.load(instanceId);
    // A step may be under way: report only what it has committed.
    return state ? state.history.slice(0, state.committedCount) : [];
  }

  async query(
    filter: QueryFilter,
    top: number,
    continuation?: string,
  ): Promise<{ rows: InstanceRow[]; continuation?: string }> {
    const parts: string[] = [];
    if (filter.createdTimeFrom) parts.push(odata`CreatedTime ge ${filter.createdTimeFrom}`);
    if (filter.createdTimeTo) parts.push(odata`CreatedTime le ${filter.createdTimeTo}`);
    if (filter.runtimeStatus?.length)
      parts.push(`(${filter.runtimeStatus.map((s) => odata`RuntimeStatus eq ${s}`).join(' or ')})`);
    if (filter.instanceIdPrefix) {
      const p = filter.instanceIdPrefix;
      const next = p.slice(0, -1) + String.fromCharCode(p.charCodeAt(p.length - 1) + 1);
      parts.push(odata`PartitionKey ge ${p} and PartitionKey lt ${next}`);
    }
    const pager = this.hub.instances
      .listEntities<Record<string, unknown>>({
        queryOptions: { filter: parts.length ? parts.join(' and ') : undefined },
      })
      .byPage({ maxPageSize: top, continuationToken: continuation });
    const page = await pager.next();
    if (page.done || !page.value) return { rows: [] };
    const rows = await Promise.all(page.value.map((e) => this.store.entityToRow(e)));
    return { rows, continuation: page.value.continuationToken };
  }

  async purge(instanceId: string): Promise<boolean> {
    const row = await this.store.getInstanceRow(instanceId);
    if (!row) return false;
    if (!isTerminal(row.status))
      throw new EngineError(409, `Instance '${instanceId}' is ${row.status}; only finished instances can be purged.`);
    await this.timers.cancelInstance(instanceId);
    await this.store.purge(instanceId);
    return true;
  }

  async purgeBy(filter: QueryFilter): Promise<number> {
    const statuses = (
      filter.runtimeStatus?.length
        ? filter.runtimeStatus
        : (['Completed', 'Failed', 'Terminated', 'Canceled'] as RuntimeStatus[])
    ).filter((s) => isTerminal(s));
    if (statuses.length === 0) return 0;
    let deleted = 0;
    let token: string | undefined;
    do {
      const page = await this.query({ ...filter, runtimeStatus: statuses }, 100, token);
      for (const r of page.rows) if (isTerminal(r.status) && (await this.purge(r.instanceId))) deleted++;
      token = page.continuation;
    } while (token);
    return deleted;
  }

  async restart(instanceId: string, newInstanceId: boolean): Promise<string> {
    const row = await this.store.getInstanceRow(instanceId);
    if (!row) throw new EngineError(404, `No instance with id '${instanceId}' was found.`);
    if (!newInstanceId && !isTerminal(row.status))
      throw new EngineError(
        409,
        `Instance '${instanceId}' is ${row.status}; restart it with a new instance id or wait for it to finish.`,
      );
    return this.startNew(row.name, newInstanceId ? undefined : instanceId, row.input);
  }
}
