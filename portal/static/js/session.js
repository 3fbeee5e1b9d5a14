// @ts-check
// The signed-in publisher: id, credential (an API key or an access token) and role, in
// sessionStorage (this tab only, gone when it closes).

const KEY = 'offer-go-live.publisher';

/** @typedef {{ publisherId: string, key: string, role?: string, name?: string }} Session */

/** @returns {Session | null} */
export function currentSession() {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY) ?? 'null');
    return s && typeof s.publisherId === 'string' && typeof s.key === 'string' ? s : null;
  } catch {
    return null;
  }
}

/** @param {Session} s */
export function saveSession(s) {
  sessionStorage.setItem(KEY, JSON.stringify(s));
}

export function clearSession() {
  sessionStorage.removeItem(KEY);
}
