// @ts-check
import { API_BASE } from './config.js';

/**
 * @typedef {{ path?: string, rule?: string, message: string }} ErrorDetail
 * @typedef {{ error?: { code?: string, message?: string, details?: ErrorDetail[] } }} ErrorBody
 * @typedef {{ status: number, ok: boolean, data: any, headers: Headers }} ApiResponse
 */

/**
 * Calls the HTTP API. Never throws: a network failure comes back as status 0 with a readable
 * error body, so every caller handles one shape.
 * `body` is sent as JSON; `raw` (a file) is sent as it is, typed by a `content-type` header or
 * else by the file's own type.
 * @param {string} path under API_BASE, starting with "/"
 * @param {{ method?: string, body?: unknown, raw?: Blob, key?: string, headers?: Record<string, string> }} [options]
 * @returns {Promise<ApiResponse>}
 */
export async function api(path, options = {}) {
  /** @type {Record<string, string>} */
  // The service's history names the channel a command came through (the portal, here).
  const headers = { accept: 'application/json', 'x-offers-client': 'portal', ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  else if (options.raw !== undefined) headers['content-type'] ??= options.raw.type || 'application/octet-stream';
  let res;
  try {
    res = await fetch(`${API_BASE}${path}`, {
      method: options.method ?? 'GET',
      headers,
      body: options.body !== undefined ? JSON.stringify(options.body) : options.raw,
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch {
    return {
      status: 0,
      ok: false,
      headers: new Headers(),
      data: {
        error: {
          code: 'NetworkError',
          message: 'The service could not be reached. Check your connection and try again.',
        },
      },
    };
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { error: { code: `HTTP${res.status}`, message: text.slice(0, 300) } };
    }
  }
  return { status: res.status, ok: res.ok, data, headers: res.headers };
}

/**
 * The message a person should read for a failed call.
 * @param {ApiResponse} r
 * @param {Record<number, string>} [byStatus] friendlier texts for particular statuses
 */
export function errorMessage(r, byStatus = {}) {
  const body = /** @type {ErrorBody | null} */ (r.data);
  const fromApi = body?.error?.message;
  if (byStatus[r.status]) return fromApi ? `${byStatus[r.status]} (${fromApi})` : byStatus[r.status];
  if (fromApi) return fromApi;
  return `The request failed (HTTP ${r.status}).`;
}

/** @param {ApiResponse} r @returns {ErrorDetail[]} */
export function errorDetails(r) {
  const details = /** @type {ErrorBody | null} */ (r.data)?.error?.details;
  return Array.isArray(details) ? details : [];
}

/** @param {string} segment */
export const enc = (segment) => encodeURIComponent(segment);
