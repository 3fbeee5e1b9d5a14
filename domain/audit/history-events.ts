// The kinds of history entry and what each carries. Open by design: a new kind (audience synced,
// distribution stopped, a user added) is one line in HISTORY_EVENTS and one in HistoryDetails; the
// table, the API's filters, the OpenAPI enum and the portal's filter list all follow from here, and
// a reader that meets a kind it does not know still shows its label-less name and summary.
import type { StepId } from '../publishing/steps';

/** Where an entry belongs: one offer's history, or the publisher account's (keys, later users). */
export type HistoryScope = 'offer' | 'account';

export const HISTORY_EVENTS = {
  offerCreated: { label: 'Offer created', scope: 'offer' },
  offerSaved: { label: 'Draft saved', scope: 'offer' },
  offerDeleted: { label: 'Draft deleted', scope: 'offer' },
  publishSubmitted: { label: 'Submitted for publishing', scope: 'offer' },
  stepCompleted: { label: 'Step completed', scope: 'offer' },
  stepFailed: { label: 'Step failed', scope: 'offer' },
  previewAvailable: { label: 'Preview available', scope: 'offer' },
  goLiveRequested: { label: 'Signed off (Go Live)', scope: 'offer' },
  live: { label: 'Live', scope: 'offer' },
  cancelRequested: { label: 'Cancel requested', scope: 'offer' },
  cancelled: { label: 'Publish cancelled', scope: 'offer' },
  releasedByOps: { label: 'Released by operations', scope: 'offer' },
  supportRequested: { label: 'Support request opened', scope: 'offer' },
  supportResolved: { label: 'Support request resolved', scope: 'offer' },
  keyIssued: { label: 'API key issued', scope: 'account' },
  keyRevoked: { label: 'API key revoked', scope: 'account' },
} as const satisfies Record<string, { label: string; scope: HistoryScope }>;

export type HistoryEventType = keyof typeof HISTORY_EVENTS;

export const HISTORY_EVENT_TYPES = Object.keys(HISTORY_EVENTS) as HistoryEventType[];

export function isHistoryEvent(v: string): v is HistoryEventType {
  return Object.prototype.hasOwnProperty.call(HISTORY_EVENTS, v);
}

/** What changed, per kind of entry (never a secret's value: changed fields are named, not quoted). */
export interface HistoryDetails {
  offerCreated: { title: string };
  offerSaved: { changedFields: string[]; moreFields?: number };
  offerDeleted: Record<string, never>;
  publishSubmitted: { notificationEmails: string[] };
  stepCompleted: { step: StepId; stepName: string };
  stepFailed: { step: StepId; stepName: string; messages: string[]; reportUrl?: string };
  previewAvailable: Record<string, never>;
  goLiveRequested: Record<string, never>;
  live: Record<string, never>;
  cancelRequested: Record<string, never>;
  cancelled: Record<string, never>;
  releasedByOps: { reason: string };
  supportRequested: { ticketId: string };
  supportResolved: { ticketId: string };
  keyIssued: { keyFingerprint: string };
  keyRevoked: { keyFingerprint: string };
}
