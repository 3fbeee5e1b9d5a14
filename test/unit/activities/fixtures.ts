// A publish as the HTTP layer leaves it (draft, snapshot v1, a running status, the publish
// operation), in in-memory stores, for activity unit tests.
import { sampleOffer } from '../../../domain/offer/sample-offer';
import { started } from '../../../domain/publishing/lifecycle';
import type { PublishRef } from '../../../domain/publishing/stages';
import type { Stores } from '../../../activities/_shared/context';
import { MemoryOfferStore, MemoryOperationStore, MemoryStatusStore } from '../../support/memory-stores';

export const ref: PublishRef = { publisherId: 'contoso', offerId: 'contoso-vm', version: 1, operationId: 'op-1' };

export interface World extends Stores {
  offers: MemoryOfferStore;
  statuses: MemoryStatusStore;
  operations: MemoryOperationStore;
  /** Moves the clock on by one second per read, so a re-run is visibly later. */
  tick: () => void;
}

export function world(document: Record<string, unknown> = sampleOffer()): World {
  let t = Date.parse('2026-03-01T10:00:00.000Z');
  const w: World = {
    offers: new MemoryOfferStore(),
    statuses: new MemoryStatusStore(),
    operations: new MemoryOperationStore(),
    now: () => new Date(t).toISOString(),
    tick: () => {
      t += 1000;
    },
  };
  w.offers.seed(ref.publisherId, ref.offerId, ref.version, document);
  w.statuses.seed(
    ref.publisherId,
    ref.offerId,
    started(
      { version: 1, operationId: ref.operationId, instanceId: 'contoso:contoso-vm:1', notificationEmails: [] },
      w.now(),
    ),
  );
  for (const [id, type] of [
    [ref.operationId, 'publish'],
    ['op-signoff', 'golive'],
  ] as const)
    void w.operations.put({
      id,
      offerId: ref.offerId,
      offerVersion: 1,
      offerTypeId: 'microsoft-azure-virtualmachines',
      publisherId: ref.publisherId,
      submissionType: type,
      submissionState: 'inProgress',
      publishingVersion: 1,
      slot: type === 'golive' ? 'production' : 'preview',
      definition: { metadata: { emails: [] } },
      changedTime: w.now(),
      createdTime: w.now(),
      cancellationRequestState: 'none',
    });
  return w;
}
