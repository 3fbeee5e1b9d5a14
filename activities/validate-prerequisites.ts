import * as df from 'durable-functions';
import { validatePrerequisites as rules } from '../domain/offer/prerequisites';
import { ACTIVITY, PublishRef, StageOutcome } from '../domain/publishing/stages';
import { snapshot } from './_shared/context';

/** Step 1: the same completeness rules the Publish API applies, on the immutable snapshot. */
export async function validatePrerequisites(ref: PublishRef): Promise<StageOutcome> {
  const doc = await snapshot(ref);
  const warnings = rules(ref.offerId, doc);
  if (warnings.length) return { ok: false, messages: warnings.map((w) => ({ level: 'error', text: `${w.path}: ${w.message}` })) };
  return { ok: true, messages: [{ level: 'information', text: 'All required fields are present and valid.' }] };
}

df.app.activity(ACTIVITY.validatePrerequisites, { handler: validatePrerequisites });
