import type { TableClient } from '@azure/data-tables';
import { fromChunks, toChunks } from '../storage/chunked-json';
import { isConflict, isNotFound, table } from '../storage/connection';
import { TABLE } from '../storage/table-names';
import { neverPublished } from '../../domain/publishing/lifecycle';
import type { PublishStatus } from '../../domain/publishing/status';

export interface StatusRecord {
  status: PublishStatus;
  etag?: string;
}

export class StatusConflict extends Error {}

/** What callers need of the status table; the Azure Tables store and the tests' in-memory one both give it. */
export interface StatusRecords {
  get(publisherId: string, offerId: string, now: string): Promise<StatusRecord>;
  /** Writes if nobody changed the record since it was read (etag), else throws StatusConflict. */
  put(publisherId: string, offerId: string, record: StatusRecord, next: PublishStatus): Promise<string>;
  /** Read-modify-write with retries on concurrent changes; `change` returns undefined to leave it as is. */
  update(
    publisherId: string,
    offerId: string,
    now: () => string,
    change: (s: PublishStatus) => PublishStatus | undefined,
  ): Promise<PublishStatus>;
}

/** The read-modify-write loop of `StatusRecords.update`, over any store's get and put. */
export async function updateStatus(
  store: Pick<StatusRecords, 'get' | 'put'>,
  publisherId: string,
  offerId: string,
  now: () => string,
  change: (s: PublishStatus) => PublishStatus | undefined,
): Promise<PublishStatus> {
  for (let attempt = 0; ; attempt++) {
    const rec = await store.get(publisherId, offerId, now());
    const next = change(rec.status);
    if (!next) return rec.status;
    try {
      await store.put(publisherId, offerId, rec, next);
      return next;
    } catch (e) {
      if (!(e instanceof StatusConflict) || attempt >= 20) throw e;
    }
  }
}

/** The publish status of each offer (`PublishStatus` table, PartitionKey = publisher): what the API and portal read. */
export class StatusStore implements StatusRecords {
  private readonly inFlight = new Map<string, Promise<StatusRecord>>();

  constructor(private readonly tables: (name: string) => Promise<TableClient> = table) {}

  /**
   * A read for the status API: concurrent requests for the same offer share one table read
   * (single flight), so a crowd polling one offer costs one read at a time and sees no older data
   * than a read started after it asked.
   */
  getShared(publisherId: string, offerId: string, now: string): Promise<StatusRecord> {
    const key = `${publisherId}/${offerId}`;
    let p = this.inFlight.get(key);
    if (!p) {
      p = this.get(publisherId, offerId, now).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, p);
    }
    return p;
  }

  async get(publisherId: string, offerId: string, now: string): Promise<StatusRecord> {
    const t = await this.tables(TABLE.publishStatus);
    try {
      const e = await t.getEntity<Record<string, unknown>>(publisherId, offerId);
      return { status: fromChunks<PublishStatus>(e), etag: String(e.etag) };
    } catch (e) {
      if (isNotFound(e)) return { status: neverPublished(now) };
      throw e;
    }
  }

  /** Writes if nobody changed the record since it was read (etag), else throws StatusConflict. */
  async put(publisherId: string, offerId: string, record: StatusRecord, next: PublishStatus): Promise<string> {
    const t = await this.tables(TABLE.publishStatus);
    const entity = {
      partitionKey: publisherId,
      rowKey: offerId,
      Status: next.status,
      PublishingVersion: next.publishingVersion ?? 0,
      ...toChunks(next),
    };
    try {
      if (record.etag) return (await t.updateEntity(entity, 'Replace', { etag: record.etag })).etag!;
      return (await t.createEntity(entity)).etag!;
    } catch (e) {
      if (isConflict(e)) throw new StatusConflict('The publish status changed concurrently.');
      throw e;
    }
  }

  update(
    publisherId: string,
    offerId: string,
    now: () => string,
    change: (s: PublishStatus) => PublishStatus | undefined,
  ): Promise<PublishStatus> {
    return updateStatus(this, publisherId, offerId, now, change);
  }
}
