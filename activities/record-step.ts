import type { RecordStepInput } from '../domain/publishing/contract';
import { recordTransitions, Stores } from './_shared/context';

export type { RecordStepInput };

/** Writes one transition of a stage (started, completed, rejected) into the offer's status. */
export function makeRecordStep(d: Pick<Stores, 'statuses' | 'now'>) {
  return async function recordStep(input: RecordStepInput): Promise<void> {
    await recordTransitions(d, input, [input.transition]);
  };
}
