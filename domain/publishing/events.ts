// External events the publish orchestration waits for; shared by the orchestrator and the HTTP API.
import type { Acting } from '../audit/actor';

export const GO_LIVE_EVENT = 'GoLive';
export const CANCEL_EVENT = 'Cancel';

export interface SignoffEvent {
  operationId: string;
  requestedAt: string;
  /** Who signed off, for the history. Absent when ops raised the event by hand from the console. */
  by?: Acting;
}

/** What starts a publish orchestration. */
export interface PublishInput {
  publisherId: string;
  offerId: string;
  version: number;
  operationId: string;
  notificationEmails: string[];
  retry: RetrySettings;
  /**
   * Who asked for the publish, for the history. Absent in orchestrations started before history
   * existed: those replay their old sequence of calls (see orchestrators/publish-offer.ts).
   */
  by?: Acting;
}

export interface RetrySettings {
  firstRetryIntervalMs: number;
  maxAttempts: number;
}

/** One orchestration per publishing version: a repeated start of the same version is refused by the engine. */
export function publishInstanceId(publisherId: string, offerId: string, version: number): string {
  return `publish:${publisherId}:${offerId}:v${version}`;
}
