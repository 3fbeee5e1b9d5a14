// One ops-key rule (adapters/auth/ops-key.ts) for both ops surfaces, key administration and the
// ops console: the same check and outcomes, each surface naming itself in its answers.
import { HttpRequest } from '@azure/functions';
import { checkOpsKey } from '../../adapters/auth/ops-key';
import { fail } from './http';

export interface OpsSurface {
  /** The 403 code and message while OPS_ADMIN_KEY is not set. */
  disabled: { code: string; message: string };
  /** Added to the 401 message (e.g. that publisher keys are not accepted). */
  refusedNote?: string;
}

export function requireOpsKey(request: HttpRequest, surface: OpsSurface): void {
  const check = checkOpsKey(request.headers.get('authorization'));
  if (check === 'disabled') fail(403, surface.disabled.code, surface.disabled.message);
  if (check === 'refused')
    fail(
      401,
      'Unauthorized',
      `An ops admin key is required: "Authorization: Bearer <OPS_ADMIN_KEY>".${surface.refusedNote ? ` ${surface.refusedNote}` : ''}`,
    );
}
