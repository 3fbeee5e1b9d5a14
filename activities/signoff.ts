import type { CompleteOperationInput, SignoffInput } from '../domain/publishing/contract';
import { PublishRef } from '../domain/publishing/stages';
import { Link } from '../domain/publishing/status';
import { recordTransitions, Stores } from './_shared/context';

export interface SignoffDeps extends Stores {
  publicBaseUrl: () => string;
}

function previewLinks(base: string, ref: PublishRef): Link[] {
  return [
    {
      displayText: 'Preview listing (preview audience only)',
      uri: `${base}/api/marketplace/offers/${ref.publisherId}.${ref.offerId}?preview=true`,
    },
  ];
}

function liveLinks(base: string, ref: PublishRef): Link[] {
  return [
    { displayText: 'Marketplace listing', uri: `${base}/api/marketplace/offers/${ref.publisherId}.${ref.offerId}` },
  ];
}

/** Step 5: the offer is in preview for its audience; the publisher's sign-off is awaited. */
export function makeOpenPreview(d: SignoffDeps) {
  return async function openPreview(ref: PublishRef): Promise<Link[]> {
    const links = previewLinks(d.publicBaseUrl(), ref);
    await recordTransitions(d, ref, [{ kind: 'previewOpened', links }]);
    await d.operations.update(ref.publisherId, ref.operationId, { submissionState: 'succeeded', changedTime: d.now() });
    return links;
  };
}

/** Step 6 → 7: the preview listing becomes the production listing. */
export function makeGoLive(d: SignoffDeps) {
  return async function goLive(input: SignoffInput): Promise<Link[]> {
    const preview = await d.offers.slot(input.publisherId, input.offerId, 'preview');
    if (!preview || preview.version !== input.version)
      throw new Error(`Preview slot of ${input.offerId} does not hold version ${input.version}.`);
    await d.offers.writeSlot(input.publisherId, input.offerId, 'production', preview.listing, input.version, d.now());
    await d.offers.setLive(input.publisherId, input.offerId, true);
    const links = liveLinks(d.publicBaseUrl(), input);
    await recordTransitions(d, input, [{ kind: 'signedOff' }, { kind: 'live', links }]);
    await d.operations.update(input.publisherId, input.signoffOperationId, {
      submissionState: 'succeeded',
      changedTime: d.now(),
    });
    return links;
  };
}

/** Cancel at sign-off: the status goes back to step 1; a new Publish is needed. */
export function makeCancelPublish(d: Stores) {
  return async function cancelPublish(input: SignoffInput): Promise<void> {
    // The preview audience must no longer see a cancelled preview.
    const preview = await d.offers.slot(input.publisherId, input.offerId, 'preview');
    if (preview?.version === input.version) await d.offers.clearSlot(input.publisherId, input.offerId, 'preview');
    await recordTransitions(d, input, [{ kind: 'cancelled' }]);
    await d.operations.update(input.publisherId, input.signoffOperationId, {
      submissionState: 'succeeded',
      changedTime: d.now(),
    });
    await d.operations.update(input.publisherId, input.operationId, {
      submissionState: 'canceled',
      cancellationRequestState: 'completed',
      changedTime: d.now(),
    });
  };
}

/** The publish operation ends failed (a stage rejected it). */
export function makeCompleteOperation(d: Pick<Stores, 'operations' | 'now'>) {
  return async function completeOperation(input: CompleteOperationInput): Promise<void> {
    await d.operations.update(input.publisherId, input.operationId, {
      submissionState: input.state,
      message: input.message,
      changedTime: d.now(),
    });
  };
}
