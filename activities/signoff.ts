import * as df from 'durable-functions';
import type { CompleteOperationInput, SignoffInput } from '../domain/publishing/contract';
import { publicBaseUrl } from '../adapters/settings/public-url';
import { ACTIVITY, PublishRef } from '../domain/publishing/stages';
import { applyStepChange, initialSteps, Link } from '../domain/publishing/status';
import { nowIso, offers, operations, statuses } from './_shared/context';

function previewLinks(ref: PublishRef): Link[] {
  const base = publicBaseUrl();
  return [
    {
      displayText: 'Preview listing (preview audience only)',
      uri: `${base}/api/marketplace/offers/${ref.publisherId}.${ref.offerId}?preview=true`,
    },
  ];
}

function liveLinks(ref: PublishRef): Link[] {
  return [
    {
      displayText: 'Marketplace listing',
      uri: `${publicBaseUrl()}/api/marketplace/offers/${ref.publisherId}.${ref.offerId}`,
    },
  ];
}

/** Step 5: the offer is in preview for its audience; the publisher's sign-off is awaited. */
export async function openPreview(ref: PublishRef): Promise<Link[]> {
  const links = previewLinks(ref);
  await statuses.update(ref.publisherId, ref.offerId, nowIso, (s) => {
    if (s.publishingVersion !== ref.version) return undefined;
    const now = nowIso();
    const previewed = applyStepChange(
      s,
      {
        step: 'preview',
        status: 'complete',
        previewLinks: links,
        messages: [{ level: 'information', text: 'The offer is available in preview to your preview audience.' }],
      },
      now,
    );
    return applyStepChange(
      previewed,
      {
        step: 'publisher-signoff',
        status: 'waitingForPublisherReview',
        offerStatus: 'waitingForPublisherReview',
        messages: [{ level: 'information', text: 'Check the preview, then click Go Live or Cancel.' }],
      },
      now,
    );
  });
  await operations.update(ref.publisherId, ref.operationId, { submissionState: 'succeeded', changedTime: nowIso() });
  return links;
}
df.app.activity(ACTIVITY.openPreview, { handler: openPreview });

/** Step 6 → 7: the preview listing becomes the production listing. */
export async function goLive(input: SignoffInput): Promise<Link[]> {
  const preview = await offers.slot(input.publisherId, input.offerId, 'preview');
  if (!preview || preview.version !== input.version)
    throw new Error(`Preview slot of ${input.offerId} does not hold version ${input.version}.`);
  await offers.writeSlot(input.publisherId, input.offerId, 'production', preview.listing, input.version, nowIso());
  await offers.setLive(input.publisherId, input.offerId, true);
  const links = liveLinks(input);
  await statuses.update(input.publisherId, input.offerId, nowIso, (s) => {
    if (s.publishingVersion !== input.version) return undefined;
    const now = nowIso();
    const signed = applyStepChange(
      s,
      {
        step: 'publisher-signoff',
        status: 'complete',
        messages: [{ level: 'information', text: 'Go Live requested by the publisher.' }],
      },
      now,
    );
    return applyStepChange(
      signed,
      {
        step: 'live',
        status: 'complete',
        offerStatus: 'succeeded',
        liveLinks: links,
        messages: [{ level: 'information', text: 'The offer is live.' }],
      },
      now,
    );
  });
  await operations.update(input.publisherId, input.signoffOperationId, {
    submissionState: 'succeeded',
    changedTime: nowIso(),
  });
  return links;
}
df.app.activity(ACTIVITY.goLive, { handler: goLive });

/** Cancel at sign-off: the status goes back to step 1; a new Publish is needed. */
export async function cancelPublish(input: SignoffInput): Promise<void> {
  // The preview audience must no longer see a cancelled preview.
  const preview = await offers.slot(input.publisherId, input.offerId, 'preview');
  if (preview?.version === input.version) await offers.clearSlot(input.publisherId, input.offerId, 'preview');
  await statuses.update(input.publisherId, input.offerId, nowIso, (s) => {
    if (s.publishingVersion !== input.version) return undefined;
    return {
      ...s,
      status: 'canceled',
      steps: initialSteps(),
      previewLinks: [],
      messages: [
        {
          messageHtml: `Publishing version ${input.version} was cancelled at publisher sign-off. Publish again to start over.`,
          level: 'information',
          timestamp: nowIso(),
        },
      ],
      changedTime: nowIso(),
    };
  });
  await operations.update(input.publisherId, input.signoffOperationId, {
    submissionState: 'succeeded',
    changedTime: nowIso(),
  });
  await operations.update(input.publisherId, input.operationId, {
    submissionState: 'canceled',
    cancellationRequestState: 'completed',
    changedTime: nowIso(),
  });
}
df.app.activity(ACTIVITY.cancelPublish, { handler: cancelPublish });

/** The publish operation ends failed (a stage rejected it). */
export async function completeOperation(input: CompleteOperationInput): Promise<void> {
  await operations.update(input.publisherId, input.operationId, {
    submissionState: input.state,
    message: input.message,
    changedTime: nowIso(),
  });
}
df.app.activity(ACTIVITY.completeOperation, { handler: completeOperation });
