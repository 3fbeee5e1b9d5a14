// @ts-check
import { api, enc, errorMessage } from '../api.js';
import { focusView, h, uid } from '../dom.js';
import { authConfig, startSignIn } from '../oauth.js';
import { saveSession } from '../session.js';

/**
 * Sign in with a publisher id and its API key. The pair is checked against the API (a list of
 * one offer) before it is kept, so a wrong key is reported here and not on the next page.
 * Above it, when the service has an issuer configured, sign-in with the organisation's account
 * (Microsoft Entra ID). `notice` is what the last sign-in attempt came back with.
 * @param {{ onSignedIn: () => void, notice?: string }} ctx
 */
export function signInView(ctx) {
  const organisation = h('div', { class: 'stack', hidden: true });
  void authConfig().then((config) => {
    if (!config.enabled) return;
    organisation.append(
      h('h2', {}, 'With your organisation account'),
      h(
        'button',
        { type: 'button', class: 'primary', onclick: () => void startSignIn(config) },
        'Sign in with Microsoft Entra ID',
      ),
      h('h2', {}, 'With a publisher key'),
    );
    organisation.hidden = false;
  });
  const notice = h('p', { class: 'form-error', role: 'alert', hidden: !ctx.notice }, ctx.notice ?? '');
  const errorId = uid('signin-error');
  const error = h('p', { id: errorId, class: 'form-error', role: 'alert', hidden: true });
  const publisher = h('input', {
    id: 'signin-publisher',
    name: 'publisherId',
    required: true,
    autocomplete: 'username',
    spellcheck: 'false',
    autocapitalize: 'none',
    pattern: '[a-z0-9][a-z0-9-]{0,49}',
    'aria-describedby': `signin-publisher-hint ${errorId}`,
  });
  const key = h('input', {
    id: 'signin-key',
    name: 'key',
    type: 'password',
    required: true,
    autocomplete: 'current-password',
    'aria-describedby': errorId,
  });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Sign in');

  /** @param {Event} e */
  async function onSubmit(e) {
    e.preventDefault();
    const publisherId = publisher.value.trim();
    const secret = key.value.trim();
    error.hidden = true;
    if (!publisherId || !secret)
      return show('Enter your publisher id and your API key.', !publisherId ? publisher : key);
    submit.disabled = true;
    submit.textContent = 'Signing in…';
    const r = await api(`/publishers/${enc(publisherId)}/offers?top=1`, { key: secret });
    submit.disabled = false;
    submit.textContent = 'Sign in';
    if (r.ok) {
      saveSession({ publisherId, key: secret, role: 'Owner' });
      ctx.onSignedIn();
      return;
    }
    if (r.status === 401) return show('That key is not valid or has been revoked. Check it and try again.', key);
    // The API answers 404 for a key of another publisher, so it never confirms who exists.
    if (r.status === 404)
      return show(`That key does not belong to publisher "${publisherId}". Check the publisher id.`, publisher);
    show(errorMessage(r), publisher);
  }

  /** @param {string} message @param {HTMLInputElement} field */
  function show(message, field) {
    error.textContent = message;
    error.hidden = false;
    field.setAttribute('aria-invalid', 'true');
    field.focus();
  }

  const heading = h('h1', {}, 'Sign in');
  const el = h(
    'section',
    { class: 'narrow' },
    heading,
    h(
      'p',
      {},
      'Use your organisation account, or your publisher id and the API key your marketplace contact gave you. They are kept in this browser tab only.',
    ),
    notice,
    organisation,
    h(
      'form',
      { class: 'stack', novalidate: true, onsubmit: onSubmit },
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'signin-publisher' }, 'Publisher id'),
        h('p', { id: 'signin-publisher-hint', class: 'hint' }, 'Lowercase letters, digits and "-", e.g. contoso.'),
        publisher,
      ),
      h('div', { class: 'field' }, h('label', { for: 'signin-key' }, 'API key'), key),
      error,
      h('div', { class: 'actions' }, submit),
    ),
    h('p', { class: 'hint' }, 'Operations staff: use the ', h('a', { href: 'ops.html' }, 'ops console'), '.'),
  );
  queueMicrotask(() => {
    focusView(heading);
    publisher.focus();
  });
  return { el };
}
