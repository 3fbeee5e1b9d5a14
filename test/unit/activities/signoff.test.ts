// Preview, Go Live and Cancel against in-memory stores: the slots, the status the lifecycle
// decides, and the operations — and a re-run after a crash changes nothing more.
import { makeCancelPublish, makeGoLive, makeOpenPreview } from '../../../activities/signoff';
import { ref, world } from './fixtures';

const base = () => 'https://offers.example';

async function atSignoff() {
  const w = world();
  w.offers.slots.set(`${ref.publisherId}|${ref.offerId}|preview`, {
    listing: { title: 'Contoso VM' },
    version: 1,
    changedTime: w.now(),
  });
  await makeOpenPreview({ ...w, publicBaseUrl: base })(ref);
  return w;
}

test('open preview: waiting for the publisher, with the preview link', async () => {
  const w = await atSignoff();
  const s = w.statuses.status(ref.publisherId, ref.offerId);
  expect(s.status).toBe('waitingForPublisherReview');
  expect(s.steps.find((x) => x.id === 'publisher-signoff')?.status).toBe('waitingForPublisherReview');
  expect(s.previewLinks[0].uri).toBe('https://offers.example/api/marketplace/offers/contoso.contoso-vm?preview=true');
  expect((await w.operations.get(ref.publisherId, ref.operationId))?.submissionState).toBe('succeeded');
});

test('go live: the preview listing becomes production, the offer is live, twice is once', async () => {
  const w = await atSignoff();
  const goLive = makeGoLive({ ...w, publicBaseUrl: base });
  const links = await goLive({ ...ref, signoffOperationId: 'op-signoff' });
  const once = w.statuses.status(ref.publisherId, ref.offerId);
  w.tick();
  await goLive({ ...ref, signoffOperationId: 'op-signoff' });
  const twice = w.statuses.status(ref.publisherId, ref.offerId);

  expect(links).toEqual([
    { displayText: 'Marketplace listing', uri: 'https://offers.example/api/marketplace/offers/contoso.contoso-vm' },
  ]);
  expect(once.status).toBe('succeeded');
  expect(once.liveLinks).toEqual(links);
  expect(once.steps.filter((x) => x.status === 'complete').map((x) => x.id)).toEqual([
    'preview',
    'publisher-signoff',
    'live',
  ]);
  expect({ ...twice, changedTime: once.changedTime }).toEqual(once);
  expect(await w.offers.slot(ref.publisherId, ref.offerId, 'production')).toEqual({
    listing: { title: 'Contoso VM' },
    version: 1,
  });
  expect((await w.offers.get(ref.publisherId, ref.offerId))?.live).toBe(true);
  expect((await w.operations.get(ref.publisherId, 'op-signoff'))?.submissionState).toBe('succeeded');
});

test('go live refuses a preview slot that holds another version', async () => {
  const w = await atSignoff();
  await expect(
    makeGoLive({ ...w, publicBaseUrl: base })({ ...ref, version: 2, signoffOperationId: 'x' }),
  ).rejects.toThrow(/does not hold version 2/);
});

test('cancel: the preview goes, the steps start over, the operations close; twice is once', async () => {
  const w = await atSignoff();
  const cancel = makeCancelPublish(w);
  await cancel({ ...ref, signoffOperationId: 'op-signoff' });
  const once = w.statuses.status(ref.publisherId, ref.offerId);
  w.tick();
  await cancel({ ...ref, signoffOperationId: 'op-signoff' });

  expect(once.status).toBe('canceled');
  expect(once.previewLinks).toEqual([]);
  expect(once.steps.every((x) => x.status === 'notStarted')).toBe(true);
  expect(once.messages.map((m) => m.messageHtml)).toEqual([
    'Publishing version 1 was cancelled at publisher sign-off. Publish again to start over.',
  ]);
  expect(w.statuses.status(ref.publisherId, ref.offerId)).toEqual(once);
  expect(await w.offers.slot(ref.publisherId, ref.offerId, 'preview')).toBeUndefined();
  expect(await w.operations.get(ref.publisherId, ref.operationId)).toMatchObject({
    submissionState: 'canceled',
    cancellationRequestState: 'completed',
  });
});
