// The publishing process as one orchestration per publishing version: the stages in order, then
// preview and the publisher's sign-off (Go Live or Cancel). Deterministic: no I/O, clock or random
// here — every effect is an activity, every setting comes in the input.
import * as df from 'durable-functions';
import { OrchestrationContext, OrchestrationHandler, Task } from 'durable-functions';
import { CANCEL_EVENT, GO_LIVE_EVENT, PublishInput, SignoffEvent } from '../domain/publishing/events';
import { ACTIVITY, ORCHESTRATOR, PIPELINE, PublishRef, StageOutcome } from '../domain/publishing/stages';
import type { Transition } from '../domain/publishing/lifecycle';
import { StepId } from '../domain/publishing/steps';
import type { SendPublishEmailInput } from '../domain/publishing/contract';
import type { EmailKind } from '../domain/publishing/emails';
import { Acting, OPS, SYSTEM_ACTOR } from '../domain/audit/actor';
import { historyEntry } from '../domain/audit/history-entry';
import type { HistoryDetails, HistoryEventType } from '../domain/audit/history-events';
import { stepDefinition } from '../domain/publishing/steps';
import { activityCaller } from './activity-caller';
import { retryPolicy, transientFailure } from './retry-policy';

export type PublishResult = { outcome: 'live' | 'canceled' } | { outcome: 'failed'; step: StepId };

const publishOffer: OrchestrationHandler = function* (context: OrchestrationContext) {
  const input = context.df.getInput<PublishInput>();
  const ref: PublishRef = {
    publisherId: input.publisherId,
    offerId: input.offerId,
    version: input.version,
    operationId: input.operationId,
  };
  const { call } = activityCaller(context, retryPolicy(input.retry));
  const record = (transition: Transition): Task => call(ACTIVITY.recordStep, { ...ref, transition });
  const email = (kind: EmailKind, extra: Partial<SendPublishEmailInput> = {}): Task =>
    call(ACTIVITY.sendPublishEmail, { ...ref, kind, to: input.notificationEmails, ...extra });
  const system: Acting = { actor: SYSTEM_ACTOR, origin: 'orchestration' };
  // History entries get their time from the orchestration's clock and an id naming the fact, so a
  // replay builds the same entry and its activity writes it once.
  const history = <E extends HistoryEventType>(
    event: E,
    details: HistoryDetails[E],
    o: { by?: Acting; step?: StepId; operationId?: string } = {},
  ): Task =>
    call(ACTIVITY.recordHistory, {
      entry: historyEntry({
        id: `v${ref.version}-${event}${o.step ? `-${o.step}` : ''}`,
        publisherId: ref.publisherId,
        offerId: ref.offerId,
        event,
        time: context.df.currentUtcDateTime.toISOString(),
        by: o.by ?? system,
        publishingVersion: ref.version,
        operationId: o.operationId ?? ref.operationId,
        details,
      }),
    });
  // An orchestration started before history existed has no `by` and must replay the calls it made
  // then: history calls before the sign-off wait are made only by newer ones. (Calls after the wait
  // are new history for every instance, so they are safe for both.)
  const recordsHistory = input.by !== undefined;
  const stepDetails = (step: StepId) => ({ step, stepName: stepDefinition(step).stepName });

  if (recordsHistory)
    yield history('publishSubmitted', { notificationEmails: input.notificationEmails }, { by: input.by });

  yield email('publish-accepted');
  for (const stage of PIPELINE) {
    if (!context.df.isReplaying) context.log(`${ref.publisherId}/${ref.offerId} v${ref.version}: ${stage.step}`);
    yield record({ kind: 'stepStarted', step: stage.step });
    let outcome: StageOutcome = { ok: true, messages: [] };
    try {
      if ('orchestrator' in stage.run) {
        outcome = yield context.df.callSubOrchestrator(
          stage.run.orchestrator,
          input,
          `${context.df.instanceId}:${stage.step}`,
        );
      } else {
        for (const activity of stage.run.activities) {
          const part: StageOutcome = yield call(activity, ref);
          outcome = {
            ok: part.ok,
            messages: [...outcome.messages, ...part.messages],
            reportUrl: part.reportUrl ?? outcome.reportUrl,
          };
          if (!part.ok) break;
        }
      }
    } catch (e) {
      outcome = transientFailure(e);
    }
    if (!outcome.ok) {
      yield record({
        kind: 'stepRejected',
        step: stage.step,
        messages: outcome.messages,
        reportUrl: outcome.reportUrl,
      });
      yield call(ACTIVITY.completeOperation, {
        ...ref,
        state: 'failed',
        message: outcome.messages.map((m) => m.text).join(' '),
      });
      if (recordsHistory)
        yield history(
          'stepFailed',
          {
            ...stepDetails(stage.step),
            messages: outcome.messages
              .filter((m) => m.level === 'error')
              .map((m) => m.text.slice(0, 1000))
              .slice(0, 10),
            ...(outcome.reportUrl ? { reportUrl: outcome.reportUrl } : {}),
          },
          { step: stage.step },
        );
      yield email('step-failed', { step: stage.step, messages: outcome.messages.map((m) => m.text) });
      return { outcome: 'failed', step: stage.step } satisfies PublishResult;
    }
    yield record({
      kind: 'stepCompleted',
      step: stage.step,
      messages: outcome.messages,
      reportUrl: outcome.reportUrl,
    });
    if (recordsHistory) yield history('stepCompleted', stepDetails(stage.step), { step: stage.step });
  }

  yield call(ACTIVITY.openPreview, ref);
  if (recordsHistory) yield history('previewAvailable', {});
  yield email('preview-available');

  const goLive = context.df.waitForExternalEvent(GO_LIVE_EVENT);
  const cancel = context.df.waitForExternalEvent(CANCEL_EVENT);
  const winner: Task = yield context.df.Task.any([goLive, cancel]);
  const signoff = (winner.result ?? {}) as Partial<SignoffEvent>;
  // An event without `by` was raised by hand from the ops console.
  const signedOffBy = { by: signoff.by ?? OPS, operationId: signoff.operationId };
  if (winner === cancel) {
    yield history('cancelRequested', {}, signedOffBy);
    yield call(ACTIVITY.cancelPublish, { ...ref, signoffOperationId: (cancel.result as SignoffEvent).operationId });
    yield history('cancelled', {}, { operationId: signoff.operationId });
    yield email('canceled');
    return { outcome: 'canceled' } satisfies PublishResult;
  }
  yield history('goLiveRequested', {}, signedOffBy);
  yield call(ACTIVITY.goLive, { ...ref, signoffOperationId: (goLive.result as SignoffEvent).operationId });
  yield history('live', {}, { operationId: signoff.operationId });
  yield email('live');
  return { outcome: 'live' } satisfies PublishResult;
};
df.app.orchestration(ORCHESTRATOR.publishOffer, publishOffer);
