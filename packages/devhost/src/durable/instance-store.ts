import { newId } from '../core/ids';
import { odata, TableEntity, TransactionAction } from '@azure/data-tables';
import type { EntityBookkeeping, HeldLock } from './entities/entity-state';
import type { HttpPoll } from './http-polling';
import { EventType, HistoryEvent, RuntimeStatus } from './history';
import { TaskHubStorage } from './task-hub';

export interface RetryState {
  kind: 'activity' | 'subOrchestration';
  name: string;
  /**
   * The EventId of the first attempt's TaskScheduled / SubOrchestrationInstanceCreated event, whose
   * Input every later attempt reuses. The input itself is not kept here: it can be any size, and this
   * state is one table property (see TableInstanceStore.commit); the history row already stores it (in a
   * blob when large).
   */
  inputEventId?: number;
  /** The input itself, as states written by earlier devhost versions carry it. */
  input?: string | null;
  instanceId?: string;
  options: {
    firstRetryIntervalInMilliseconds: number;
    maxNumberOfAttempts: number;
    backoffCoefficient?: number;
    maxRetryIntervalInMilliseconds?: number;
    retryTimeoutInMilliseconds?: number;
  };
  attempt: number;
  /** Set while the retry waits for its backoff timer. */
  waitingOnTimer: boolean;
}

/** Engine bookkeeping that the history alone does not say, committed atomically with it. */
export interface EngineState {
  nextSequence: number;
  knownActions: number;
  /** Keyed by the id the retry currently waits on (an attempt or its backoff timer). */
  retries: Record<string, RetryState>;
  /** Index in the orchestrator's action list → timer id, for timers that may still be cancelled. */
  timerActions: Record<string, number>;
  canceledTimers: number[];
  parent?: { instanceId: string; executionId: string; taskScheduledId: number };
  /** The orchestrator returned, but a timer or activity it started is still open. */
  pendingOutput?: string | null;
  /** An orchestration's critical section (`context.df.lock`), released on ReleaseEntities or when it ends. */
  lock?: HeldLock;
  /** Durable HTTP calls waiting to poll a 202's Location, by the id of the timer they wait on. */
  httpPolls?: Record<string, HttpPoll>;
  /** An entity's scheduler bookkeeping (entity instances only). */
  entity?: EntityBookkeeping;
}

export interface InstanceState {
  instanceId: string;
  executionId: string;
  name: string;
  version: string;
  input: string | null;
  status: RuntimeStatus;
  output: string | null;
  customStatus: string | null;
  createdTime: string;
  lastUpdatedTime: string;
  completedTime?: string;
  history: HistoryEvent[];
  engine: EngineState;
  /** Events already committed; history beyond this index is new in the current step. */
  committedCount: number;
  sentinelEtag?: string;
  /** The blob holding the committed sentinel's EngineState when it was too large for the row. */
  sentinelBlob?: string;
  /** What the instance row last written says, and when, so unchanged rows are not rewritten each step. */
  rowWritten?: { key: string; at: number };
  /** The row as of the last commit: what status reads see while a step is under way. */
  committedRow?: InstanceRow;
}

export interface InstanceRow {
  instanceId: string;
  executionId: string;
  name: string;
  version: string;
  input: string | null;
  output: string | null;
  customStatus: string | null;
  status: RuntimeStatus;
  createdTime: string;
  lastUpdatedTime: string;
  completedTime?: string;
}

export function newEngineState(): EngineState {
  return { nextSequence: 0, knownActions: 0, retries: {}, timerActions: {}, canceledTimers: [] };
}

// A table string property holds at most 32K UTF-16 characters (64 KiB); larger values go to a blob
// in `<hub>-largemessages` and the row keeps its name in `<Column>BlobName`, as the Azure Storage
// provider does. This applies to every string property of every row written, the sentinel's engine
// state included: any column can carry a user's value (an input, an output, a retry's state).
const MAX_INLINE = 30_000;
const BLOB_NAME_SUFFIX = 'BlobName';
// An entity group transaction carries at most 100 entities and 4 MiB; the budget leaves room for the
// sentinel and the request's own overhead.
const MAX_BATCH_ACTIONS = 99;
const MAX_BATCH_BYTES = 2 * 1024 * 1024;

const seqKey = (n: number) => n.toString(16).toUpperCase().padStart(16, '0');

/**
 * Where instances and their histories live. The engine keeps them in Azure Tables; a test of
 * orchestrations keeps them in memory (memory-instance-store.ts) and drives the same session.
 */
export interface InstanceStore {
  /** The instance as last committed (a Pending row counts, with no history yet), or undefined. */
  load(instanceId: string): Promise<InstanceState | undefined>;
  /**
   * Makes `state` the committed one: its new history (all of it with `resetHistory`), engine state
   * and row. Afterwards every event of `state.history` is played and `committedCount` covers it.
   */
  commit(state: InstanceState, opts?: { resetHistory?: boolean }): Promise<void>;
  /** Drops what this process believes of the instance, so the next load reads the store. */
  forget(instanceId: string): void;
  /** The instance as this process last committed it, if it knows. */
  cachedRow(instanceId: string): InstanceRow | undefined;
  putInstanceRow(row: InstanceRow): Promise<void>;
  getInstanceRow(instanceId: string): Promise<InstanceRow | undefined>;
  /** Deletes the instance, its history and payloads. */
  purge(instanceId: string): Promise<void>;
}

/**
 * Instances and histories in the Azure Storage provider's tables: `<hub>Instances` (PartitionKey =
 * instance id, RowKey = '') and `<hub>History` (PartitionKey = instance id, RowKey = sequence number,
 * plus a `sentinel` row whose ETag guards each commit).
 */
export class TableInstanceStore implements InstanceStore {
  private readonly cache = new Map<string, InstanceState>();

  constructor(
    private readonly hub: TaskHubStorage,
    private readonly cacheSize = 2000,
  ) {}

  forget(instanceId: string): void {
    this.cache.delete(instanceId);
  }

  async load(instanceId: string): Promise<InstanceState | undefined> {
    const cached = this.cache.get(instanceId);
    if (cached) {
      this.cache.delete(instanceId);
      this.cache.set(instanceId, cached);
      return cached;
    }
    const row = await this.getInstanceRow(instanceId);
    if (!row) return undefined;
    const rows: TableEntity<Record<string, unknown>>[] = [];
    for await (const r of this.hub.history.listEntities({
      queryOptions: { filter: odata`PartitionKey eq ${instanceId}` },
    })) {
      rows.push(r as TableEntity<Record<string, unknown>>);
    }
    const sentinel = rows.find((r) => r.rowKey === 'sentinel');
    let history: HistoryEvent[] = [];
    let engine = newEngineState();
    let executionId = row.executionId;
    if (sentinel) {
      executionId = String(sentinel.ExecutionId);
      const count = Number(sentinel.EventCount);
      await this.unpackLarge(sentinel);
      engine = JSON.parse(String(sentinel.EngineState)) as EngineState;
      const events = rows
        .filter((r) => r.rowKey !== 'sentinel' && r.ExecutionId === executionId)
        .map((r) => ({ seq: parseInt(r.rowKey, 16), r }))
        .filter((x) => x.seq < count)
        .sort((a, b) => a.seq - b.seq);
      history = await Promise.all(events.map((x) => this.rowToEvent(x.r)));
    }
    const state: InstanceState = {
      ...row,
      ...statusFromHistory(history, row),
      executionId,
      history,
      engine,
      committedCount: history.length,
      sentinelEtag: sentinel?.etag as string | undefined,
      sentinelBlob: typeof sentinel?.EngineStateBlobName === 'string' ? sentinel.EngineStateBlobName : undefined,
    };
    state.committedRow = rowOf(state);
    this.remember(state);
    return state;
  }

  private remember(state: InstanceState): void {
    this.cache.set(state.instanceId, state);
    if (this.cache.size > this.cacheSize) {
      const oldest = this.cache.keys().next().value as string;
      this.cache.delete(oldest);
    }
  }

  /**
   * Commits new history rows and the sentinel (atomically per transaction, sentinel last), then the
   * instance row. Rows beyond the sentinel's EventCount are ignored on load, so a commit that fails
   * half-way leaves the previous state intact.
   */
  async commit(state: InstanceState, opts: { resetHistory?: boolean } = {}): Promise<void> {
    const from = opts.resetHistory ? 0 : state.committedCount;
    const actions: TransactionAction[] = [];
    for (let i = from; i < state.history.length; i++) {
      actions.push([
        'upsert',
        await this.eventToRow(state.instanceId, state.executionId, i, state.history[i]),
        'Replace',
      ]);
    }
    const sentinel: Record<string, unknown> = {
      partitionKey: state.instanceId,
      rowKey: 'sentinel',
      ExecutionId: state.executionId,
      EventCount: state.history.length,
      EngineState: JSON.stringify(state.engine),
    };
    // A fresh blob name each time: the committed sentinel keeps pointing at its own blob until the
    // transaction below replaces it, so a commit that fails (a conflict) cannot corrupt it.
    await this.packLarge(sentinel, `${state.instanceId}/sentinel-${newId()}`);
    try {
      const chunks = batches(actions);
      for (let c = 0; c < chunks.length - 1; c++) await this.hub.history.submitTransaction(chunks[c]);
      const last = chunks[chunks.length - 1];
      last.push(
        state.sentinelEtag
          ? ['update', sentinel as TableEntity, 'Replace', { etag: state.sentinelEtag }]
          : ['create', sentinel as TableEntity],
      );
      const res = await this.hub.history.submitTransaction(last);
      state.sentinelEtag =
        res.subResponses[res.subResponses.length - 1]?.etag ??
        (await this.hub.history.getEntity(state.instanceId, 'sentinel')).etag;
    } catch (e) {
      // Someone else wrote this instance (another host, or a purge): drop what we believed.
      this.forget(state.instanceId);
      throw e;
    }
    const previousBlob = state.sentinelBlob;
    state.sentinelBlob = typeof sentinel.EngineStateBlobName === 'string' ? sentinel.EngineStateBlobName : undefined;
    // The replaced sentinel's blob is no longer referenced by anything.
    if (previousBlob && previousBlob !== state.sentinelBlob)
      await this.hub.largeMessages.deleteBlob(previousBlob).catch(() => undefined);
    state.committedCount = state.history.length;
    for (const ev of state.history) ev.IsPlayed = true;
    // The row only mirrors the history for queries; when nothing but its LastUpdatedTime would change
    // it is refreshed at most once a second (status reads prefer the cached state anyway).
    state.committedRow = rowOf(state);
    const key = JSON.stringify([state.executionId, state.status, state.output, state.customStatus, state.input]);
    const now = Date.now();
    if (!state.rowWritten || state.rowWritten.key !== key || now - state.rowWritten.at > 1000) {
      await this.putInstanceRow(state);
      state.rowWritten = { key, at: now };
    }
    this.remember(state);
  }

  /** The instance as this process last committed it, if it is in the cache. */
  cachedRow(instanceId: string): InstanceRow | undefined {
    return this.cache.get(instanceId)?.committedRow;
  }

  async putInstanceRow(row: InstanceRow): Promise<void> {
    const entity: Record<string, unknown> = {
      partitionKey: row.instanceId,
      rowKey: '',
      ExecutionId: row.executionId,
      Name: row.name,
      Version: row.version,
      Input: row.input ?? undefined,
      Output: row.output ?? undefined,
      CustomStatus: row.customStatus ?? undefined,
      RuntimeStatus: row.status,
      CreatedTime: new Date(row.createdTime),
      LastUpdatedTime: new Date(row.lastUpdatedTime),
      CompletedTime: row.completedTime ? new Date(row.completedTime) : undefined,
      TaskHubName: this.hub.hubName,
    };
    await this.packLarge(entity, `${row.instanceId}/instance`);
    await this.hub.instances.upsertEntity(entity as TableEntity, 'Replace');
  }

  async getInstanceRow(instanceId: string): Promise<InstanceRow | undefined> {
    try {
      const e = await this.hub.instances.getEntity<Record<string, unknown>>(instanceId, '');
      return this.entityToRow(e);
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return undefined;
      throw err;
    }
  }

  async entityToRow(e: Record<string, unknown>): Promise<InstanceRow> {
    await this.unpackLarge(e);
    const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v ? new Date(text(v)).toISOString() : undefined);
    return {
      instanceId: String(e.partitionKey),
      executionId: text(e.ExecutionId),
      name: text(e.Name),
      version: text(e.Version),
      input: (e.Input as string | undefined) ?? null,
      output: (e.Output as string | undefined) ?? null,
      customStatus: (e.CustomStatus as string | undefined) ?? null,
      status: e.RuntimeStatus as RuntimeStatus,
      createdTime: iso(e.CreatedTime)!,
      lastUpdatedTime: iso(e.LastUpdatedTime)!,
      completedTime: iso(e.CompletedTime),
    };
  }

  /** Deletes an instance's rows and payload blobs. */
  async purge(instanceId: string): Promise<void> {
    this.forget(instanceId);
    const keys: string[] = [];
    for await (const r of this.hub.history.listEntities({
      queryOptions: { filter: odata`PartitionKey eq ${instanceId}`, select: ['RowKey'] },
    })) {
      keys.push(r.rowKey!);
    }
    for (let i = 0; i < keys.length; i += 100) {
      await this.hub.history.submitTransaction(
        keys.slice(i, i + 100).map((k) => ['delete', { partitionKey: instanceId, rowKey: k }] as TransactionAction),
      );
    }
    await this.hub.instances.deleteEntity(instanceId, '').catch(() => undefined);
    for await (const b of this.hub.largeMessages.listBlobsFlat({ prefix: `payloads/${instanceId}/` })) {
      await this.hub.largeMessages.deleteBlob(b.name).catch(() => undefined);
    }
  }

  private async eventToRow(
    instanceId: string,
    executionId: string,
    seq: number,
    ev: HistoryEvent,
  ): Promise<TableEntity> {
    const row: Record<string, unknown> = {
      partitionKey: instanceId,
      rowKey: seqKey(seq),
      ExecutionId: executionId,
      EventType: EventType[ev.EventType],
      EventId: ev.EventId,
      IsPlayed: ev.IsPlayed,
      _Timestamp: new Date(ev.Timestamp),
    };
    for (const k of [
      'Name',
      'Input',
      'Result',
      'Reason',
      'Details',
      'TaskScheduledId',
      'TimerId',
      'Version',
      'InstanceId',
      'OrchestrationStatus',
      'RaiseId',
    ] as const) {
      if (ev[k] !== undefined && ev[k] !== null) row[k] = ev[k];
    }
    if (ev.FireAt) row.FireAt = new Date(ev.FireAt);
    await this.packLarge(row, `${instanceId}/${seqKey(seq)}`);
    return row as TableEntity;
  }

  private async rowToEvent(r: Record<string, unknown>): Promise<HistoryEvent> {
    await this.unpackLarge(r);
    const ev: HistoryEvent = {
      EventType: EventType[r.EventType as keyof typeof EventType],
      EventId: Number(r.EventId),
      IsPlayed: true,
      Timestamp: toIso(r._Timestamp),
    };
    for (const k of [
      'Name',
      'Input',
      'Result',
      'Reason',
      'Details',
      'Version',
      'InstanceId',
      'OrchestrationStatus',
      'RaiseId',
    ] as const) {
      if (r[k] !== undefined) (ev as unknown as Record<string, unknown>)[k] = r[k];
    }
    if (r.TaskScheduledId !== undefined) ev.TaskScheduledId = Number(r.TaskScheduledId);
    if (r.TimerId !== undefined) ev.TimerId = Number(r.TimerId);
    if (r.FireAt !== undefined) ev.FireAt = toIso(r.FireAt);
    return ev;
  }

  /** Moves every string property too large for a table row to a blob, leaving `<Column>BlobName`. */
  private async packLarge(entity: Record<string, unknown>, key: string): Promise<void> {
    for (const [col, v] of Object.entries(entity)) {
      if (col === 'partitionKey' || col === 'rowKey' || col.endsWith(BLOB_NAME_SUFFIX)) continue;
      if (typeof v === 'string' && v.length > MAX_INLINE) {
        const name = `payloads/${key}.${col}.json`;
        await this.hub.largeMessages.getBlockBlobClient(name).upload(v, Buffer.byteLength(v));
        delete entity[col];
        entity[`${col}${BLOB_NAME_SUFFIX}`] = name;
      }
    }
  }

  /** Reads back every `<Column>BlobName` into `<Column>`. */
  private async unpackLarge(entity: Record<string, unknown>): Promise<void> {
    for (const [prop, name] of Object.entries(entity)) {
      if (!prop.endsWith(BLOB_NAME_SUFFIX) || prop === BLOB_NAME_SUFFIX || typeof name !== 'string') continue;
      const col = prop.slice(0, -BLOB_NAME_SUFFIX.length);
      entity[col] = (await this.hub.largeMessages.getBlockBlobClient(name).downloadToBuffer()).toString('utf8');
    }
  }
}

/** Splits row writes into transactions within the service's limits, always leaving at least one (for the sentinel). */
function batches(actions: TransactionAction[]): TransactionAction[][] {
  const chunks: TransactionAction[][] = [[]];
  let bytes = 0;
  for (const action of actions) {
    const size = estimatedBytes(action[1]);
    const current = chunks[chunks.length - 1];
    if (current.length >= MAX_BATCH_ACTIONS || (current.length > 0 && bytes + size > MAX_BATCH_BYTES)) {
      chunks.push([action]);
      bytes = size;
    } else {
      current.push(action);
      bytes += size;
    }
  }
  return chunks;
}

/** A generous estimate of an entity's size on the wire: strings as UTF-16, everything else small. */
function estimatedBytes(entity: Record<string, unknown>): number {
  let n = 256;
  for (const [k, v] of Object.entries(entity)) n += k.length * 2 + (typeof v === 'string' ? v.length * 2 : 64);
  return n;
}

function toIso(v: unknown): string {
  return v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString();
}

/**
 * The history is committed before the instance row, so after a crash the history is the truth:
 * a finished or suspended execution says so in its last events.
 */
function statusFromHistory(history: HistoryEvent[], row: InstanceRow): Partial<InstanceRow> {
  for (let i = history.length - 1; i >= 0; i--) {
    const e = history[i];
    if (e.EventType === EventType.ExecutionCompleted) {
      return {
        status: (e.OrchestrationStatus as RuntimeStatus) ?? 'Completed',
        output: e.Result ?? null,
        completedTime: row.completedTime ?? e.Timestamp,
      };
    }
    if (e.EventType === EventType.ExecutionTerminated)
      return { status: 'Terminated', output: e.Input ?? null, completedTime: row.completedTime ?? e.Timestamp };
    if (e.EventType === EventType.ExecutionSuspended) return { status: 'Suspended' };
    if (e.EventType === EventType.ExecutionResumed) return { status: 'Running' };
  }
  return history.length > 0 && row.status === 'Pending' ? { status: 'Running' } : {};
}

/** The instance row a state mirrors. */
export function rowOf(s: InstanceState): InstanceRow {
  return {
    instanceId: s.instanceId,
    executionId: s.executionId,
    name: s.name,
    version: s.version,
    input: s.input,
    output: s.output,
    customStatus: s.customStatus,
    status: s.status,
    createdTime: s.createdTime,
    lastUpdatedTime: s.lastUpdatedTime,
    completedTime: s.completedTime,
  };
}

/** A table column as text (strings as they are, numbers printed, anything else empty). */
function text(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}
