import { odata } from '@azure/data-tables';
import { Lead } from '../../domain/leads/lead';
import { isNotFound, queueService, table } from '../storage/connection';
import { TABLE } from '../storage/table-names';

export type LeadState = 'pending' | 'delivered' | 'failed';
export const LEAD_STATES: readonly LeadState[] = ['pending', 'delivered', 'failed'];

/** A customer's lead as recorded before delivery; personal data, shown only to its publisher. */
export interface CustomerLeadRecord {
  leadId: string;
  publisherId: string;
  offerId: string;
  lead: Lead;
  state: LeadState;
  attempts: number;
  lastError?: string;
  destination?: string;
  createdTime: string;
  changedTime: string;
  deliveredTime?: string;
}

/** What the delivery queue carries: a reference only, so personal data stays in the table. */
export interface LeadDeliveryMessage {
  publisherId: string;
  leadId: string;
  /** How many times the message was re-enqueued after its dequeue budget ran low. */
  round: number;
}

export const LEAD_DELIVERY_QUEUE = 'lead-deliveries';

/** Customer leads partitioned by publisher (`CustomerLeads`), so a publisher's list never scans others'. */
export class LeadStore {
  async create(r: CustomerLeadRecord): Promise<void> {
    const t = await table(TABLE.customerLeads);
    await t.createEntity({ partitionKey: r.publisherId, rowKey: r.leadId, ...columns(r) });
  }

  async get(publisherId: string, leadId: string): Promise<CustomerLeadRecord | undefined> {
    const t = await table(TABLE.customerLeads);
    try {
      return toRecord(await t.getEntity<Record<string, unknown>>(publisherId, leadId));
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  async update(r: CustomerLeadRecord): Promise<void> {
    const t = await table(TABLE.customerLeads);
    await t.upsertEntity({ partitionKey: r.publisherId, rowKey: r.leadId, ...columns(r) }, 'Replace');
  }

  async delete(publisherId: string, leadId: string): Promise<void> {
    const t = await table(TABLE.customerLeads);
    await t.deleteEntity(publisherId, leadId).catch((e) => {
      if (!isNotFound(e)) throw e;
    });
  }

  async list(
    publisherId: string,
    state: LeadState | undefined,
    top: number,
    continuationToken?: string,
  ): Promise<{ leads: CustomerLeadRecord[]; continuationToken?: string }> {
    const t = await table(TABLE.customerLeads);
    const filter = state
      ? odata`PartitionKey eq ${publisherId} and State eq ${state}`
      : odata`PartitionKey eq ${publisherId}`;
    const page = await t
      .listEntities<Record<string, unknown>>({ queryOptions: { filter } })
      .byPage({ maxPageSize: top, continuationToken })
      .next();
    if (page.done || !page.value) return { leads: [] };
    return { leads: page.value.map(toRecord), continuationToken: page.value.continuationToken };
  }
}

let queueReady: Promise<unknown> | undefined;

/**
 * Enqueues a delivery, base64-encoded as the queue trigger expects. The message never expires
 * (TTL -1): a lead waiting for a CRM that is down for a week must not silently vanish.
 */
export async function enqueueDelivery(message: LeadDeliveryMessage, delaySeconds = 0): Promise<void> {
  const q = queueService().getQueueClient(LEAD_DELIVERY_QUEUE);
  queueReady ??= q.createIfNotExists().catch((e) => {
    queueReady = undefined;
    throw e;
  });
  await queueReady;
  await q.sendMessage(Buffer.from(JSON.stringify(message)).toString('base64'), {
    visibilityTimeout: delaySeconds,
    messageTimeToLive: -1,
  });
}

/** Lead ids sort by creation time (then random), so a publisher's list comes oldest first. */
export function newLeadId(nowMs: number, random: string): string {
  return `${nowMs.toString(36).padStart(9, '0')}-${random}`;
}

function columns(r: CustomerLeadRecord) {
  return {
    OfferId: r.offerId,
    State: r.state,
    Attempts: r.attempts,
    LastError: r.lastError ?? '',
    Destination: r.destination ?? '',
    CreatedTime: r.createdTime,
    ChangedTime: r.changedTime,
    DeliveredTime: r.deliveredTime ?? '',
    Lead: JSON.stringify(r.lead),
  };
}

function toRecord(e: Record<string, unknown>): CustomerLeadRecord {
  const s = (k: string) => (typeof e[k] === 'string' && e[k] ? e[k] : undefined);
  return {
    leadId: String(e.rowKey),
    publisherId: String(e.partitionKey),
    offerId: String(e.OfferId),
    lead: JSON.parse(String(e.Lead)) as Lead,
    state: String(e.State) as LeadState,
    attempts: Number(e.Attempts ?? 0),
    lastError: s('LastError'),
    destination: s('Destination'),
    createdTime: String(e.CreatedTime),
    changedTime: String(e.ChangedTime),
    deliveredTime: s('DeliveredTime'),
  };
}
