import { fromChunks, toChunks } from '../storage/chunked-json';
import { isConflict, isNotFound, table } from '../storage/connection';
import { neverPublished, PublishStatus } from '../../domain/publishing/status';

export interface StatusRecord {
  status: PublishStatus;
  etag?: string;
}

export class StatusConflict extends Error {}

/** The publish status of each offer (`PublishStatus` table, PartitionKey = publisher): what the API and portal read. */
export class StatusStore {
  private readonly inFlight = new Map<string, Promise<StatusRecord>>();

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
    const t = await table('PublishStatus');
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
    const t = await table('PublishStatus');
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

  /** Read-modify-write with retries on concurrent changes; `change` returns undefined to leave it as is. */
  async update(
    publisherId: string,
    offerId: string,
    now: () => string,
    change: (s: PublishStatus) => PublishStatus | undefined,
  ): Promise<PublishStatus> {
    for (let attempt = 0; ; attempt++) {
      const rec = await this.get(publisherId, offerId, now());
      const next = change(rec.status);
      if (!next) return rec.status;
      try {
        await this.put(publisherId, offerId, rec, next);
        return next;
      } catch (e) {
        if (!(e instanceof StatusConflict) || attempt >= 20) throw e;
      }
    }
  }
}
