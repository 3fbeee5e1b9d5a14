// @ts-check
// The ops key (OPS_ADMIN_KEY) in sessionStorage, and whether the console is read-only.

const KEY = 'offer-go-live.ops';

/** @typedef {{ key: string, readOnly: boolean }} OpsSession */

/** @returns {OpsSession | null} */
export function opsSession() {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY) ?? 'null');
    return s && typeof s.key === 'string' ? { key: s.key, readOnly: Boolean(s.readOnly) } : null;
  } catch {
    return null;
  }
}

/** @param {OpsSession} s */
export function saveOpsSession(s) {
  sessionStorage.setItem(KEY, JSON.stringify(s));
}

export function clearOpsSession() {
  sessionStorage.removeItem(KEY);
}

const AUTO = 'offer-go-live.ops.autoRefresh';
export const autoRefresh = {
  get: () => sessionStorage.getItem(AUTO) !== 'off',
  /** @param {boolean} on */
  set: (on) => sessionStorage.setItem(AUTO, on ? 'on' : 'off'),
};
