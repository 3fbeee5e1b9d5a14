import { odata, TableClient } from '@azure/data-tables';
import type { HistoryEntry } from '../../domain/audit/history-entry';
import { fromChunks, textColumn, toChunks } from '../storage/chunked-json';
import { isConflict, isNotFound, table } from '../storage/connection';
import { TABLE } from '../storage/table-names';

export interface StoredOffer {
  publisherId: string;
  offerId: string;
  /** The draft as the partner last saved it. */
  document: Record<string, unknown>;
  /** Increments with every save of the draft. */
  revision: number;
  /** The last publishing version snapshotted from this draft (0 = never published). */
  publishedVersion: number;
  title: string;
  changedTime: string;
  etag: string;
  live: boolean;
  /**
   * The history entry of the save that wrote this row, kept in the row itself: written in the same
   * atomic write as the draft, so a crash before it reaches the History table cannot lose it (the
   * next save or history read copies it there; see functions/_shared/history.ts).
   */
  pendingHistory?: HistoryEntry;
}

export class ConcurrencyError extends Error {}
/** The offer no longer exists (deleted under a running request). */
export class OfferGone extends Error {}

/**
 * What the publishing pipeline needs of the offers: the snapshot it works on (and its artifact
 * rewrite), the draft (ETag-guarded), the preview/production slots and the live flag. The Azure
 * Tables store and the tests' in-memory one both give it.
 */
export type PublishingOffers = Pick<
  OfferStore,
  'get' | 'version' | 'rewriteVersion' | 'updateDraftIf' | 'setLive' | 'writeSlot' | 'clearSlot' | 'slot'
>;

/**
 * Offers partitioned by publisher: the draft (`Offers`), immutable publishing snapshots
 * (`OfferVersions`), and the preview/production slots (`OfferSlots`).
 */
export class OfferStore {
  constructor(private readonly tables: (name: string) => Promise<TableClient> = table) {}

  private async offers(): Promise<TableClient> {
    return this.tables(TABLE.offers);
  }

  async get(publisherId: string, offerId: string): Promise<StoredOffer | undefined> {
    const t = await this.offers();
    try {
      return toOffer(await t.getEntity<Record<string, unknown>>(publisherId, offerId));
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  async list(
    publisherId: string,
    top: number,
    continuationToken?: string,
  ): Promise<{ offers: StoredOffer[]; continuationToken?: string }> {
    const t = await this.offers();
    const page = await t
      .listEntities<Record<string, unknown>>({ queryOptions: { filter: odata`PartitionKey eq ${publisherId}` } })
      .byPage({ maxPageSize: top, continuationToken })
      .next();
    if (page.done || !page.value) return { offers: [] };
    return { offers: page.value.map(toOffer), continuationToken: page.value.continuationToken };
  }

  /**
   * Creates or replaces the draft. `ifMatch` is the ETag the partner read (`*` = any existing,
   * undefined = must not exist yet when creating). Throws ConcurrencyError on a mismatch.
   */
  async save(
    publisherId: string,
    offerId: string,
    document: Record<string, unknown>,
    title: string,
    now: string,
    ifMatch: string | undefined,
    existing: StoredOffer | undefined,
    history?: HistoryEntry,
  ): Promise<StoredOffer> {
    const t = await this.offers();
    const entity = {
      partitionKey: publisherId,
      rowKey: offerId,
      Title: title,
      Revision: (existing?.revision ?? 0) + 1,
      PublishedVersion: existing?.publishedVersion ?? 0,
      Live: existing?.live ?? false,
      ChangedTime: now,
      ...toChunks(document),
      ...historyColumn(history),
    };
    try {
      if (!existing) {
        await t.createEntity(entity);
      } else {
        // `*` is the reference's last-one-wins: no ETag comparison at all.
        await t.updateEntity(entity, 'Replace', { etag: ifMatch ?? existing.etag });
      }
    } catch (e) {
      if (isConflict(e))
        throw new ConcurrencyError('The offer was changed by someone else; read it again and retry with its new ETag.');
      throw e;
    }
    return (await this.get(publisherId, offerId))!;
  }

  async delete(publisherId: string, offerId: string, etag: string): Promise<void> {
    const t = await this.offers();
    try {
      await t.deleteEntity(publisherId, offerId, { etag });
    } catch (e) {
      if (isConflict(e))
        throw new ConcurrencyError('The offer changed while it was being deleted; read it again and retry.');
      if (!isNotFound(e)) throw e;
    }
  }

  /**
   * Snapshots the draft as publishing version N (immutable, so edits during a publish change
   * nothing), and records N on the offer — guarded by the draft's ETag.
   */
  async snapshot(offer: StoredOffer, now: string): Promise<number> {
    const version = offer.publishedVersion + 1;
    const versions = await this.tables(TABLE.offerVersions);
    try {
      await versions.createEntity({
        partitionKey: offer.publisherId,
        rowKey: versionKey(offer.offerId, version),
        CreatedTime: now,
        Revision: offer.revision,
        ...toChunks(offer.document),
      });
    } catch (e) {
      if (isConflict(e)) throw new ConcurrencyError('Another publish of this offer was accepted at the same moment.');
      throw e;
    }
    const t = await this.offers();
    try {
      await t.updateEntity(
        { partitionKey: offer.publisherId, rowKey: offer.offerId, PublishedVersion: version },
        'Merge',
        { etag: offer.etag },
      );
    } catch (e) {
      await versions.deleteEntity(offer.publisherId, versionKey(offer.offerId, version)).catch(() => undefined);
      if (isConflict(e)) throw new ConcurrencyError('The offer changed while it was being published; publish again.');
      if (isNotFound(e)) throw new OfferGone('The offer was deleted while it was being published.');
      throw e;
    }
    return version;
  }

  /**
   * Takes back a snapshot whose publish lost its commit (another publish of the offer won): the
   * version row goes, and the offer's last version is put back if nothing moved it since.
   */
  async undoSnapshot(publisherId: string, offerId: string, version: number): Promise<void> {
    const versions = await this.tables(TABLE.offerVersions);
    await versions.deleteEntity(publisherId, versionKey(offerId, version)).catch((e) => {
      if (!isNotFound(e)) throw e;
    });
    const current = await this.get(publisherId, offerId);
    if (!current || current.publishedVersion !== version) return;
    const t = await this.offers();
    await t
      .updateEntity({ partitionKey: publisherId, rowKey: offerId, PublishedVersion: version - 1 }, 'Merge', {
        etag: current.etag,
      })
      .catch((e) => {
        if (!isConflict(e) && !isNotFound(e)) throw e;
      });
  }

  async version(publisherId: string, offerId: string, version: number): Promise<Record<string, unknown> | undefined> {
    const versions = await this.tables(TABLE.offerVersions);
    try {
      return fromChunks(await versions.getEntity<Record<string, unknown>>(publisherId, versionKey(offerId, version)));
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  /**
   * Replaces a publishing snapshot's document. Only for rewrites that keep its meaning (artifact
   * URLs replaced by the service's copies of the same images); the version stays what it was.
   */
  async rewriteVersion(
    publisherId: string,
    offerId: string,
    version: number,
    document: Record<string, unknown>,
  ): Promise<void> {
    const versions = await this.tables(TABLE.offerVersions);
    const row = await versions.getEntity<Record<string, unknown>>(publisherId, versionKey(offerId, version));
    await versions.updateEntity(
      {
        partitionKey: publisherId,
        rowKey: versionKey(offerId, version),
        CreatedTime: row.CreatedTime,
        Revision: row.Revision,
        ...toChunks(document),
      },
      'Replace',
      { etag: String(row.etag) },
    );
  }

  /**
   * Replaces the draft's document if the draft still is the one read (ETag-guarded); false when the
   * partner saved in between, so the caller can read again and decide.
   */
  async updateDraftIf(offer: StoredOffer, document: Record<string, unknown>): Promise<boolean> {
    const t = await this.offers();
    try {
      await t.updateEntity(
        {
          partitionKey: offer.publisherId,
          rowKey: offer.offerId,
          Title: offer.title,
          Revision: offer.revision + 1,
          PublishedVersion: offer.publishedVersion,
          Live: offer.live,
          ChangedTime: offer.changedTime,
          ...toChunks(document),
          // A rewrite is no save of the partner's: the last save's entry stays with the row.
          ...historyColumn(offer.pendingHistory),
        },
        'Replace',
        { etag: offer.etag },
      );
      return true;
    } catch (e) {
      if (isConflict(e)) return false;
      throw e;
    }
  }

  async setLive(publisherId: string, offerId: string, live: boolean): Promise<void> {
    const t = await this.offers();
    await t.updateEntity({ partitionKey: publisherId, rowKey: offerId, Live: live }, 'Merge');
  }

  async writeSlot(
    publisherId: string,
    offerId: string,
    slot: 'preview' | 'production',
    listing: unknown,
    version: number,
    now: string,
  ): Promise<void> {
    const slots = await this.tables(TABLE.offerSlots);
    await slots.upsertEntity(
      {
        partitionKey: publisherId,
        rowKey: `${offerId}|${slot}`,
        Version: version,
        ChangedTime: now,
        ...toChunks(listing),
      },
      'Replace',
    );
  }

  async clearSlot(publisherId: string, offerId: string, slot: 'preview' | 'production'): Promise<void> {
    const slots = await this.tables(TABLE.offerSlots);
    await slots.deleteEntity(publisherId, `${offerId}|${slot}`).catch((e) => {
      if (!isNotFound(e)) throw e;
    });
  }

  async slot<T>(
    publisherId: string,
    offerId: string,
    slot: 'preview' | 'production',
  ): Promise<{ listing: T; version: number } | undefined> {
    const slots = await this.tables(TABLE.offerSlots);
    try {
      const e = await slots.getEntity<Record<string, unknown>>(publisherId, `${offerId}|${slot}`);
      return { listing: fromChunks<T>(e), version: Number(e.Version) };
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }
}

function versionKey(offerId: string, version: number): string {
  return `${offerId}|${String(version).padStart(6, '0')}`;
}

function historyColumn(entry: HistoryEntry | undefined): { History?: string } {
  return entry ? { History: JSON.stringify(entry) } : {};
}

function toOffer(e: Record<string, unknown>): StoredOffer {
  return {
    publisherId: String(e.partitionKey),
    offerId: String(e.rowKey),
    document: fromChunks(e),
    revision: Number(e.Revision ?? 0),
    publishedVersion: Number(e.PublishedVersion ?? 0),
    title: textColumn(e.Title),
    changedTime: textColumn(e.ChangedTime),
    etag: String(e.etag),
    live: Boolean(e.Live),
    ...(typeof e.History === 'string' ? { pendingHistory: JSON.parse(e.History) as HistoryEntry } : {}),
  };
}
