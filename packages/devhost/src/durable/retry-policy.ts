import { RetryState } from './instance-store';

/** Delay before the next attempt, as DTFx's RetryInterceptor computes it. */
export function retryDelayMs(retry: RetryState): number {
  const o = retry.options;
  const coefficient = o.backoffCoefficient && o.backoffCoefficient > 0 ? o.backoffCoefficient : 1;
  let delay = o.firstRetryIntervalInMilliseconds * Math.pow(coefficient, retry.attempt - 1);
  if (o.maxRetryIntervalInMilliseconds && o.maxRetryIntervalInMilliseconds > 0)
    delay = Math.min(delay, o.maxRetryIntervalInMilliseconds);
  return Math.max(0, Math.round(delay));
}
