import { blocking, validatePrerequisites as rules } from '../domain/offer/prerequisites';
import { PublishRef, StageOutcome } from '../domain/publishing/stages';
import { snapshot, Stores } from './_shared/context';

/** Step 1: the same completeness rules the Publish API applies, on the immutable snapshot. */
export function makeValidatePrerequisites(d: Pick<Stores, 'offers'>) {
  return async function validatePrerequisites(ref: PublishRef): Promise<StageOutcome> {
    const doc = await snapshot(d.offers, ref);
    const warnings = rules(ref.offerId, doc);
    const errors = blocking(warnings);
    if (errors.length)
      return { ok: false, messages: errors.map((w) => ({ level: 'error', text: `${w.path}: ${w.message}` })) };
    const notices = warnings
      .filter((w) => !errors.includes(w))
      .map((w) => ({ level: 'warning' as const, text: `${w.path}: ${w.message}` }));
    return {
      ok: true,
      messages: [{ level: 'information', text: 'All required fields are present and valid.' }, ...notices],
    };
  };
}
