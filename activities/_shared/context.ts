// What every stage activity is built from: the stores (passed in, so a test hands in-memory ones),
// a clock, and the immutable snapshot it works on.
import type { PublishingOffers } from '../../adapters/offers/offer-store';
import type { OperationRecords } from '../../adapters/offers/operation-store';
import type { StatusRecords } from '../../adapters/offers/status-store';
import { OfferDraft, parseOfferDraft } from '../../domain/offer/document';
import { applyAll, Transition } from '../../domain/publishing/lifecycle';
import type { PublishStatus } from '../../domain/publishing/status';
import { PublishRef } from '../../domain/publishing/stages';

export interface Stores {
  offers: PublishingOffers;
  statuses: StatusRecords;
  operations: OperationRecords;
  /** The time written into records (ISO 8601). */
  now: () => string;
}

export const systemNow = (): string => new Date().toISOString();

/** The publishing snapshot of the offer; a missing or unreadable one is a bug, not partner input. */
export async function snapshot(offers: Pick<PublishingOffers, 'version'>, ref: PublishRef): Promise<OfferDraft> {
  const doc = await offers.version(ref.publisherId, ref.offerId, ref.version);
  if (!doc) throw new Error(`Snapshot ${ref.publisherId}/${ref.offerId} v${ref.version} is missing.`);
  const parsed = parseOfferDraft(doc);
  if (!parsed.ok)
    throw new Error(
      `Snapshot ${ref.publisherId}/${ref.offerId} v${ref.version} does not parse: ${parsed.issues[0]?.message}`,
    );
  return parsed.value;
}

/**
 * Writes what happened to a publishing version into the offer's status, as the lifecycle decides
 * it; nothing when a newer publish has taken over. Every activity that changes a status does it
 * through here.
 */
export function recordTransitions(
  d: Pick<Stores, 'statuses' | 'now'>,
  ref: Pick<PublishRef, 'publisherId' | 'offerId' | 'version'>,
  transitions: readonly Transition[],
): Promise<PublishStatus> {
  return d.statuses.update(ref.publisherId, ref.offerId, d.now, (s) => applyAll(s, ref.version, transitions, d.now()));
}
