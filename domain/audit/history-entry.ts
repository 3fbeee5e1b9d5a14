// One history entry: who did what to which offer (or to the account), when, through what, and what
// changed. Entries are written once and never changed; the store keeps them newest first.
import type { Acting, Actor, Origin } from './actor';
import { HISTORY_EVENTS, HistoryDetails, HistoryEventType } from './history-events';

interface EntryOf<E extends HistoryEventType> {
  /** Unique in the publisher's history; the same id for the same fact, so a re-run writes it once. */
  id: string;
  publisherId: string;
  /** Absent for account entries (keys). */
  offerId?: string;
  event: E;
  /** ISO 8601. */
  time: string;
  actor: Actor;
  origin: Origin;
  publishingVersion?: number;
  operationId?: string;
  /** One readable sentence, for lists and the CLI. */
  summary: string;
  details: HistoryDetails[E];
}

export type HistoryEntry = { [E in HistoryEventType]: EntryOf<E> }[HistoryEventType];

export interface NewEntry<E extends HistoryEventType> {
  id: string;
  publisherId: string;
  offerId?: string;
  event: E;
  time: string;
  by: Acting;
  publishingVersion?: number;
  operationId?: string;
  details: HistoryDetails[E];
}

/** Builds an entry and its summary; an offer entry without an offer id (or the reverse) is a bug. */
export function historyEntry<E extends HistoryEventType>(n: NewEntry<E>): HistoryEntry {
  const scope = HISTORY_EVENTS[n.event].scope;
  if ((scope === 'offer') !== (n.offerId !== undefined))
    throw new Error(`History event ${n.event} is ${scope}-scoped; offerId ${n.offerId ?? 'missing'}.`);
  const entry = {
    id: n.id,
    publisherId: n.publisherId,
    ...(n.offerId !== undefined ? { offerId: n.offerId } : {}),
    event: n.event,
    time: n.time,
    actor: n.by.actor,
    origin: n.by.origin,
    ...(n.publishingVersion !== undefined ? { publishingVersion: n.publishingVersion } : {}),
    ...(n.operationId !== undefined ? { operationId: n.operationId } : {}),
    summary: '',
    details: n.details,
  } as HistoryEntry;
  return { ...entry, summary: summarize(entry) };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function summarize(e: HistoryEntry): string {
  const v = e.publishingVersion !== undefined ? ` (version ${e.publishingVersion})` : '';
  switch (e.event) {
    case 'offerCreated':
      return `Offer created: "${e.details.title}".`;
    case 'offerSaved': {
      const n = e.details.changedFields.length + (e.details.moreFields ?? 0);
      return n === 0
        ? 'Draft saved; no field changed.'
        : `Draft saved; ${plural(n, 'field')} changed: ${e.details.changedFields.slice(0, 3).join(', ')}${n > 3 ? ', …' : ''}.`;
    }
    case 'offerDeleted':
      return 'Draft deleted.';
    case 'publishSubmitted':
      return `Submitted for publishing${v}.`;
    case 'stepCompleted':
      return `${e.details.stepName} completed${v}.`;
    case 'stepFailed':
      return `${e.details.stepName} failed${v}${e.details.messages[0] ? `: ${e.details.messages[0]}` : '.'}`;
    case 'previewAvailable':
      return `Available in preview${v}.`;
    case 'goLiveRequested':
      return `Signed off: Go Live requested${v}.`;
    case 'live':
      return `Live in the marketplace${v}.`;
    case 'cancelRequested':
      return `Cancel requested${v}.`;
    case 'cancelled':
      return `Publish cancelled at sign-off${v}.`;
    case 'releasedByOps':
      return `Publish stopped by the operations team${v}: ${e.details.reason}`;
    case 'supportRequested':
      return `Support request ${e.details.ticketId} opened${v}.`;
    case 'supportResolved':
      return `Support request ${e.details.ticketId} resolved.`;
    case 'keyIssued':
      return `API key ${e.details.keyFingerprint} issued.`;
    case 'keyRevoked':
      return `API key ${e.details.keyFingerprint} revoked.`;
  }
}
