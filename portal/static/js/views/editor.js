// @ts-check
import { api, enc, errorDetails, errorMessage } from '../api.js';
import { announce, badge, focusView, formatTime, h, replace } from '../dom.js';
import { FieldRegistry, ImageUploads, MP, offerForm } from './offer-form.js';
import { showNotFound } from './offers.js';
import { openPublishDialog } from './publish-dialog.js';

/**
 * @typedef {import('../session.js').Session} Session
 * @typedef {import('./offer-form.js').OfferDoc} OfferDoc
 * @typedef {import('./offer-form.js').Warning} Warning
 */

const OFFER_ID = /^[a-z0-9][a-z0-9-]{0,49}$/;

/**
 * The top-level fields of the offer document that are the partner's besides `definition` (the
 * others — id, version, status, eTag, changedTime — are the service's). The form does not edit
 * them; they are sent back as loaded, so a save through the portal does not drop them.
 */
const PARTNER_OWNED = ['offerTypeVersions'];

/** Warnings handed over from another page (a 422 answered to Publish on the status page). */
const pending = new Map();

/**
 * Opens the editor of `offerId` showing these warnings.
 * @param {string} offerId @param {Warning[]} warnings @param {string} message
 */
export function openEditorWithWarnings(offerId, warnings, message) {
  pending.set(offerId, { warnings, message });
  location.hash = `#/offers/${enc(offerId)}`;
}

/**
 * The offer editor: the whole offer document, saved with If-Match (ETag); Publish from here.
 * @param {{ session: Session, offerId?: string }} ctx
 */
export function editorView({ session, offerId }) {
  const el = h('section', { class: 'editor' }, h('p', { role: 'status' }, 'Loading the offer…'));
  let isNew = offerId === undefined;
  let id = offerId ?? '';
  /** @type {string | null} */
  let etag = null;
  let dirty = false;
  let status = 'neverPublished';
  let lastEmails = '';
  /** @type {OfferDoc} */
  let doc = { definition: { offer: {}, plans: [] } };
  /** The partner's top-level fields other than the definition, as loaded (PARTNER_OWNED). @type {Record<string, unknown>} */
  let owned = {};
  const reg = new FieldRegistry();
  // The image pickers upload to the offer, so they wait for a new offer's first save.
  const uploads = new ImageUploads(session, isNew ? null : id);

  const onBeforeUnload = (/** @type {BeforeUnloadEvent} */ e) => {
    if (dirty) e.preventDefault();
  };
  window.addEventListener('beforeunload', onBeforeUnload);

  async function load() {
    if (!isNew) {
      const base = `/publishers/${enc(session.publisherId)}/offers/${enc(id)}`;
      const [r, s] = await Promise.all([api(base, { key: session.key }), api(`${base}/status`, { key: session.key })]);
      if (r.status === 404) return showNotFound(el, `There is no offer "${id}" for publisher ${session.publisherId}.`);
      if (!r.ok)
        return replace(el, h('h1', {}, 'Offer'), h('p', { class: 'form-error', role: 'alert' }, errorMessage(r)));
      etag = r.headers.get('etag') ?? r.data.eTag ?? null;
      status = r.data.status ?? 'neverPublished';
      const definition = r.data.definition ?? {};
      doc = {
        definition: {
          ...definition,
          offer: definition.offer ?? {},
          plans: Array.isArray(definition.plans) ? definition.plans : [],
        },
      };
      owned = Object.fromEntries(
        PARTNER_OWNED.filter((k) => r.data[k] !== undefined && r.data[k] !== null).map((k) => [k, r.data[k]]),
      );
      if (s.ok) lastEmails = s.data.notificationEmails ?? '';
    }
    render();
  }

  // ---- view ----
  const heading = h('h1');
  const meta = h('p', { class: 'meta' });
  const summary = h('div', { class: 'summary', id: 'editor-summary', tabindex: -1, hidden: true });
  const saveState = h('p', { class: 'save-state', role: 'status', id: 'save-state' });
  const saveButton = h('button', { type: 'submit', class: 'primary', id: 'save-offer' }, 'Save draft');
  const publishButton = h('button', { type: 'button', id: 'publish-offer', onclick: () => void publish() }, 'Publish…');

  function markDirty() {
    dirty = true;
    saveState.textContent = 'Unsaved changes.';
  }

  function render() {
    const title = doc.definition.offer[MP + 'title'];
    heading.textContent = isNew ? 'New offer' : `Edit ${title || id}`;
    renderMeta();
    const idField = isNew ? newIdField() : null;
    const form = h(
      'form',
      {
        class: 'offer-form',
        id: 'offer-form',
        novalidate: true,
        onsubmit: (/** @type {Event} */ e) => {
          e.preventDefault();
          void save();
        },
      },
      idField,
      ...offerForm(doc, reg, markDirty, { hasStoredSecrets: !isNew, uploads }),
      h('div', { class: 'action-bar' }, saveButton, publishButton, saveState),
    );
    replace(el, heading, meta, summary, form);
    const handed = pending.get(id);
    if (handed) {
      pending.delete(id);
      showWarnings(handed.warnings, handed.message);
    } else focusView(heading);
  }

  function renderMeta() {
    replace(
      meta,
      isNew ? 'Not saved yet.' : h('span', {}, 'Offer id ', h('code', {}, id)),
      isNew ? null : h('span', {}, ' · State ', badge(status)),
      isNew ? null : h('span', {}, ' · ', h('a', { href: `#/offers/${enc(id)}/status` }, 'Publishing status')),
      isNew ? null : h('span', {}, ' · ', h('a', { href: `#/offers/${enc(id)}/history` }, 'History')),
    );
  }

  function newIdField() {
    const input = h('input', {
      id: 'offer-id',
      required: true,
      autocomplete: 'off',
      spellcheck: 'false',
      autocapitalize: 'none',
      'aria-describedby': 'offer-id-hint',
    });
    input.value = id;
    const slot = h('div', { class: 'field-warnings', id: 'offer-id-warnings', hidden: true });
    input.addEventListener('input', () => {
      id = input.value.trim();
      markDirty();
    });
    reg.add({ el: input, path: () => ['id'], slot, control: input, label: 'Offer id' });
    return h(
      'div',
      { class: 'field' },
      h('label', { for: 'offer-id' }, 'Offer id', h('span', { class: 'required' }, ' (required)')),
      h(
        'p',
        { class: 'hint', id: 'offer-id-hint' },
        'Up to 50 lowercase letters, digits and "-"; it cannot change once the offer is live.',
      ),
      input,
      slot,
    );
  }

  /**
   * Shows warnings at their fields plus a summary whose entries move focus to each field.
   * @param {Warning[]} warnings @param {string} message @param {string} [title]
   */
  function showWarnings(warnings, message, title) {
    const results = reg.apply(warnings);
    replace(
      summary,
      h(
        'h2',
        {},
        title ?? `${warnings.length} field${warnings.length === 1 ? ' needs' : 's need'} attention before publishing`,
      ),
      message ? h('p', {}, message) : null,
      h(
        'ul',
        {},
        ...results.map(({ warning, target }) =>
          h(
            'li',
            { 'data-warning-path': warning.path ?? '' },
            target
              ? h(
                  'button',
                  { type: 'button', class: 'link-button', onclick: () => focusTarget(target) },
                  warning.message,
                )
              : warning.message,
          ),
        ),
      ),
    );
    summary.hidden = false;
    summary.focus();
    announce(`${warnings.length} problem${warnings.length === 1 ? '' : 's'} to fix.`);
  }

  /** @param {string} title @param {import('../dom.js').Child[]} body */
  function showProblem(title, ...body) {
    reg.clearWarnings();
    replace(summary, h('h2', {}, title), ...body);
    summary.hidden = false;
    summary.focus();
  }

  /** @param {import('./offer-form.js').Registered} target */
  function focusTarget(target) {
    const control =
      target.control ?? /** @type {HTMLElement | null} */ (target.el.querySelector('input, select, textarea, button'));
    // A field inside a closed <details> must be visible before it can take focus.
    const details = target.el.closest('details');
    if (details) details.open = true;
    (control ?? target.el).scrollIntoView({ block: 'center' });
    (control ?? target.el).focus();
  }

  /** Saves the draft. @param {boolean} [overwrite] send If-Match: * after a conflict @returns {Promise<boolean>} */
  async function save(overwrite = false) {
    if (isNew && !OFFER_ID.test(id)) {
      showWarnings(
        [
          {
            path: 'id',
            rule: 'pattern',
            message: 'Offer id: 1–50 lowercase letters, digits or "-", starting with a letter or digit.',
          },
        ],
        '',
        'The offer could not be saved',
      );
      return false;
    }
    saveButton.disabled = true;
    saveState.textContent = 'Saving…';
    /** @type {Record<string, string>} */
    const headers = {};
    if (!isNew) headers['if-match'] = overwrite ? '*' : (etag ?? '*');
    const r = await api(`/publishers/${enc(session.publisherId)}/offers/${enc(id)}`, {
      method: 'PUT',
      key: session.key,
      body: { ...owned, definition: doc.definition },
      headers,
    });
    saveButton.disabled = false;
    if (r.ok) {
      etag = r.headers.get('etag') ?? r.data?.eTag ?? etag;
      status = r.data?.status ?? status;
      dirty = false;
      if (isNew) {
        isNew = false;
        // The page is now this offer's editor; no reload (the form keeps focus and content).
        history.replaceState(null, '', `#/offers/${enc(id)}`);
        window.dispatchEvent(new Event('portal:navigated'));
        heading.textContent = `Edit ${doc.definition.offer[MP + 'title'] || id}`;
        const idInput = /** @type {HTMLInputElement | null} */ (el.querySelector('#offer-id'));
        if (idInput) idInput.readOnly = true;
        uploads.setOffer(id);
      }
      renderMeta();
      reg.clearWarnings();
      summary.hidden = true;
      saveState.textContent = `Saved at ${formatTime(new Date().toISOString())}.`;
      announce('Offer saved.');
      return true;
    }
    saveState.textContent = 'Not saved.';
    if (r.status === 412 && headers['if-match'] === undefined) {
      showProblem(
        'The offer could not be saved',
        h('p', {}, `An offer with the id "${id}" already exists. Open it from All offers, or choose another id.`),
      );
    } else if (r.status === 412) {
      showProblem(
        'Someone else changed this offer',
        h(
          'p',
          {},
          'The offer was saved elsewhere (another tab, a colleague or a script) after you opened it, so your changes were not saved.',
        ),
        h(
          'div',
          { class: 'actions' },
          h(
            'button',
            { type: 'button', onclick: () => void load().then(() => announce('Reloaded the saved offer.')) },
            'Discard my changes and reload',
          ),
          h('button', { type: 'button', class: 'danger', onclick: () => void save(true) }, 'Overwrite with my changes'),
        ),
      );
    } else if (r.status === 400 && errorDetails(r).length) {
      const details = errorDetails(r);
      showWarnings(
        details,
        errorMessage(r),
        `The offer could not be saved: ${details.length} field${details.length === 1 ? '' : 's'} to correct`,
      );
    } else {
      showProblem(
        'The offer could not be saved',
        h('p', {}, errorMessage(r, { 413: 'The offer is too large (at most 1 MiB).' })),
      );
    }
    return false;
  }

  async function publish() {
    if ((isNew || dirty) && !(await save())) return;
    const contact = doc.definition.offer[MP + 'engineeringContactEmail'];
    openPublishDialog({
      session,
      offerId: id,
      defaultEmails: lastEmails || (typeof contact === 'string' ? contact : ''),
      onPublished: () => {
        location.hash = `#/offers/${enc(id)}/status`;
      },
      onWarnings: (warnings, message) => showWarnings(warnings, message),
    });
  }

  void load();
  return {
    el,
    dispose: () => window.removeEventListener('beforeunload', onBeforeUnload),
  };
}
