// Support requests partners open from a failed publish (`SupportRequests` table, PartitionKey =
// publisher, RowKey = ticket id), read by the partner's own API and by the ops console.
import { randomBytes } from 'node:crypto';
import { odata, TableClient, TableEntityResult } from '@azure/data-tables';
import { isConflict, isNotFound, table } from '../storage/connection';
import { TABLE } from '../storage/table-names';

export const SUPPORT_REQUESTS_TABLE = TABLE.supportRequests;
export type SupportRequestState = 'open' | 'resolved';

export interface SupportRequest {
  ticketId: string;
  publisherId: string;
  offerId: string;
  publishingVersion: number;
  /** The publish status when the request was opened, e.g. failed. */
  offerStatus: string;
  /** The step that rejected the publish (absent when nothing failed). */
  failingStep?: string;
  failingStepName?: string;
  /** The step's error messages as the partner saw them. */
  failingMessage?: string;
  description: string;
  state: SupportRequestState;
  createdTime: string;
  changedTime: string;
  /** Whether SUPPORT_EMAIL was told; the reason when not. */
  notified: boolean;
  notificationError?: string;
}

// Ticket ids are read out over the phone: no 0/O or 1/I.
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** `SR-20260131-7KQ2XM`: the day it was opened plus 6 random characters. */
export function newTicketId(now: Date, random: Buffer = randomBytes(6)): string {
  const day = now.toISOString().slice(0, 10).replace(/-/g, '');
  const suffix = Array.from(random.subarray(0, 6), (b) => ALPHABET[b % ALPHABET.length]).join('');
  return `SR-${day}-${suffix}`;
}

type Row = Omit<SupportRequest, 'ticketId' | 'publisherId'>;

function fromRow(e: TableEntityResult<Row>): SupportRequest {
  return {
    ticketId: e.rowKey!,
    publisherId: e.partitionKey!,
    offerId: e.offerId,
    publishingVersion: Number(e.publishingVersion),
    offerStatus: e.offerStatus,
    failingStep: e.failingStep || undefined,
    failingStepName: e.failingStepName || undefined,
    failingMessage: e.failingMessage || undefined,
    description: e.description,
    state: e.state,
    createdTime: e.createdTime,
    changedTime: e.changedTime,
    notified: Boolean(e.notified),
    notificationError: e.notificationError || undefined,
  };
}

export class SupportRequestConflict extends Error {}

export class SupportRequestStore {
  private client(): Promise<TableClient> {
    return table(SUPPORT_REQUESTS_TABLE);
  }

  async create(r: SupportRequest): Promise<void> {
    const { ticketId, publisherId, ...row } = r;
    try {
      await (await this.client()).createEntity({ partitionKey: publisherId, rowKey: ticketId, ...row });
    } catch (e) {
      if (isConflict(e)) throw new SupportRequestConflict(`Support request ${ticketId} already exists.`);
      throw e;
    }
  }

  async get(publisherId: string, ticketId: string): Promise<SupportRequest | undefined> {
    try {
      return fromRow(await (await this.client()).getEntity<Row>(publisherId, ticketId));
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  async update(publisherId: string, ticketId: string, patch: Partial<Row>): Promise<void> {
    await (await this.client()).updateEntity({ partitionKey: publisherId, rowKey: ticketId, ...patch }, 'Merge');
  }

  async delete(publisherId: string, ticketId: string): Promise<void> {
    await (await this.client()).deleteEntity(publisherId, ticketId).catch((e) => {
      if (!isNotFound(e)) throw e;
    });
  }

  /** One publisher's requests (optionally for one offer), newest first. */
  async forPublisher(publisherId: string, offerId?: string): Promise<SupportRequest[]> {
    const filter = offerId
      ? odata`PartitionKey eq ${publisherId} and offerId eq ${offerId}`
      : odata`PartitionKey eq ${publisherId}`;
    return this.query(filter);
  }

  /**
   * Every publisher's requests in a state, for the ops console. A cross-partition scan: fine for
   * the hundreds of open requests a support team works through.
   */
  async inState(state: SupportRequestState, max = 500): Promise<SupportRequest[]> {
    return this.query(odata`state eq ${state}`, max);
  }

  private async query(filter: string, max = 1000): Promise<SupportRequest[]> {
    const out: SupportRequest[] = [];
    for await (const e of (await this.client()).listEntities<Row>({ queryOptions: { filter } })) {
      out.push(fromRow(e));
      if (out.length >= max) break;
    }
    return out.sort((a, b) => b.createdTime.localeCompare(a.createdTime));
  }
}
