// @ts-check
// The ops console: orchestration instances and support requests, authorised by the ops key
// (OPS_ADMIN_KEY). Publisher keys are refused by the API.
import { api, errorMessage } from './api.js';
import { focusView, h, replace } from './dom.js';
import { instanceView } from './ops/instance.js';
import { instancesView } from './ops/instances.js';
import { clearOpsSession, opsSession, saveOpsSession } from './ops/session.js';
import { supportView } from './ops/support.js';

/** @typedef {{ el: HTMLElement, dispose?: () => void }} View */

const main = /** @type {HTMLElement} */ (document.getElementById('main'));
const nav = /** @type {HTMLElement} */ (document.getElementById('nav'));
const account = /** @type {HTMLElement} */ (document.getElementById('account'));
const who = /** @type {HTMLElement} */ (document.getElementById('who'));
/** @type {View | null} */
let current = null;

/** @returns {View} */
function signIn() {
  const heading = h('h1', {}, 'Ops console sign-in');
  const key = h('input', {
    id: 'ops-key',
    type: 'password',
    required: true,
    autocomplete: 'current-password',
    'aria-describedby': 'ops-key-hint ops-signin-error',
  });
  const error = h('p', { id: 'ops-signin-error', class: 'form-error', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const el = h(
    'section',
    { class: 'narrow' },
    heading,
    h(
      'form',
      {
        class: 'stack',
        novalidate: true,
        onsubmit: async (/** @type {Event} */ e) => {
          e.preventDefault();
          error.hidden = true;
          if (!key.value.trim()) return fail('Enter the ops admin key.');
          submit.disabled = true;
          const r = await api('/ops/whoami', { key: key.value.trim() });
          submit.disabled = false;
          if (r.ok) {
            saveOpsSession({ key: key.value.trim(), readOnly: Boolean(r.data.readOnly) });
            location.hash = '#/instances';
            show();
            return;
          }
          if (r.status === 401)
            return fail('That is not the ops admin key. Publisher API keys cannot open the ops console.');
          if (r.status === 403) return fail(errorMessage(r));
          fail(errorMessage(r));
        },
      },
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'ops-key' }, 'Ops admin key'),
        h(
          'p',
          { class: 'hint', id: 'ops-key-hint' },
          'The OPS_ADMIN_KEY of this deployment. Kept in this browser tab only.',
        ),
        key,
      ),
      error,
      h('div', { class: 'actions' }, submit),
    ),
    h('p', { class: 'hint' }, 'Partners: use the ', h('a', { href: 'index.html' }, 'partner portal'), '.'),
  );
  /** @param {string} message */
  function fail(message) {
    error.textContent = message;
    error.hidden = false;
    key.setAttribute('aria-invalid', 'true');
    key.focus();
  }
  queueMicrotask(() => {
    focusView(heading);
    key.focus();
  });
  return { el };
}

/** @returns {View} */
function route() {
  const session = opsSession();
  if (!session) return signIn();
  const [path] = location.hash.replace(/^#/, '').split('?');
  const parts = path
    .split('/')
    .filter(Boolean)
    .map((p) => decodeURIComponent(p));
  if (parts.length === 0 || (parts[0] === 'instances' && parts.length === 1)) return instancesView({ session });
  if (parts[0] === 'instances' && parts.length === 2) return instanceView({ session, instanceId: parts[1] });
  if (parts[0] === 'support' && parts.length === 1) return supportView({ session });
  const heading = h('h1', {}, 'Page not found');
  queueMicrotask(() => focusView(heading));
  return { el: h('section', {}, heading, h('p', {}, h('a', { href: '#/instances' }, 'Go to the orchestrations'))) };
}

function show() {
  current?.dispose?.();
  const session = opsSession();
  nav.hidden = !session;
  account.hidden = !session;
  who.textContent = session ? `Ops${session.readOnly ? ' (read-only)' : ''}` : '';
  current = route();
  replace(main, current.el);
  const section = `#/${location.hash.replace(/^#\//, '').split(/[/?]/)[0] || 'instances'}`;
  for (const a of nav.querySelectorAll('a')) {
    if (a.getAttribute('href') === section) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

document.getElementById('signout')?.addEventListener('click', () => {
  clearOpsSession();
  location.hash = '';
  show();
});
document.querySelector('.skip-link')?.addEventListener('click', (e) => {
  e.preventDefault();
  focusView(main);
});
window.addEventListener('hashchange', show);
show();
