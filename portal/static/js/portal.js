// @ts-check
// The partner portal: a hash router over the views. Links are relative ("#/offers/x"), so the
// portal works wherever it is served from; the API is reached through API_BASE (config.js).
import { api } from './api.js';
import { focusView, h, replace } from './dom.js';
import { completeSignIn } from './oauth.js';
import { clearSession, currentSession, saveSession } from './session.js';
import { editorView } from './views/editor.js';
import { historyView } from './views/history.js';
import { leadsView } from './views/leads.js';
import { offersView } from './views/offers.js';
import { outboxView } from './views/outbox.js';
import { signInView } from './views/signin.js';
import { statusView } from './views/status.js';
import { usersView } from './views/users.js';

/** @typedef {{ el: HTMLElement, dispose?: () => void }} View */

const main = /** @type {HTMLElement} */ (document.getElementById('main'));
const nav = /** @type {HTMLElement} */ (document.getElementById('nav'));
const account = /** @type {HTMLElement} */ (document.getElementById('account'));
const who = /** @type {HTMLElement} */ (document.getElementById('who'));
const usersLink = /** @type {HTMLElement} */ (document.getElementById('nav-users'));
/** @type {View | null} */
let current = null;
/** What the last organisation sign-in came back with, shown on the sign-in page. */
/** @type {string | undefined} */
let notice;

/** @returns {View} */
function route() {
  const session = currentSession();
  const path = location.hash.replace(/^#/, '') || '/offers';
  // After signing in, the page asked for (a bookmarked status page, say) opens.
  if (!session)
    return signInView({
      notice,
      onSignedIn: () => (!location.hash || location.hash === '#/signin' ? (location.hash = '#/offers') : show()),
    });
  const parts = path
    .split('/')
    .filter(Boolean)
    .map((p) => decodeURIComponent(p));
  if (parts[0] === 'signin' || (parts[0] === 'offers' && parts.length === 1)) return offersView({ session });
  if (parts[0] === 'new' && parts.length === 1) return editorView({ session });
  if (parts[0] === 'offers' && parts.length === 2) return editorView({ session, offerId: parts[1] });
  if (parts[0] === 'offers' && parts.length === 3 && parts[2] === 'status')
    return statusView({ session, offerId: parts[1] });
  if (parts[0] === 'offers' && parts.length === 3 && parts[2] === 'history')
    return historyView({ session, offerId: parts[1] });
  if (parts[0] === 'outbox' && parts.length === 1) return outboxView({ session });
  if (parts[0] === 'leads' && parts.length === 1) return leadsView({ session });
  if (parts[0] === 'users' && parts.length === 1) return usersView({ session });
  const heading = h('h1', {}, 'Page not found');
  queueMicrotask(() => focusView(heading));
  return {
    el: h(
      'section',
      {},
      heading,
      h('p', {}, 'There is no such page in the portal. '),
      h('p', {}, h('a', { href: '#/offers' }, 'Go to all offers')),
    ),
  };
}

function show() {
  current?.dispose?.();
  const session = currentSession();
  nav.hidden = !session;
  account.hidden = !session;
  who.textContent = session
    ? `Signed in as ${session.name ? `${session.name}, ` : ''}${session.publisherId}${session.role ? ` (${session.role})` : ''}`
    : '';
  usersLink.hidden = session?.role !== 'Owner';
  current = route();
  replace(main, current.el);
  markNav();
}

/** aria-current on the section the address is in. */
function markNav() {
  const active = `#/${(location.hash.replace(/^#\//, '') || 'offers').split('/')[0]}`;
  for (const a of nav.querySelectorAll('a')) {
    if (a.getAttribute('href') === active) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

document.getElementById('signout')?.addEventListener('click', () => {
  clearSession();
  location.hash = '#/signin';
  show();
});
// The skip link moves focus without touching the router's hash.
document.querySelector('.skip-link')?.addEventListener('click', (e) => {
  e.preventDefault();
  focusView(main);
});
window.addEventListener('hashchange', show);
// A view that changed the address without navigating (a new offer saved) asks for this.
window.addEventListener('portal:navigated', markNav);

/**
 * Back from the issuer with an access token: the API says which publishers the person belongs to
 * (a token names a person, not a publisher); the first one is opened.
 */
async function finishOrganisationSignIn() {
  const result = await completeSignIn();
  if (!result) return;
  if ('error' in result) {
    notice = result.error;
    return;
  }
  const r = await api('/me', { key: result.token });
  const me =
    /** @type {{ id?: string, displayName?: string, publishers?: { publisherId: string, role: string }[] }} */ (
      r.data ?? {}
    );
  const first = me.publishers?.[0];
  if (!r.ok || !first) {
    notice = r.ok
      ? `You are signed in as ${me.displayName ?? me.id}, but not yet a user of any publisher. Ask your publisher's Owner to add your object id ${me.id}.`
      : `The sign-in was not accepted: ${r.data?.error?.message ?? r.status}`;
    return;
  }
  saveSession({ publisherId: first.publisherId, key: result.token, role: first.role, name: me.displayName });
  notice = undefined;
}

void finishOrganisationSignIn().then(show);
