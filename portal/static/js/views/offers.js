// @ts-check
import { api, enc, errorMessage } from '../api.js';
import { badge, focusView, formatTime, h, replace } from '../dom.js';

/**
 * @typedef {{ id: string, title?: string, status: string, publishingVersion?: number | null, changedTime?: string }} OfferSummary
 * @typedef {import('../session.js').Session} Session
 */

/**
 * All offers: each with its state; the title opens the editor, the state opens the status.
 * @param {{ session: Session }} ctx
 */
export function offersView({ session }) {
  const heading = h('h1', {}, 'All offers');
  const body = h('tbody');
  const table = h(
    'table',
    { class: 'data', id: 'offers-table' },
    h('caption', { class: 'sr-only' }, 'Your offers and the state of their publishing'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Offer'),
        h('th', { scope: 'col' }, 'State'),
        h('th', { scope: 'col' }, 'Version'),
        h('th', { scope: 'col' }, 'Last change'),
      ),
    ),
    body,
  );
  const status = h('p', { class: 'muted', role: 'status' }, 'Loading offers…');
  const more = h('button', { type: 'button', hidden: true, onclick: () => void load() }, 'Show more offers');
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  /** @type {string | null} */
  let token = null;
  let count = 0;

  async function load() {
    more.disabled = true;
    const r = await api(
      `/publishers/${enc(session.publisherId)}/offers?top=50${token ? `&continuationToken=${enc(token)}` : ''}`,
      { key: session.key },
    );
    more.disabled = false;
    if (!r.ok) {
      error.textContent = errorMessage(r);
      error.hidden = false;
      status.textContent = '';
      return;
    }
    /** @type {OfferSummary[]} */
    const offers = r.data;
    for (const o of offers) body.append(row(o));
    count += offers.length;
    token = r.headers.get('x-ms-continuation-token');
    more.hidden = !token;
    status.textContent =
      count === 0 ? 'You have no offers yet.' : `${count} offer${count === 1 ? '' : 's'}${token ? ' so far' : ''}.`;
    table.hidden = count === 0;
  }

  /** @param {OfferSummary} o */
  function row(o) {
    return h(
      'tr',
      { 'data-offer': o.id },
      h(
        'th',
        { scope: 'row' },
        h('a', { href: `#/offers/${enc(o.id)}` }, o.title || o.id),
        o.title && o.title !== o.id ? h('span', { class: 'muted block' }, o.id) : null,
      ),
      h(
        'td',
        {},
        h(
          'a',
          { href: `#/offers/${enc(o.id)}/status`, class: 'state-link', 'aria-label': `Status of ${o.title || o.id}` },
          badge(o.status),
        ),
      ),
      h('td', {}, o.publishingVersion ?? '—'),
      h('td', {}, formatTime(o.changedTime)),
    );
  }

  table.hidden = true;
  const el = h(
    'section',
    {},
    h('div', { class: 'title-row' }, heading, h('a', { class: 'button primary', href: '#/new' }, 'New offer')),
    status,
    error,
    h('div', { class: 'table-wrap', role: 'region', 'aria-label': 'Offers', tabindex: 0 }, table),
    more,
  );
  queueMicrotask(() => focusView(heading));
  void load();
  return { el };
}

/** @param {HTMLElement} el @param {string} message */
export function showNotFound(el, message) {
  const heading = h('h1', {}, 'Not found');
  replace(el, heading, h('p', {}, message), h('p', {}, h('a', { href: '#/offers' }, 'Back to all offers')));
  focusView(heading);
}
