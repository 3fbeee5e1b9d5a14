// What an entity keeps between batches. The user's state, the queue of requests waiting for a lock
// and the lock holder are the extension's SchedulerState (EntityScheduler/SchedulerState.cs in
// Azure/azure-functions-durable-extension), stored as the instance row's Input as the extension
// stores it, so tools that read `<hub>Instances` see the same JSON. How the devhost recognises copies
// of messages is its own bookkeeping, kept with the engine state in the History sentinel.
import type { ControlItem } from '../messages';
import { EntityMessage, MessageSource, RequestMessage } from './entity-messages';

export interface SchedulerState {
  exists?: boolean;
  /** The entity's state as JSON text. */
  state?: string;
  queue?: RequestMessage[];
  lockedBy?: string;
}

export interface HeldLock {
  id: string;
  /** Scheduler ids of the locked entities, in lock order. */
  entities: string[];
}

interface SourceRecord {
  /** Every message numbered up to this one has been received. */
  upTo: number;
  /** Messages above upTo received out of order. */
  extra: number[];
  /** When the last message from this sender arrived (ms). */
  at: number;
}

export interface EntityBookkeeping {
  /** Per receiver, how many messages this entity has sent it: the next one's sequence number. */
  sent: Record<string, number>;
  sources: Record<string, SourceRecord>;
  /** Ids of messages without a sender (client signals) → when they arrived (ms). */
  recent: Record<string, number>;
  /** What the last batch sent, re-sent after a crash (receivers drop copies). */
  unsent: ControlItem[];
}

export function newBookkeeping(): EntityBookkeeping {
  return { sent: {}, sources: {}, recent: {}, unsent: [] };
}

export function parseSchedulerState(text: string | null): SchedulerState {
  if (!text) return {};
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null ? v : {};
  } catch {
    return {};
  }
}

/** The row's Input: the extension omits default values (DefaultValueHandling.Ignore); so does this. */
export function schedulerStateText(s: SchedulerState): string {
  const out: Record<string, unknown> = {};
  if (s.exists) out.exists = true;
  if (s.state !== undefined && s.state !== null) out.state = s.state;
  if (s.queue?.length) out.queue = s.queue;
  if (s.lockedBy) out.lockedBy = s.lockedBy;
  out.sorter = {};
  return JSON.stringify(out);
}

/**
 * Recognises copies of entity messages. Every message is written to its queue before it is handled
 * and deleted only after the batch that handled it is committed, and senders re-send their last
 * messages after a crash; so a message can arrive more than once, and must be applied once.
 *
 * - A message from an orchestration or an entity carries its sequence number among the messages that
 *   sender sent this receiver (0, 1, 2, …); per sender the entity keeps a low-water mark plus the few
 *   numbers above it that came early, which stays small however long the sender lives. A sender silent for `senderWindowMs` is forgotten (the extension forgets senders
 *   after its 30-minute reorder window, DurableTaskOptions.EntityMessageReorderWindowInMinutes; the
 *   devhost keeps them a day, as a re-send after a crash can come later than that).
 * - A client signal has no sender; a copy can only be a queue redelivery, which comes within one
 *   lease of the process that last held the message. Its id is kept until this process has run for
 *   `idWindowMs` (two leases and a margin) since the id arrived or since this process started,
 *   whichever is later: messages a crashed process held are redelivered within a lease of the restart.
 */
export class Deduplicator {
  constructor(
    private readonly bootTime: number,
    private readonly idWindowMs: number,
    private readonly senderWindowMs = 24 * 3600_000,
  ) {}

  /** true the first time a message is seen (and records it), false for a copy. */
  accept(bk: EntityBookkeeping, m: EntityMessage, id: string, now: number): boolean {
    if (m.source) return this.acceptNumbered(bk, m.source, now);
    if (bk.recent[id] !== undefined) return false;
    bk.recent[id] = now;
    return true;
  }

  private acceptNumbered(bk: EntityBookkeeping, src: MessageSource, now: number): boolean {
    const rec = (bk.sources[src.key] ??= { upTo: -1, extra: [], at: now });
    if (src.seq <= rec.upTo || rec.extra.includes(src.seq)) return false;
    rec.at = now;
    rec.extra.push(src.seq);
    rec.extra.sort((a, b) => a - b);
    while (rec.extra.length && rec.extra[0] === rec.upTo + 1) rec.upTo = rec.extra.shift()!;
    return true;
  }

  prune(bk: EntityBookkeeping, now: number): void {
    for (const [id, at] of Object.entries(bk.recent))
      if (now - Math.max(at, this.bootTime) > this.idWindowMs) delete bk.recent[id];
    for (const [key, rec] of Object.entries(bk.sources))
      if (now - Math.max(rec.at, this.bootTime) > this.senderWindowMs) delete bk.sources[key];
  }
}
