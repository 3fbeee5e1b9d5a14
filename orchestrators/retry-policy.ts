// One retry policy for every stage activity: transient faults (storage throttling, a CRM timing
// out) are retried with exponential backoff; a partner's wrong input is never thrown, so never retried.
import * as df from 'durable-functions';
import { RetrySettings } from '../domain/publishing/events';
import { StageOutcome } from '../domain/publishing/stages';

export function retryPolicy(settings: RetrySettings): df.RetryOptions {
  const retry = new df.RetryOptions(settings.firstRetryIntervalMs, settings.maxAttempts);
  retry.backoffCoefficient = 2;
  retry.maxRetryIntervalInMilliseconds = 60_000;
  return retry;
}

/**
 * What a failed activity said, as a partner can read it: the first line of the error the replay
 * raises (`<reason> \n <details>`, so trimmed), without the engine's "Activity function … failed:".
 */
export function failureText(e: unknown): string {
  const first = e instanceof Error ? e.message.split('\n')[0].trim() : String(e);
  return first.replace(/^Activity function '[^']+' failed: /, '');
}

/** The outcome of a stage whose retries were exhausted: reported at the step, actionable. */
export function transientFailure(e: unknown): StageOutcome {
  return {
    ok: false,
    messages: [{ level: 'error', text: `The step kept failing after several retries: ${failureText(e)}` }],
  };
}
