// The publish status as transitions: the only code that decides what an offer's status becomes.
// The HTTP layer (publish, sign-off requests), the ops console (release) and the activities (each
// stage's verdict, preview, go live, cancel) name what happened; the functions here say what the
// status is then. Pure, so every rule is unit-tested, and each transition applied twice (an activity
// re-run after a crash) leaves the record as once (only changedTime moves).
import {
  isInFlight,
  Link,
  MessageLevel,
  OfferStatus,
  PublishStatus,
  StepState,
  StepStatus,
  withMessages,
} from './status';
import { NEXT_ACTION, StepId, STEPS } from './steps';

export type Message = { text: string; level: MessageLevel };

/** What happened to one publishing version while its orchestration ran. */
export type Transition =
  | { kind: 'stepStarted'; step: StepId }
  | { kind: 'stepCompleted'; step: StepId; messages: Message[]; reportUrl?: string }
  | { kind: 'stepRejected'; step: StepId; messages: Message[]; reportUrl?: string }
  | { kind: 'regionProvisioned'; region: string; total: number }
  | { kind: 'previewOpened'; links: Link[] }
  | { kind: 'signedOff' }
  | { kind: 'live'; links: Link[] }
  | { kind: 'cancelled' };

export type SignoffKind = 'golive' | 'cancel';

export function initialSteps(): StepState[] {
  return STEPS.map((s) => ({ id: s.id, status: 'notStarted', progressPercentage: 0, messages: [] }));
}

/** The status of an offer no publish has touched (no record in the table yet). */
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

export interface PublishStart {
  version: number;
  operationId: string;
  instanceId: string;
  notificationEmails: readonly string[];
}

/** A publish was accepted: every step starts over for the new publishing version. */
export function started(p: PublishStart, now: string): PublishStatus {
  return {
    status: 'running',
    publishingVersion: p.version,
    operationId: p.operationId,
    instanceId: p.instanceId,
    notificationEmails: p.notificationEmails.join(','),
    steps: initialSteps(),
    messages: [],
    previewLinks: [],
    liveLinks: [],
    signoff: 'none',
    changedTime: now,
  };
}

/** The orchestration of an accepted publish could not be started: the offer is as before. */
export function startUndone(previous: PublishStatus, now: string): PublishStatus {
  return { ...previous, changedTime: now };
}

const SIGNOFF = { golive: 'goLiveRequested', cancel: 'cancelRequested' } as const;

/** Go Live or Cancel was accepted for the version awaiting sign-off (raised once, so recorded first). */
export function signoffRequested(s: PublishStatus, kind: SignoffKind, now: string): PublishStatus {
  return { ...s, signoff: SIGNOFF[kind], changedTime: now };
}

/** The sign-off event could not be delivered: the request is taken back, if it still is the one recorded. */
export function signoffWithdrawn(s: PublishStatus, kind: SignoffKind): PublishStatus | undefined {
  return s.signoff === SIGNOFF[kind] ? { ...s, signoff: 'none' } : undefined;
}

/** A support request was opened about this publishing version: the first ticket linked wins. */
export function supportTicketLinked(s: PublishStatus, version: number, ticketId: string): PublishStatus | undefined {
  return s.publishingVersion === version && !s.supportTicketId ? { ...s, supportTicketId: ticketId } : undefined;
}

/** The ticket could not be stored: it is unlinked, if it still is the one linked. */
export function supportTicketUnlinked(s: PublishStatus, ticketId: string): PublishStatus | undefined {
  return s.supportTicketId === ticketId ? { ...s, supportTicketId: undefined } : undefined;
}

/** The step a publish is at: the one running or awaiting review, else the first not done, else the last. */
export function currentStep(s: PublishStatus): StepState {
  return (
    s.steps.find((x) => x.status === 'inProgress' || x.status === 'waitingForPublisherReview') ??
    s.steps.find((x) => x.status !== 'complete') ??
    s.steps[s.steps.length - 1]
  );
}

/**
 * Ops released a publish whose orchestration they stopped: its version fails at the step it had
 * reached, so the partner can publish again. Undefined when the record belongs to another
 * orchestration or no longer waits on one.
 */
export function releasedByOps(
  s: PublishStatus,
  instanceId: string,
  reason: string,
  now: string,
): PublishStatus | undefined {
  if (s.instanceId !== instanceId || !isInFlight(s)) return undefined;
  const text = releaseMessage(reason);
  return applyStepChange(
    s,
    { step: currentStep(s).id, status: 'rejected', offerStatus: 'failed', messages: [{ level: 'error', text }] },
    now,
  );
}

/** The text ops' release gives the partner (also the failed operation's message). */
export function releaseMessage(reason: string): string {
  return `Publishing was stopped by the operations team: ${reason} Publish again, or open a support request.`;
}

/**
 * Applies what happened to publishing version `version`. Undefined (leave the record as it is) when
 * a newer publish has taken over the record, or the transition is already in it.
 */
export function apply(s: PublishStatus, version: number, t: Transition, now: string): PublishStatus | undefined {
  if (s.publishingVersion !== version) return undefined;
  switch (t.kind) {
    case 'stepStarted':
      return applyStepChange(s, { step: t.step, status: 'inProgress', offerStatus: 'running' }, now);
    case 'stepCompleted':
      return applyStepChange(
        s,
        { step: t.step, status: 'complete', messages: t.messages, reportUrl: t.reportUrl },
        now,
      );
    case 'stepRejected':
      return applyStepChange(
        s,
        {
          step: t.step,
          status: 'rejected',
          offerStatus: 'failed',
          messages: [...t.messages, { level: 'error', text: `What to do next: ${NEXT_ACTION[t.step]}` }],
          reportUrl: t.reportUrl,
        },
        now,
      );
    case 'regionProvisioned':
      return regionProvisioned(s, t.region, t.total, now);
    case 'previewOpened':
      return applyStepChange(
        applyStepChange(
          s,
          {
            step: 'preview',
            status: 'complete',
            previewLinks: t.links,
            messages: [{ level: 'information', text: 'The offer is available in preview to your preview audience.' }],
          },
          now,
        ),
        {
          step: 'publisher-signoff',
          status: 'waitingForPublisherReview',
          offerStatus: 'waitingForPublisherReview',
          messages: [{ level: 'information', text: 'Check the preview, then click Go Live or Cancel.' }],
        },
        now,
      );
    case 'signedOff':
      return applyStepChange(
        s,
        {
          step: 'publisher-signoff',
          status: 'complete',
          messages: [{ level: 'information', text: 'Go Live requested by the publisher.' }],
        },
        now,
      );
    case 'live':
      return applyStepChange(
        s,
        {
          step: 'live',
          status: 'complete',
          offerStatus: 'succeeded',
          liveLinks: t.links,
          messages: [{ level: 'information', text: 'The offer is live.' }],
        },
        now,
      );
    case 'cancelled':
      return cancelled(s, version, now);
  }
}

/** Several transitions of one version in one write (e.g. signed off, then live). */
export function applyAll(
  s: PublishStatus,
  version: number,
  ts: readonly Transition[],
  now: string,
): PublishStatus | undefined {
  let out: PublishStatus | undefined;
  for (const t of ts) out = apply(out ?? s, version, t, now) ?? out;
  return out;
}

function regionProvisioned(s: PublishStatus, region: string, total: number, now: string): PublishStatus {
  const done = [...new Set([...(s.provisionedRegions ?? []), region])];
  const next = applyStepChange(
    s,
    {
      step: 'displayprovision',
      status: 'inProgress',
      progressPercentage: Math.round((done.length / total) * 100),
      messages: [{ level: 'information', text: `Replicated to ${region} (${done.length} of ${total} regions).` }],
    },
    now,
  );
  return { ...next, provisionedRegions: done };
}

/** Cancel at sign-off: the steps go back to the start, the preview links go; a new Publish is needed. */
function cancelled(s: PublishStatus, version: number, now: string): PublishStatus | undefined {
  if (s.status === 'canceled') return undefined; // already cancelled: a re-run keeps the first record
  return {
    ...s,
    status: 'canceled',
    steps: initialSteps(),
    previewLinks: [],
    messages: [
      {
        messageHtml: `Publishing version ${version} was cancelled at publisher sign-off. Publish again to start over.`,
        level: 'information',
        timestamp: now,
      },
    ],
    changedTime: now,
  };
}

/** One step's change, the primitive every transition above is made of. */
export interface StepChange {
  step: StepId;
  status: StepStatus;
  progressPercentage?: number;
  messages?: Message[];
  offerStatus?: OfferStatus;
  previewLinks?: Link[];
  liveLinks?: Link[];
  reportUrl?: string;
}

/**
 * Applies one step change. Idempotent: applying the same change twice (an activity re-run after a
 * crash) leaves the same record, because a message already present is not added again. Exported
 * for the bounds test; callers outside this module name a transition instead (the ownership test
 * holds that).
 */
export function applyStepChange(s: PublishStatus, c: StepChange, now: string): PublishStatus {
  const steps = s.steps.map((st): StepState => {
    if (st.id !== c.step) return st;
    const messages = withMessages(st.messages, c.messages ?? [], now);
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
