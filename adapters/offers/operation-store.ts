import { odata } from '@azure/data-tables';
import type { Operation, SubmissionState } from '../../domain/publishing/operation-view';
import { isNotFound, table } from '../storage/connection';

export type { Operation, SubmissionState, SubmissionType } from '../../domain/publishing/operation-view';

export class OperationStore {
  async put(op: Operation): Promise<void> {
    const t = await table('Operations');
    await t.upsertEntity(
      {
        partitionKey: op.publisherId,
        rowKey: op.id,
        OfferId: op.offerId,
        State: op.submissionState,
        Type: op.submissionType,
        Json: JSON.stringify(op),
      },
      'Replace',
    );
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

  /** The offer's operations, newest first; `states` keeps only those in one of these states. */
  async forOffer(publisherId: string, offerId: string, states?: readonly SubmissionState[]): Promise<Operation[]> {
    const t = await table('Operations');
    const filter = odata`PartitionKey eq ${publisherId} and OfferId eq ${offerId}`;
    const ops: Operation[] = [];
    for await (const e of t.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
      if (!states || states.includes(e.State as SubmissionState)) ops.push(JSON.parse(String(e.Json)) as Operation);
    }
    return ops.sort((a, b) => b.changedTime.localeCompare(a.changedTime));
  }
}
