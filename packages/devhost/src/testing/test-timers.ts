import { ControlItem, TimerItem } from '../durable/messages';
import { EventType } from '../durable/history';

const key = (t: { instanceId: string; executionId: string; timerId: number }) =>
  `${t.instanceId}|${t.executionId}-${t.timerId}`;

/** Durable timers waiting for the test's clock; fired as the devhost's timer service fires them. */
export class TestTimers {
  private readonly pending = new Map<string, TimerItem>();

  add(timers: TimerItem[]): void {
    for (const t of timers) this.pending.set(key(t), t);
  }

  cancel(timers: { instanceId: string; executionId: string; timerId: number }[]): void {
    for (const t of timers) this.pending.delete(key(t));
  }

  /** When the earliest timer due by `until` fires, if any is. */
  next(until: number): number | undefined {
    let next: number | undefined;
    for (const t of this.pending.values()) {
      const at = Date.parse(t.fireAt);
      if (at <= until && (next === undefined || at < next)) next = at;
    }
    return next;
  }

  /** A TimerFired event for every timer due at `now`, which stop being pending. */
  fire(now: number): ControlItem[] {
    const fired: ControlItem[] = [];
    for (const [k, t] of this.pending) {
      if (Date.parse(t.fireAt) > now) continue;
      this.pending.delete(k);
      fired.push({
        id: `timer|${k}`,
        instanceId: t.instanceId,
        executionId: t.executionId,
        kind: 'event',
        event: {
          EventType: EventType.TimerFired,
          EventId: -1,
          IsPlayed: false,
          Timestamp: new Date(now).toISOString(),
          TimerId: t.timerId,
          FireAt: t.fireAt,
        },
      });
    }
    return fired;
  }

  /** Earliest first. */
  list(): { instanceId: string; fireAt: string }[] {
    return [...this.pending.values()]
      .sort((a, b) => Date.parse(a.fireAt) - Date.parse(b.fireAt))
      .map((t) => ({ instanceId: t.instanceId, fireAt: t.fireAt }));
  }
}
