import { odata, type TableClient } from '@azure/data-tables';
import type { Operation, SubmissionState } from '../../domain/publishing/operation-view';
import { isNotFound, table } from '../storage/connection';
import { TABLE } from '../storage/table-names';

export type { Operation, SubmissionState, SubmissionType } from '../../domain/publishing/operation-view';

/** The submissions (operations) of offers; the Azure Tables store and the tests' in-memory one both give it. */
export interface OperationRecords {
  put(op: Operation): Promise<void>;
  get(publisherId: string, id: string): Promise<Operation | undefined>;
  /** Merges `patch` into the operation, if it exists. */
  update(publisherId: string, id: string, patch: Partial<Operation>): Promise<void>;
  forOffer(publisherId: string, offerId: string, states?: readonly SubmissionState[]): Promise<Operation[]>;
}

export class OperationStore implements OperationRecords {
  constructor(private readonly tables: (name: string) => Promise<TableClient> = table) {}

  async put(op: Operation): Promise<void> {
    const t = await this.tables(TABLE.operations);
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
    const t = await this.tables(TABLE.operations);
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
    const t = await this.tables(TABLE.operations);
    const filter = odata`PartitionKey eq ${publisherId} and OfferId eq ${offerId}`;
    const ops: Operation[] = [];
    for await (const e of t.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
      if (!states || states.includes(e.State as SubmissionState)) ops.push(JSON.parse(String(e.Json)) as Operation);
    }
    return ops.sort((a, b) => b.changedTime.localeCompare(a.changedTime));
  }
}
