import { RetrySettings } from '../../domain/publishing/events';

/**
 * How stages retry transient faults. Read here (not in the orchestrator, which must stay
 * deterministic) and passed in the orchestration input, where replay sees the same values.
 */
export function retrySettings(env: NodeJS.ProcessEnv = process.env): RetrySettings {
  const first = Number(env.PUBLISH_RETRY_FIRST_MS ?? 2000);
  const attempts = Number(env.PUBLISH_RETRY_ATTEMPTS ?? 4);
  return {
    firstRetryIntervalMs: Number.isFinite(first) && first > 0 ? first : 2000,
    maxAttempts: Number.isInteger(attempts) && attempts >= 1 ? attempts : 4,
  };
}
