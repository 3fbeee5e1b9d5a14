// Listing URL slugs (`offerMarketingUrlIdentifier`): one table row per slug naming the offer that
// holds it, so a slug is unique across publishers. A create is the claim: two publishers racing for
// one slug cannot both win.
import type { TableClient } from '@azure/data-tables';
import { isConflict, isNotFound, table } from '../storage/connection';
import { TABLE } from '../storage/table-names';

const PARTITION = 'slug';

export interface SlugOwner {
  publisherId: string;
  offerId: string;
}

export type ClaimResult = { ok: true } | { ok: false; owner: SlugOwner };

export class SlugStore {
  constructor(private readonly tables: (name: string) => Promise<TableClient> = table) {}

  async owner(slug: string): Promise<SlugOwner | undefined> {
    const t = await this.tables(TABLE.marketingSlugs);
    try {
      const e = await t.getEntity<Record<string, unknown>>(PARTITION, slug);
      return { publisherId: String(e.PublisherId), offerId: String(e.OfferId) };
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  /** Claims `slug` for the offer; answers who holds it when another offer does. */
  async claim(slug: string, who: SlugOwner): Promise<ClaimResult> {
    const t = await this.tables(TABLE.marketingSlugs);
    try {
      await t.createEntity({
        partitionKey: PARTITION,
        rowKey: slug,
        PublisherId: who.publisherId,
        OfferId: who.offerId,
      });
      return { ok: true };
    } catch (e) {
      if (!isConflict(e)) throw e;
    }
    const owner = await this.owner(slug);
    if (!owner) return this.claim(slug, who); // released in between
    return owner.publisherId === who.publisherId && owner.offerId === who.offerId ? { ok: true } : { ok: false, owner };
  }

  /** Gives a slug up, only if this offer holds it. */
  async release(slug: string, who: SlugOwner): Promise<void> {
    const owner = await this.owner(slug);
    if (!owner || owner.publisherId !== who.publisherId || owner.offerId !== who.offerId) return;
    const t = await this.tables(TABLE.marketingSlugs);
    await t.deleteEntity(PARTITION, slug).catch((e) => {
      if (!isNotFound(e)) throw e;
    });
  }
}
