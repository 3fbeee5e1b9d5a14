// @ts-check
import { api, enc, errorMessage } from '../api.js';
import { badge, focusView, formatTime, h, replace } from '../dom.js';

/**
 * @typedef {import('../session.js').Session} Session
 * @typedef {{ FirstName: string, LastName: string, Email: string, Company: string, Country: string, Phone: string, Title: string }} UserDetails
 * @typedef {{ leadId: string, offerId: string, state: 'pending' | 'delivered' | 'failed', attempts: number, lastError?: string, destination?: string,
 *   createdTime: string, changedTime: string, deliveredTime?: string, lead: { ActionCode: string, Description: string, UserDetails: UserDetails } }} CustomerLead
 */

const STATES = /** @type {const} */ (['', 'pending', 'delivered', 'failed']);
const STATE_LABELS = { '': 'All', pending: 'Pending', delivered: 'Delivered', failed: 'Failed' };
// The lead states in the words (and tones) the status badges already use.
const BADGE = /** @type {Record<string, string>} */ ({
  pending: 'inProgress',
  delivered: 'complete',
  failed: 'failed',
});
const BADGE_LABELS = /** @type {Record<string, string>} */ ({
  inProgress: 'Pending',
  complete: 'Delivered',
  failed: 'Failed',
});
// ActionCode as the marketplace lead format spells it (domain/leads/delivery.ts).
const ACTIONS = /** @type {Record<string, string>} */ ({ PLT: 'Contact me', Create: 'Deploy' });

/**
 * Leads received: customers who asked to be contacted or deployed a live offer, with where each
 * lead stands on its way to the partner's CRM (pending ones are retried until delivered).
 * @param {{ session: Session }} ctx
 */
export function leadsView({ session }) {
  const heading = h('h1', {}, 'Leads received');
  const body = h('tbody');
  const table = h(
    'table',
    { class: 'data', id: 'leads-table', hidden: true },
    h('caption', { class: 'sr-only' }, 'Customer leads and their delivery to your lead destination'),
    h(
      'thead',
      {},
      h('tr', {}, ...['Customer', 'Offer', 'Action', 'Received', 'Delivery'].map((c) => h('th', { scope: 'col' }, c))),
    ),
    body,
  );
  const state = h('p', { class: 'muted', role: 'status' }, 'Loading leads…');
  const filter = /** @type {HTMLSelectElement} */ (
    h(
      'select',
      { id: 'lead-state', onchange: () => void load(true) },
      ...STATES.map((s) => h('option', { value: s }, STATE_LABELS[s])),
    )
  );
  const more = h('button', { type: 'button', hidden: true, onclick: () => void load(false) }, 'Show more leads');
  const refreshButton = h('button', { type: 'button', onclick: () => void load(true) }, 'Refresh');
  /** @type {string | null} */
  let token = null;
  let count = 0;
  // A reload started while an older one is still out wins; the older answer is dropped.
  let generation = 0;

  /** @param {boolean} fresh */
  async function load(fresh) {
    const mine = fresh ? ++generation : generation;
    if (fresh) token = null;
    const query = `top=50${filter.value ? `&state=${enc(filter.value)}` : ''}${token ? `&continuationToken=${enc(token)}` : ''}`;
    const r = await api(`/publishers/${enc(session.publisherId)}/leads?${query}`, { key: session.key });
    if (mine !== generation) return;
    if (fresh) {
      count = 0;
      body.replaceChildren();
    }
    if (!r.ok) {
      replace(state, h('span', { class: 'form-error' }, errorMessage(r)));
      return;
    }
    /** @type {CustomerLead[]} */
    const leads = r.data;
    for (const l of leads) body.append(row(l));
    count += leads.length;
    token = r.headers.get('x-ms-continuation-token');
    more.hidden = !token;
    table.hidden = count === 0;
    const which = filter.value ? `${STATE_LABELS[/** @type {'pending'} */ (filter.value)].toLowerCase()} ` : '';
    state.textContent =
      count === 0
        ? `No ${which}leads yet. They appear here when customers ask to be contacted about a live offer or deploy it.`
        : `${count} ${which}lead${count === 1 ? '' : 's'}${token ? ' so far' : ''}, in the order they arrived.`;
  }

  /** @param {CustomerLead} l */
  function row(l) {
    const u = l.lead.UserDetails;
    const delivery =
      l.state === 'delivered'
        ? `${l.destination ? `to ${l.destination} ` : ''}${formatTime(l.deliveredTime)}`
        : l.state === 'pending'
          ? l.attempts > 0
            ? `retrying (${l.attempts} attempt${l.attempts === 1 ? '' : 's'} so far)`
            : 'on its way'
          : 'not delivered: fix the lead destination';
    return h(
      'tr',
      { 'data-lead': l.leadId, 'data-state': l.state },
      h(
        'th',
        { scope: 'row' },
        `${u.FirstName} ${u.LastName}`,
        h('span', { class: 'muted block' }, [u.Email, u.Company, u.Country].filter(Boolean).join(' · ')),
      ),
      h('td', {}, h('a', { href: `#/offers/${enc(l.offerId)}/status` }, l.offerId)),
      h('td', {}, ACTIONS[l.lead.ActionCode] ?? l.lead.ActionCode),
      h('td', {}, formatTime(l.createdTime)),
      h(
        'td',
        {},
        badge(BADGE[l.state] ?? l.state, BADGE_LABELS),
        h('span', { class: 'muted block' }, delivery),
        l.lastError && l.state !== 'delivered' ? h('span', { class: 'block message-error' }, l.lastError) : null,
      ),
    );
  }

  const el = h(
    'section',
    {},
    h('div', { class: 'title-row' }, heading, refreshButton),
    h('div', { class: 'field narrow' }, h('label', { for: 'lead-state' }, 'Show'), filter),
    state,
    h('div', { class: 'table-wrap', role: 'region', 'aria-label': 'Leads', tabindex: 0 }, table),
    more,
  );
  queueMicrotask(() => focusView(heading));
  void load(true);
  return { el };
}
