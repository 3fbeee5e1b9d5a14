// Writing history from the entry points. Ordering and crash safety, the rules every caller follows:
//
// - An entry is written only AFTER the command's state is committed, never before: an entry must
//   never claim a change that did not happen (a save refused with 412, a publish that lost its race).
// - Writing it can never fail or undo the command: by then the change is made and the caller's answer
//   must say so. A failed write is retried, then logged; the command's answer is unchanged.
// - Each entry has a fixed id and time, and the store writes a row once (append-only; a second write
//   of the same entry is a no-op), so re-running a write after a crash or a retry cannot duplicate it.
// - A kill -9 between the commit and the history write must not lose the entry where the command is
//   a partner's change of an offer:
//     · a save carries its entry in the same atomic row write as the draft (Offers row, `History`
//       column); the next save of that offer and every history read copy it to the History table;
//     · publish, Go Live and Cancel are recorded by the publish orchestration itself (the actor
//       travels in its input and in the sign-off event), through an activity the Durable engine
//       re-runs until it completes; an orchestration that never started or an event never delivered
//       leaves no entry, as the command was undone too;
//     · the pipeline's step outcomes are recorded the same way (actor `system`).
//   The rest (deleting a draft, key administration, support requests, ops release) is recorded right
//   after the commit; a crash in that gap of milliseconds loses only that entry, never the command.
//   Carrying those too would need an entry column in every table they write (PublisherKeys,
//   SupportRequests, PublishStatus), which is the next step if that gap ever matters.
import { InvocationContext } from '@azure/functions';
import { HistoryStore } from '../../adapters/audit/history-store';
import { newId } from '../../adapters/ids/new-id';
import type { Acting } from '../../domain/audit/actor';
import { historyEntry, HistoryEntry, NewEntry } from '../../domain/audit/history-entry';
import type { HistoryEventType } from '../../domain/audit/history-events';
import { nowIso } from './http';

export const history = new HistoryStore();

const ATTEMPTS = 3;

/** Writes an entry of a committed command; never throws (see above). */
export async function recordCommitted(entry: HistoryEntry, context?: Pick<InvocationContext, 'warn'>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await history.append(entry);
      return;
    } catch (e) {
      if (attempt >= ATTEMPTS) {
        (context?.warn ?? console.warn)(
          `History entry ${entry.event} ${entry.publisherId}/${entry.offerId ?? '(account)'} ${entry.id} not written: ${(e as Error).message}`,
        );
        return;
      }
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  }
}

/** A new entry for a command happening now, with a fresh id. */
export function newEntry<E extends HistoryEventType>(
  n: Omit<NewEntry<E>, 'id' | 'time' | 'by'>,
  by: Acting,
  time = nowIso(),
): HistoryEntry {
  return historyEntry({ ...n, id: newId(), time, by });
}
