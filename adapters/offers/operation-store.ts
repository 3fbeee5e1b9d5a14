import { odata } from '@azure/data-tables';
import { isNotFound, table } from '../storage/connection';

export type SubmissionType = 'publish' | 'golive' | 'cancel';
export type SubmissionState = 'inProgress' | 'succeeded' | 'failed' | 'canceled';

/** One operation (submission) on an offer, in the shape of the Cloud Partner Portal API. */
export interface Operation {
  id: string;
  offerId: string;
  offerVersion: number;
  offerTypeId: string;
  publisherId: string;
  submissionType: SubmissionType;
  submissionState: SubmissionState;
  publishingVersion: number;
  slot: 'preview' | 'production';
  definition: { metadata: { emails: string[] } };
  changedTime: string;
  cancellationRequestState: 'none' | 'requested' | 'completed';
  message?: string;
}

export class OperationStore {
  async put(op: Operation): Promise<void> {
    const t = await table('Operations');
    await t.upsertEntity({ partitionKey: op.publisherId, rowKey: op.id, OfferId: op.offerId, State: op.submissionState, Type: op.submissionType, Json: JSON.stringify(op) }, 'Replace');
  }

  async get(publisherId: string, id: string): Promise<Operation | undefined> {
    const t = await table('Operations');
    try {
      return JSON.parse(String((await t.getEntity<Record<string, unknown>>(publisherId, id)).Json)) as Operation;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  async update(publisherId: string, id: string, patch: Partial<Operation>): Promise<void> {
    const op = await this.get(publisherId, id);
    if (op) await this.put({ ...op, ...patch });
  }

  async forOffer(publisherId: string, offerId: string, state?: string): Promise<Operation[]> {
    const t = await table('Operations');
    const filter = state ? odata`PartitionKey eq ${publisherId} and OfferId eq ${offerId} and State eq ${state}` : odata`PartitionKey eq ${publisherId} and OfferId eq ${offerId}`;
    const ops: Operation[] = [];
    for await (const e of t.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) ops.push(JSON.parse(String(e.Json)) as Operation);
    return ops.sort((a, b) => b.changedTime.localeCompare(a.changedTime));
  }
}
