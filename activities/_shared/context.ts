// What every stage activity needs: the immutable snapshot it works on, and the stores.
import { OfferStore } from '../../adapters/offers/offer-store';
import { OperationStore } from '../../adapters/offers/operation-store';
import { StatusStore } from '../../adapters/offers/status-store';
import { OfferDraft, parseOfferDraft } from '../../domain/offer/document';
import { PublishRef } from '../../domain/publishing/stages';

export const offers = new OfferStore();
export const statuses = new StatusStore();
export const operations = new OperationStore();

export const nowIso = () => new Date().toISOString();

/** The publishing snapshot of the offer; a missing or unreadable one is a bug, not partner input. */
export async function snapshot(ref: PublishRef): Promise<OfferDraft> {
  const doc = await offers.version(ref.publisherId, ref.offerId, ref.version);
  if (!doc) throw new Error(`Snapshot ${ref.publisherId}/${ref.offerId} v${ref.version} is missing.`);
  const parsed = parseOfferDraft(doc);
  if (!parsed.ok)
    throw new Error(
      `Snapshot ${ref.publisherId}/${ref.offerId} v${ref.version} does not parse: ${parsed.issues[0]?.message}`,
    );
  return parsed.value;
}
