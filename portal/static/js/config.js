// @ts-check
/**
 * Where the HTTP API lives, as seen from the pages. Every API call is built from this one
 * constant, so moving the portal (or the API's route prefix) is a one-line change here.
 */
export const API_BASE = '/api';

/** How often the status page asks for news while a publish is under way (ms). */
export const STATUS_POLL_MS = 1500;

/** How often the ops console refreshes when auto-refresh is on (ms). */
export const OPS_REFRESH_MS = 5000;
