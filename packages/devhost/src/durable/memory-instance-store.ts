import { InstanceRow, InstanceState, InstanceStore, newEngineState, rowOf } from './instance-store';

/**
 * Instances and histories in memory, for tests that replay orchestrations without storage. It keeps
 * what a commit made durable and nothing else: `load` hands out a copy of the committed state, so a
 * step that fails half-way (or is still under way) is never seen by the next load or by a status read,
 * as with the tables after a crash.
 */
export class MemoryInstanceStore implements InstanceStore {
  private readonly committed = new Map<string, InstanceState>();
  /** Rows written before any history (a started instance is Pending until its first step). */
  private readonly rows = new Map<string, InstanceRow>();

  async load(instanceId: string): Promise<InstanceState | undefined> {
    const state = this.committed.get(instanceId);
    if (state) return structuredClone(state);
    const row = this.rows.get(instanceId);
    if (!row) return undefined;
    const fresh: InstanceState = { ...row, history: [], engine: newEngineState(), committedCount: 0 };
    fresh.committedRow = rowOf(fresh);
    return fresh;
  }

  async commit(state: InstanceState, _opts: { resetHistory?: boolean } = {}): Promise<void> {
    // The whole state is replaced, so a reset history needs nothing more. As the tables do, the
    // caller's state becomes the committed one: played events, counted, with its row.
    for (const ev of state.history) ev.IsPlayed = true;
    state.committedCount = state.history.length;
    state.committedRow = rowOf(state);
    this.committed.set(state.instanceId, structuredClone(state));
    this.rows.set(state.instanceId, { ...state.committedRow });
  }

  forget(_instanceId: string): void {
    // Nothing is cached beyond what is committed.
  }

  cachedRow(instanceId: string): InstanceRow | undefined {
    const row = this.rows.get(instanceId);
    return row && { ...row };
  }

  async putInstanceRow(row: InstanceRow): Promise<void> {
    this.rows.set(row.instanceId, { ...row });
    // A new start replaces the instance: its old history is no longer the instance's, as when the
    // engine starts a finished instance again (the session then begins a fresh execution).
    const state = this.committed.get(row.instanceId);
    if (state && state.executionId !== row.executionId) this.committed.delete(row.instanceId);
  }

  async getInstanceRow(instanceId: string): Promise<InstanceRow | undefined> {
    return this.cachedRow(instanceId);
  }

  async purge(instanceId: string): Promise<void> {
    this.committed.delete(instanceId);
    this.rows.delete(instanceId);
  }

  /** Every instance's row, oldest first. */
  list(): InstanceRow[] {
    return [...this.rows.values()].map((r) => ({ ...r }));
  }
}
