// The Durable management API helpers, from the devhost package.
import { durableHttp } from '@offer-go-live/devhost';

export const { start, status, waitForStatus, raise, advanceClock } = durableHttp;
export type Status = durableHttp.Status;
