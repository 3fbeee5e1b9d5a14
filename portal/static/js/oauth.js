// @ts-check
// Sign-in with the configured issuer (Microsoft Entra ID, or the development issuer locally): the
// OAuth 2.0 authorization-code flow with PKCE (RFC 7636, S256), as a public client in the browser.
// The verifier and state stay in this tab's sessionStorage between leaving for the issuer and
// coming back; the code is redeemed once and the address is cleaned of it at once.
import { API_BASE } from './config.js';

const PENDING = 'offer-go-live.signin';

/**
 * @typedef {{ enabled: boolean, issuer?: string, authorizationEndpoint?: string, tokenEndpoint?: string,
 *   clientId?: string, scope?: string }} AuthConfig
 */

/** @returns {Promise<AuthConfig>} the portal's sign-in settings; sign-in is off when they cannot be read */
export async function authConfig() {
  try {
    const r = await fetch(`${API_BASE}/auth/config`, { cache: 'no-store', credentials: 'omit' });
    return r.ok ? /** @type {AuthConfig} */ (await r.json()) : { enabled: false };
  } catch {
    return { enabled: false };
  }
}

/** @param {Uint8Array} bytes */
const base64url = (bytes) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const randomString = () => base64url(crypto.getRandomValues(new Uint8Array(32)));
/** The redirect URI registered for the portal: the page itself, without query or fragment. */
const redirectUri = () => `${location.origin}${location.pathname}`;

/**
 * Leaves for the issuer's sign-in page.
 * @param {AuthConfig} config
 */
export async function startSignIn(config) {
  const verifier = randomString();
  const state = randomString();
  const challenge = base64url(
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))),
  );
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, hash: location.hash }));
  const url = new URL(/** @type {string} */ (config.authorizationEndpoint));
  url.search = new URLSearchParams({
    client_id: /** @type {string} */ (config.clientId),
    response_type: 'code',
    redirect_uri: redirectUri(),
    scope: /** @type {string} */ (config.scope),
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    response_mode: 'query',
  }).toString();
  location.assign(url.href);
}

/**
 * Back from the issuer: redeems the code for an access token, or explains what went wrong.
 * Null when this page load is not a return from the issuer.
 * @returns {Promise<{ token: string, hash: string } | { error: string } | null>}
 */
export async function completeSignIn() {
  const params = new URLSearchParams(location.search);
  if (!params.has('code') && !params.has('error')) return null;
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? 'null');
  sessionStorage.removeItem(PENDING);
  history.replaceState(null, '', `${location.pathname}${pending?.hash ?? ''}`);
  if (params.has('error'))
    return { error: `Sign-in was not completed: ${params.get('error_description') ?? params.get('error')}` };
  if (!pending || params.get('state') !== pending.state)
    return { error: 'That sign-in answer was not for this tab (state mismatch). Sign in again.' };
  const config = await authConfig();
  if (!config.enabled || !config.tokenEndpoint) return { error: 'Sign-in with your organisation is not configured.' };
  try {
    const r = await fetch(config.tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: /** @type {string} */ (config.clientId),
        code: /** @type {string} */ (params.get('code')),
        redirect_uri: redirectUri(),
        code_verifier: pending.verifier,
      }),
      credentials: 'omit',
    });
    const body = await r.json();
    if (!r.ok || typeof body.access_token !== 'string')
      return { error: `The sign-in could not be completed: ${body.error_description ?? body.error ?? r.status}` };
    return { token: body.access_token, hash: pending.hash ?? '' };
  } catch {
    return { error: 'The sign-in service could not be reached. Try again.' };
  }
}
