// The History table: append-only, PartitionKey = publisher (one publisher's reads never touch
// another's rows), RowKey = `{scope}|{inverted time}|{entry id}`, where scope is `offer:{offerId}`
// or `account`. Table storage returns rows in key order, so an offer's history comes newest first
// from one range of one partition, and a date range is a narrower key range: no scan, no sort.
// Event and actor filters are evaluated by the service inside that range. A continuation token only
// says where to resume (in the service's own encoding); the filter still holds the read to this
// publisher and scope, so a token made for another offer or publisher can never reveal their rows.
import { odata, TableClient } from '@azure/data-tables';
import type { HistoryEntry } from '../../domain/audit/history-entry';
import type { HistoryQuery } from '../../domain/audit/history-query';
import { isConflict, table } from '../storage/connection';
import { TABLE } from '../storage/table-names';

const MAX_TIME = 9_999_999_999_999;
/** Enough service round trips to fill a page when the filters match sparsely, yet bounded. */
const MAX_ROUND_TRIPS = 10;

export interface HistoryPage {
  items: HistoryEntry[];
  /** Pass back for the next (older) page; absent on the last one. */
  continuationToken?: string;
}

/** Where to read: an offer's history, or the account's (offerId undefined). */
export interface HistoryScopeRef {
  publisherId: string;
  offerId?: string;
}

/** What commands and readers need of the history; the Azure Tables store and the tests' in-memory one give it. */
export interface HistoryRecords {
  /** Writes the entry once: writing the same entry (same id and time) again changes nothing. */
  append(entry: HistoryEntry): Promise<void>;
  list(
    scope: HistoryScopeRef,
    query: HistoryQuery,
    page: { top: number; continuationToken?: string },
  ): Promise<HistoryPage>;
}

export function scopeKey(offerId: string | undefined): string {
  return offerId === undefined ? 'account' : `offer:${offerId}`;
}

function inverted(ms: number): string {
  return String(MAX_TIME - ms).padStart(13, '0');
}

export function historyRowKey(e: Pick<HistoryEntry, 'offerId' | 'time' | 'id'>): string {
  return `${scopeKey(e.offerId)}|${inverted(Date.parse(e.time))}|${e.id}`;
}

/** The key range of a scope and date range: newer rows have smaller keys. */
export function keyRange(offerId: string | undefined, q: HistoryQuery): { lo: string; hi: string } {
  const s = `${scopeKey(offerId)}|`;
  return {
    lo: q.toMs !== undefined ? `${s}${inverted(q.toMs)}` : s,
    hi: q.fromMs !== undefined ? `${s}${inverted(q.fromMs)}|~` : `${s}~`,
  };
}

function filterOf(scope: HistoryScopeRef, q: HistoryQuery): string {
  const { lo, hi } = keyRange(scope.offerId, q);
  const parts = [odata`PartitionKey eq ${scope.publisherId} and RowKey ge ${lo} and RowKey lt ${hi}`];
  if (q.events?.length) parts.push(`(${q.events.map((e) => odata`Event eq ${e}`).join(' or ')})`);
  if (q.actor) parts.push(odata`ActorKind eq ${q.actor.kind}`);
  if (q.actor?.id !== undefined) parts.push(odata`ActorId eq ${q.actor.id}`);
  return parts.join(' and ');
}

export class HistoryStore implements HistoryRecords {
  constructor(private readonly tables: (name: string) => Promise<TableClient> = table) {}

  async append(e: HistoryEntry): Promise<void> {
    const t = await this.tables(TABLE.history);
    try {
      await t.createEntity({
        partitionKey: e.publisherId,
        rowKey: historyRowKey(e),
        Event: e.event,
        ActorKind: e.actor.kind,
        ActorId: e.actor.id,
        Origin: e.origin,
        Time: e.time,
        OfferId: e.offerId ?? '',
        Entry: JSON.stringify(e),
      });
    } catch (err) {
      // Append-only: the row exists, so this very entry was written before (a re-run, a flush).
      if (!isConflict(err)) throw err;
    }
  }

  async list(
    scope: HistoryScopeRef,
    query: HistoryQuery,
    page: { top: number; continuationToken?: string },
  ): Promise<HistoryPage> {
    const t = await this.tables(TABLE.history);
    const filter = filterOf(scope, query);
    const items: HistoryEntry[] = [];
    let token = page.continuationToken;
    // The service may answer a filtered query with a short page and a token; keep reading until the
    // page is full or the range is done, so a caller's page is short only at the end.
    for (let trip = 0; trip < MAX_ROUND_TRIPS && items.length < page.top; trip++) {
      const next = await t
        .listEntities<{ Entry: string }>({ queryOptions: { filter, select: ['Entry'] } })
        .byPage({ maxPageSize: page.top - items.length, continuationToken: token })
        .next();
      const rows = next.done ? undefined : next.value;
      if (!rows) {
        token = undefined;
        break;
      }
      for (const r of rows) items.push(JSON.parse(r.Entry) as HistoryEntry);
      token = rows.continuationToken;
      if (!token) break;
    }
    return { items, continuationToken: token };
  }
}
