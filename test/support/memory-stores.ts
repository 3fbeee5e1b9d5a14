// In-memory stores with the interfaces the activities are built from, for unit tests without
// Azurite. They live under test/ rather than adapters/: production never chooses them (storage is
// chosen by configuration, always Azure Tables or Azurite), so shipping them would only add code
// that nothing in Azure runs. The status store keeps the ETag rule (a put over a changed record is
// a StatusConflict) and reuses the real read-modify-write loop.
import {
  historyRowKey,
  keyRange,
  type HistoryPage,
  type HistoryRecords,
  type HistoryScopeRef,
} from '../../adapters/audit/history-store';
import type { HistoryEntry } from '../../domain/audit/history-entry';
import type { HistoryQuery } from '../../domain/audit/history-query';
import type { StoredOffer, PublishingOffers } from '../../adapters/offers/offer-store';
import type { Operation, OperationRecords, SubmissionState } from '../../adapters/offers/operation-store';
import { StatusConflict, StatusRecord, StatusRecords, updateStatus } from '../../adapters/offers/status-store';
import { neverPublished } from '../../domain/publishing/lifecycle';
import type { PublishStatus } from '../../domain/publishing/status';

const key = (...parts: (string | number)[]) => parts.join('|');
const copy = <T>(v: T): T => structuredClone(v);

export class MemoryStatusStore implements StatusRecords {
  readonly records = new Map<string, { status: PublishStatus; etag: string }>();
  private counter = 0;
  /** Puts made (for a test to see how many writes a change took). */
  puts = 0;

  async get(publisherId: string, offerId: string, now: string): Promise<StatusRecord> {
    const r = this.records.get(key(publisherId, offerId));
    return r ? { status: copy(r.status), etag: r.etag } : { status: neverPublished(now) };
  }

  async put(publisherId: string, offerId: string, record: StatusRecord, next: PublishStatus): Promise<string> {
    const current = this.records.get(key(publisherId, offerId));
    if ((current?.etag ?? undefined) !== record.etag)
      throw new StatusConflict('The publish status changed concurrently.');
    const etag = `W/"${++this.counter}"`;
    this.records.set(key(publisherId, offerId), { status: copy(next), etag });
    this.puts++;
    return etag;
  }

  update(
    publisherId: string,
    offerId: string,
    now: () => string,
    change: (s: PublishStatus) => PublishStatus | undefined,
  ): Promise<PublishStatus> {
    return updateStatus(this, publisherId, offerId, now, change);
  }

  /** The stored status (throws when there is none: a test expecting one should fail loudly). */
  status(publisherId: string, offerId: string): PublishStatus {
    const r = this.records.get(key(publisherId, offerId));
    if (!r) throw new Error(`no status for ${publisherId}/${offerId}`);
    return copy(r.status);
  }

  seed(publisherId: string, offerId: string, status: PublishStatus): void {
    this.records.set(key(publisherId, offerId), { status: copy(status), etag: `W/"${++this.counter}"` });
  }
}

export class MemoryOperationStore implements OperationRecords {
  readonly ops = new Map<string, Operation>();

  async put(op: Operation): Promise<void> {
    this.ops.set(key(op.publisherId, op.id), copy(op));
  }

  async get(publisherId: string, id: string): Promise<Operation | undefined> {
    const op = this.ops.get(key(publisherId, id));
    return op && copy(op);
  }

  async update(publisherId: string, id: string, patch: Partial<Operation>): Promise<void> {
    const op = await this.get(publisherId, id);
    if (op) await this.put({ ...op, ...patch });
  }

  async forOffer(publisherId: string, offerId: string, states?: readonly SubmissionState[]): Promise<Operation[]> {
    return [...this.ops.values()]
      .filter((o) => o.publisherId === publisherId && o.offerId === offerId)
      .filter((o) => !states || states.includes(o.submissionState))
      .map(copy)
      .sort((a, b) => b.changedTime.localeCompare(a.changedTime));
  }
}

type Slot = 'preview' | 'production';

export class MemoryOfferStore implements PublishingOffers {
  readonly drafts = new Map<string, StoredOffer>();
  readonly versions = new Map<string, Record<string, unknown>>();
  readonly slots = new Map<string, { listing: unknown; version: number; changedTime: string }>();

  async get(publisherId: string, offerId: string): Promise<StoredOffer | undefined> {
    const o = this.drafts.get(key(publisherId, offerId));
    return o && copy(o);
  }

  async version(publisherId: string, offerId: string, version: number): Promise<Record<string, unknown> | undefined> {
    const v = this.versions.get(key(publisherId, offerId, version));
    return v && copy(v);
  }

  async rewriteVersion(publisherId: string, offerId: string, version: number, document: Record<string, unknown>) {
    if (!this.versions.has(key(publisherId, offerId, version))) throw new Error('no such version');
    this.versions.set(key(publisherId, offerId, version), copy(document));
  }

  async updateDraftIf(offer: StoredOffer, document: Record<string, unknown>): Promise<boolean> {
    const current = this.drafts.get(key(offer.publisherId, offer.offerId));
    if (!current || current.etag !== offer.etag) return false;
    this.drafts.set(key(offer.publisherId, offer.offerId), {
      ...current,
      document: copy(document),
      revision: current.revision + 1,
      etag: `${current.etag}+`,
    });
    return true;
  }

  async setLive(publisherId: string, offerId: string, live: boolean): Promise<void> {
    const o = this.drafts.get(key(publisherId, offerId));
    if (!o) throw Object.assign(new Error('not found'), { statusCode: 404 });
    o.live = live;
  }

  async writeSlot(publisherId: string, offerId: string, slot: Slot, listing: unknown, version: number, now: string) {
    this.slots.set(key(publisherId, offerId, slot), { listing: copy(listing), version, changedTime: now });
  }

  async clearSlot(publisherId: string, offerId: string, slot: Slot): Promise<void> {
    this.slots.delete(key(publisherId, offerId, slot));
  }

  async slot<T>(
    publisherId: string,
    offerId: string,
    slot: Slot,
  ): Promise<{ listing: T; version: number } | undefined> {
    const s = this.slots.get(key(publisherId, offerId, slot));
    return s && { listing: copy(s.listing) as T, version: s.version };
  }

  /** A draft and its publishing snapshot `version`, as a publish leaves them. */
  seed(publisherId: string, offerId: string, version: number, document: Record<string, unknown>): void {
    this.drafts.set(key(publisherId, offerId), {
      publisherId,
      offerId,
      document: copy(document),
      revision: 1,
      publishedVersion: version,
      title: offerId,
      changedTime: '2026-01-01T00:00:00.000Z',
      etag: 'W/"draft"',
      live: false,
    });
    this.versions.set(key(publisherId, offerId, version), copy(document));
  }
}

/** The History table's rule in memory: one row per entry (same id and time), read newest first. */
export class MemoryHistoryStore implements HistoryRecords {
  readonly rows = new Map<string, HistoryEntry>();

  async append(entry: HistoryEntry): Promise<void> {
    const k = key(entry.publisherId, historyRowKey(entry));
    if (!this.rows.has(k)) this.rows.set(k, copy(entry));
  }

  async list(scope: HistoryScopeRef, query: HistoryQuery, page: { top: number }): Promise<HistoryPage> {
    const { lo, hi } = keyRange(scope.offerId, query);
    const items = [...this.rows.entries()]
      .filter(([k]) => k.startsWith(`${scope.publisherId}|`))
      .map(([k, e]) => ({ rk: k.slice(scope.publisherId.length + 1), e }))
      .filter(({ rk }) => rk >= lo && rk < hi)
      .sort((a, b) => (a.rk < b.rk ? -1 : 1))
      .map(({ e }) => e)
      .filter((e) => !query.events || query.events.includes(e.event))
      .filter(
        (e) =>
          !query.actor || (e.actor.kind === query.actor.kind && (!query.actor.id || e.actor.id === query.actor.id)),
      );
    return { items: items.slice(0, page.top).map(copy) };
  }
}
