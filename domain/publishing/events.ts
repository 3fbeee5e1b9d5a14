// External events the publish orchestration waits for; shared by the orchestrator and the HTTP API.
export const GO_LIVE_EVENT = 'GoLive';
export const CANCEL_EVENT = 'Cancel';

export interface SignoffEvent {
  operationId: string;
  requestedAt: string;
}

/** What starts a publish orchestration. */
export interface PublishInput {
  publisherId: string;
  offerId: string;
  version: number;
  operationId: string;
  notificationEmails: string[];
  retry: RetrySettings;
}

export interface RetrySettings {
  firstRetryIntervalMs: number;
  maxAttempts: number;
}

/** One orchestration per publishing version: a repeated start of the same version is refused by the engine. */
export function publishInstanceId(publisherId: string, offerId: string, version: number): string {
  return `publish:${publisherId}:${offerId}:v${version}`;
}
