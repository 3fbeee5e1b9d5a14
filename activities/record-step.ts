import * as df from 'durable-functions';
import type { RecordStepInput } from '../domain/publishing/contract';
import { ACTIVITY } from '../domain/publishing/stages';
import { applyStepChange } from '../domain/publishing/status';
import { nowIso, statuses } from './_shared/context';

export type { RecordStepInput };

/** Writes one step change into the offer's status, unless a newer publish has taken over. */
export async function recordStep(input: RecordStepInput): Promise<void> {
  await statuses.update(input.publisherId, input.offerId, nowIso, (s) =>
    s.publishingVersion === input.version ? applyStepChange(s, input.change, nowIso()) : undefined,
  );
}

df.app.activity(ACTIVITY.recordStep, { handler: recordStep });
