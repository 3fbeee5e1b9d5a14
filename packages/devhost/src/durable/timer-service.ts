import { odata } from '@azure/data-tables';
import { Clock } from './clock';
import { EventType } from './history';
import { ControlItem, TimerItem } from './messages';
import { TaskHubStorage } from './task-hub';
import { describeError } from '../core/fault-isolation';
import { Logger } from '../core/logger';

const key = (t: { executionId: string; timerId: number }) => `${t.executionId}-${t.timerId}`;

/**
 * Durable timers: each pending timer is a row in `<hub>Timers` (so a restart finds it) and an entry
 * in memory. Due timers become TimerFired items on the control queue; the row goes only after that
 * send, so a crash in between fires the timer twice and the session drops the duplicate.
 * Due is measured on the devhost clock, so a test that advances it fires timers at once.
 */
export class TimerService {
  private readonly pending = new Map<string, TimerItem>();
  private handle: NodeJS.Timeout | undefined;
  private stopped = false;
  private firing = false;

  constructor(
    private readonly hub: TaskHubStorage,
    private readonly clock: Clock,
    private readonly send: (items: ControlItem[]) => Promise<void>,
    private readonly logger: Logger,
  ) {
    clock.on('advanced', () => this.arm());
  }

  async start(): Promise<void> {
    for await (const r of this.hub.timers.listEntities<Record<string, unknown>>()) {
      const t: TimerItem = {
        instanceId: String(r.partitionKey),
        executionId: String(r.ExecutionId),
        timerId: Number(r.TimerId),
        fireAt: String(r.FireAt),
      };
      this.pending.set(`${t.instanceId}|${key(t)}`, t);
    }
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    if (this.handle) clearTimeout(this.handle);
  }

  get count(): number {
    return this.pending.size;
  }

  async schedule(timers: TimerItem[]): Promise<void> {
    await Promise.all(
      timers.map((t) =>
        this.hub.timers.upsertEntity(
          {
            partitionKey: t.instanceId,
            rowKey: key(t),
            ExecutionId: t.executionId,
            TimerId: t.timerId,
            FireAt: t.fireAt,
          },
          'Replace',
        ),
      ),
    );
    for (const t of timers) this.pending.set(`${t.instanceId}|${key(t)}`, t);
    this.arm();
  }

  async cancel(timers: { instanceId: string; executionId: string; timerId: number }[]): Promise<void> {
    for (const t of timers) this.pending.delete(`${t.instanceId}|${key(t)}`);
    await Promise.all(timers.map((t) => this.hub.timers.deleteEntity(t.instanceId, key(t)).catch(() => undefined)));
  }

  async cancelInstance(instanceId: string): Promise<void> {
    const rows: string[] = [];
    for await (const r of this.hub.timers.listEntities({
      queryOptions: { filter: odata`PartitionKey eq ${instanceId}` },
    }))
      rows.push(r.rowKey!);
    for (const k of [...this.pending.keys()]) if (k.startsWith(`${instanceId}|`)) this.pending.delete(k);
    await Promise.all(rows.map((rk) => this.hub.timers.deleteEntity(instanceId, rk).catch(() => undefined)));
  }

  /** Wakes at the earliest due time; at most every 60 s, so real-time drift is never large. */
  private arm(): void {
    if (this.stopped) return;
    if (this.handle) clearTimeout(this.handle);
    let earliest = Infinity;
    for (const t of this.pending.values()) earliest = Math.min(earliest, Date.parse(t.fireAt));
    if (earliest === Infinity) return;
    const wait = Math.max(0, Math.min(60_000, earliest - this.clock.now()));
    this.handle = setTimeout(
      () => void this.fireDue().catch((e: unknown) => this.logger.warn(`timers: firing failed: ${describeError(e)}`)),
      wait,
    );
    this.handle.unref?.();
  }

  private async fireDue(): Promise<void> {
    if (this.firing) return;
    this.firing = true;
    try {
      const now = this.clock.now();
      const due = [...this.pending.entries()].filter(([, t]) => Date.parse(t.fireAt) <= now);
      if (due.length) {
        const fireTime = new Date(now).toISOString();
        await this.send(
          due.map(([, t]) => ({
            id: `timer|${t.instanceId}|${key(t)}`,
            instanceId: t.instanceId,
            executionId: t.executionId,
            kind: 'event',
            event: {
              EventType: EventType.TimerFired,
              EventId: -1,
              IsPlayed: false,
              Timestamp: fireTime,
              TimerId: t.timerId,
              FireAt: t.fireAt,
            },
          })),
        );
        await this.cancel(due.map(([, t]) => t));
      }
    } catch (e) {
      this.logger.warn(`timers: firing failed, will retry: ${describeError(e)}`);
    } finally {
      this.firing = false;
      this.arm();
    }
  }
}
