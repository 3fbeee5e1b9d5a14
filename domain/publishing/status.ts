// The publish status record kept per offer, its projection onto the documented status body, and
// the bounds of a step's messages. How a status changes is decided in lifecycle.ts alone.
import { StepId, stepDefinition } from './steps';

export type OfferStatus =
  'neverPublished' | 'notStarted' | 'waitingForPublisherReview' | 'running' | 'succeeded' | 'canceled' | 'failed';
export type StepStatus =
  | 'notStarted'
  | 'inProgress'
  | 'waitingForPublisherReview'
  | 'waitingForApproval'
  | 'blocked'
  | 'rejected'
  | 'complete'
  | 'canceled';
export type MessageLevel = 'information' | 'warning' | 'error';

export interface StatusMessage {
  messageHtml: string;
  level: MessageLevel;
  timestamp: string;
}

export interface StepState {
  id: StepId;
  status: StepStatus;
  progressPercentage: number;
  messages: StatusMessage[];
}

export interface Link {
  displayText: string;
  uri: string;
}

export interface PublishStatus {
  status: OfferStatus;
  publishingVersion: number | null;
  operationId: string | null;
  instanceId: string | null;
  notificationEmails: string;
  steps: StepState[];
  messages: StatusMessage[];
  previewLinks: Link[];
  liveLinks: Link[];
  /** Set once Go Live or Cancel was accepted for this publishing version (events are raised once). */
  signoff: 'none' | 'goLiveRequested' | 'cancelRequested';
  changedTime: string;
  reportUrl?: string;
  supportTicketId?: string;
  /** Regions the image has been replicated to in this publishing version. */
  provisionedRegions?: string[];
}

/** The status body of the partner API (marketplace.md "Status body"). */
export function statusBody(s: PublishStatus) {
  return {
    status: s.status,
    publishingVersion: s.publishingVersion,
    messages: s.messages,
    steps: s.steps.map((st) => {
      const def = stepDefinition(st.id);
      return {
        id: st.id,
        stepName: def.stepName,
        description: def.description,
        status: st.status,
        progressPercentage: st.progressPercentage,
        estimatedTimeFrame: def.estimatedTimeFrame,
        messages: st.messages,
      };
    }),
    previewLinks: s.previewLinks,
    liveLinks: s.liveLinks,
    notificationEmails: s.notificationEmails,
    ...(s.reportUrl ? { certificationReportUrl: s.reportUrl } : {}),
    ...(s.supportTicketId ? { supportTicketId: s.supportTicketId } : {}),
    changedTime: s.changedTime,
  };
}

/** The state an offer is in while a publish is under way: a new publish or a sign-off action must wait for it. */
export function isInFlight(s: PublishStatus): boolean {
  return s.status === 'running' || s.status === 'waitingForPublisherReview';
}

/**
 * Bounds of a step's messages, so that no offer, however many plans, versions and disks it has,
 * can grow its status record past what one table entity holds: each message is cut at
 * MAX_MESSAGE_CHARS, and a step keeps at most MAX_STEP_MESSAGES — past that, one fixed note says
 * that more were not kept (the full detail stays where it was made: the certification report, the
 * orchestration's history). Errors are never crowded out by information: a new error takes the
 * place of the latest information message. Both rules only look at what is already there, so
 * applying a change twice changes nothing the second time.
 */
export const MAX_STEP_MESSAGES = 40;
export const MAX_MESSAGE_CHARS = 1_000;
export const MORE_MESSAGES_NOTE =
  'More messages were not kept here; see the certification report or the publishing history for all of them.';

function cut(text: string): string {
  return text.length <= MAX_MESSAGE_CHARS ? text : `${text.slice(0, MAX_MESSAGE_CHARS - 1)}…`;
}

const RANK: Record<MessageLevel, number> = { error: 0, warning: 1, information: 2 };

/** A step's messages with `incoming` added within the bounds above; used by the lifecycle only. */
export function withMessages(
  existing: StatusMessage[],
  incoming: { text: string; level: MessageLevel }[],
  now: string,
): StatusMessage[] {
  const messages = [...existing];
  const isNote = (m: StatusMessage) => m.messageHtml === MORE_MESSAGES_NOTE;
  const note = () => {
    if (!messages.some(isNote))
      messages.push({ messageHtml: MORE_MESSAGES_NOTE, level: 'information', timestamp: now });
  };
  const fresh = incoming
    .map((m, i) => ({ text: cut(m.text), level: m.level, i }))
    .filter((m) => !messages.some((x) => x.messageHtml === m.text && x.level === m.level))
    .sort((a, b) => RANK[a.level] - RANK[b.level] || a.i - b.i);
  for (const m of fresh) {
    const entry: StatusMessage = { messageHtml: m.text, level: m.level, timestamp: now };
    if (messages.filter((x) => !isNote(x)).length < MAX_STEP_MESSAGES - 1) {
      messages.push(entry);
      continue;
    }
    note();
    if (m.level !== 'error') continue;
    let evict = -1;
    for (let j = messages.length - 1; j >= 0; j--)
      if (!isNote(messages[j]) && messages[j].level !== 'error') {
        evict = j;
        break;
      }
    if (evict >= 0) {
      messages.splice(evict, 1);
      messages.push(entry);
    }
  }
  return messages;
}
