// The publish status record kept per offer, and its projection onto the documented status body.
import { StepId, STEPS, stepDefinition } from './steps';

export type OfferStatus = 'neverPublished' | 'notStarted' | 'waitingForPublisherReview' | 'running' | 'succeeded' | 'canceled' | 'failed';
export type StepStatus = 'notStarted' | 'inProgress' | 'waitingForPublisherReview' | 'waitingForApproval' | 'blocked' | 'rejected' | 'complete' | 'canceled';
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

export function initialSteps(): StepState[] {
  return STEPS.map((s) => ({ id: s.id, status: 'notStarted', progressPercentage: 0, messages: [] }));
}

export function neverPublished(now: string): PublishStatus {
  return {
    status: 'neverPublished',
    publishingVersion: null,
    operationId: null,
    instanceId: null,
    notificationEmails: '',
    steps: initialSteps(),
    messages: [],
    previewLinks: [],
    liveLinks: [],
    signoff: 'none',
    changedTime: now,
  };
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

export interface StepChange {
  step: StepId;
  status: StepStatus;
  progressPercentage?: number;
  messages?: { text: string; level: MessageLevel }[];
  offerStatus?: OfferStatus;
  previewLinks?: Link[];
  liveLinks?: Link[];
  reportUrl?: string;
}

/**
 * Applies one step change. Idempotent: applying the same change twice (an activity re-run after a
 * crash) leaves the same record, because a message already present is not added again.
 */
export function applyStepChange(s: PublishStatus, c: StepChange, now: string): PublishStatus {
  const steps = s.steps.map((st) => {
    if (st.id !== c.step) return st;
    const messages = [...st.messages];
    for (const m of c.messages ?? []) {
      if (!messages.some((x) => x.messageHtml === m.text && x.level === m.level)) messages.push({ messageHtml: m.text, level: m.level, timestamp: now });
    }
    const progress = c.progressPercentage ?? (c.status === 'complete' ? 100 : st.progressPercentage);
    return { ...st, status: c.status, progressPercentage: progress, messages };
  });
  return {
    ...s,
    steps,
    status: c.offerStatus ?? s.status,
    previewLinks: c.previewLinks ?? s.previewLinks,
    liveLinks: c.liveLinks ?? s.liveLinks,
    reportUrl: c.reportUrl ?? s.reportUrl,
    changedTime: now,
  };
}
