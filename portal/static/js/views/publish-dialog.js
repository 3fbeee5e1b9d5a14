// @ts-check
import { api, enc, errorDetails, errorMessage } from '../api.js';
import { h, uid } from '../dom.js';

/**
 * @typedef {import('../session.js').Session} Session
 * @typedef {import('../api.js').ErrorDetail} ErrorDetail
 */

/**
 * Publish: asks for the notification e-mail address(es), then sends the request.
 * 202 → onPublished; 422 → onWarnings with one warning per field (the dialog closes so the
 * partner can fix them); 400/409 are shown in the dialog.
 * @param {{ session: Session, offerId: string, defaultEmails: string, onPublished: () => void, onWarnings: (warnings: ErrorDetail[], message: string) => void }} options
 */
export function openPublishDialog(options) {
  const opener = /** @type {HTMLElement | null} */ (document.activeElement);
  const errorId = uid('publish-error');
  const emails = h('input', {
    id: 'publish-emails',
    name: 'emails',
    type: 'text',
    inputmode: 'email',
    autocomplete: 'email',
    required: true,
    spellcheck: 'false',
    'aria-describedby': `publish-emails-hint ${errorId}`,
  });
  emails.value = options.defaultEmails;
  const error = h('div', { id: errorId, class: 'form-error', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Publish');
  const dialog = h(
    'dialog',
    { class: 'dialog', 'aria-labelledby': 'publish-title', id: 'publish-dialog' },
    h(
      'form',
      { class: 'stack', novalidate: true, onsubmit: onSubmit },
      h('h2', { id: 'publish-title' }, `Publish ${options.offerId}`),
      h(
        'p',
        {},
        'Publishing validates the offer, certifies the image, provisions it to every region and packages the listing. You will be asked to sign off on the preview before it goes live.',
      ),
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'publish-emails' }, 'Notification e-mails'),
        h(
          'p',
          { class: 'hint', id: 'publish-emails-hint' },
          'Who to e-mail about progress and problems: one or more addresses separated by commas.',
        ),
        emails,
      ),
      error,
      h('div', { class: 'actions' }, submit, h('button', { type: 'button', onclick: () => dialog.close() }, 'Cancel')),
    ),
  );
  dialog.addEventListener('close', () => {
    dialog.remove();
    opener?.focus();
  });

  /** @param {Event} e */
  async function onSubmit(e) {
    e.preventDefault();
    error.hidden = true;
    emails.removeAttribute('aria-invalid');
    if (!emails.value.trim()) return fail('Enter at least one e-mail address.');
    submit.disabled = true;
    submit.textContent = 'Publishing…';
    const r = await api(`/publishers/${enc(options.session.publisherId)}/offers/${enc(options.offerId)}/publish`, {
      method: 'POST',
      key: options.session.key,
      body: { metadata: { 'notification-emails': emails.value.trim() } },
    });
    submit.disabled = false;
    submit.textContent = 'Publish';
    if (r.status === 202) {
      dialog.close();
      options.onPublished();
      return;
    }
    if (r.status === 422) {
      dialog.close();
      options.onWarnings(errorDetails(r), errorMessage(r));
      return;
    }
    if (r.status === 400) return fail(errorMessage(r));
    if (r.status === 409) {
      error.replaceChildren(
        h('p', {}, errorMessage(r)),
        h(
          'p',
          {},
          h(
            'a',
            { href: `#/offers/${enc(options.offerId)}/status`, onclick: () => dialog.close() },
            'See the current status',
          ),
        ),
      );
      error.hidden = false;
      return;
    }
    error.textContent = errorMessage(r);
    error.hidden = false;
  }

  /** @param {string} message */
  function fail(message) {
    error.textContent = message;
    error.hidden = false;
    emails.setAttribute('aria-invalid', 'true');
    emails.focus();
  }

  document.body.append(dialog);
  dialog.showModal();
  emails.focus();
  return dialog;
}

/**
 * A confirmation as a modal dialog (focus kept inside, Escape cancels).
 * @param {{ title: string, body: string, confirm: string, cancel?: string, danger?: boolean }} o
 * @returns {Promise<boolean>}
 */
export function confirmDialog(o) {
  const opener = /** @type {HTMLElement | null} */ (document.activeElement);
  return new Promise((resolve) => {
    let result = false;
    const titleId = uid('confirm-title');
    const yes = h(
      'button',
      {
        type: 'button',
        class: o.danger ? 'danger' : 'primary',
        onclick: () => {
          result = true;
          dialog.close();
        },
      },
      o.confirm,
    );
    const dialog = h(
      'dialog',
      { class: 'dialog', 'aria-labelledby': titleId, role: 'alertdialog' },
      h('h2', { id: titleId }, o.title),
      h('p', {}, o.body),
      h(
        'div',
        { class: 'actions' },
        yes,
        h('button', { type: 'button', onclick: () => dialog.close() }, o.cancel ?? 'Keep it'),
      ),
    );
    dialog.addEventListener('close', () => {
      dialog.remove();
      opener?.focus();
      resolve(result);
    });
    document.body.append(dialog);
    dialog.showModal();
    yes.focus();
  });
}
