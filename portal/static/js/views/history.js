// @ts-check
import { api, enc, errorMessage } from '../api.js';
import { focusView, formatTime, h, replace } from '../dom.js';

/**
 * @typedef {import('../session.js').Session} Session
 * @typedef {{ kind: string, id: string, displayName?: string }} Actor
 * @typedef {{ id: string, event: string, time: string, actor: Actor, origin: string, publishingVersion?: number,
 *   summary: string, details: Record<string, unknown> }} HistoryEntry
 */

// The service's kinds of entry (domain/audit/history-events.ts) in the portal's words; a kind added
// later shows its name until it is listed here.
const EVENTS = /** @type {Record<string, string>} */ ({
  offerCreated: 'Offer created',
  offerSaved: 'Draft saved',
  offerDeleted: 'Draft deleted',
  publishSubmitted: 'Submitted for publishing',
  stepCompleted: 'Step completed',
  stepFailed: 'Step failed',
  previewAvailable: 'Preview available',
  goLiveRequested: 'Signed off (Go Live)',
  live: 'Live',
  cancelRequested: 'Cancel requested',
  cancelled: 'Publish cancelled',
  releasedByOps: 'Released by operations',
  supportRequested: 'Support request opened',
  supportResolved: 'Support request resolved',
});
const ACTORS = /** @type {Record<string, string>} */ ({
  apiKey: 'API key',
  user: 'User',
  servicePrincipal: 'Application',
  ops: 'Operations team',
  system: 'Publishing pipeline',
  automation: 'Storage automation',
});
const ORIGINS = /** @type {Record<string, string>} */ ({
  api: 'REST API',
  portal: 'Portal',
  cli: 'CLI',
  blob: 'Blob drop',
  queue: 'Queue command',
  ops: 'Ops console',
  orchestration: 'Pipeline',
});
const PAGE = 25;

/**
 * The offer's history: every command on it, from any channel, and each publishing step's outcome,
 * newest first, filtered by event, actor and dates, a page at a time.
 * @param {{ session: Session, offerId: string }} ctx
 */
export function historyView({ session, offerId }) {
  const heading = h('h1', {}, `History: ${offerId}`);
  const body = h('tbody');
  const table = h(
    'table',
    { class: 'data', id: 'history-table', hidden: true },
    h('caption', { class: 'sr-only' }, `History of ${offerId}, newest first`),
    h(
      'thead',
      {},
      h('tr', {}, ...['When', 'Event', 'By', 'Via', 'What happened'].map((c) => h('th', { scope: 'col' }, c))),
    ),
    body,
  );
  const state = h('p', { class: 'muted', role: 'status', id: 'history-state' }, 'Loading the history…');
  const event = /** @type {HTMLSelectElement} */ (
    h(
      'select',
      { id: 'history-event', name: 'event' },
      h('option', { value: '' }, 'All events'),
      ...Object.entries(EVENTS).map(([v, label]) => h('option', { value: v }, label)),
    )
  );
  const actor = /** @type {HTMLSelectElement} */ (
    h(
      'select',
      { id: 'history-actor', name: 'actor' },
      h('option', { value: '' }, 'Anyone'),
      ...Object.entries(ACTORS).map(([v, label]) => h('option', { value: v }, label)),
    )
  );
  const from = /** @type {HTMLInputElement} */ (h('input', { id: 'history-from', name: 'from', type: 'date' }));
  const to = /** @type {HTMLInputElement} */ (h('input', { id: 'history-to', name: 'to', type: 'date' }));
  const more = h('button', { type: 'button', hidden: true, onclick: () => void load(false) }, 'Show older entries');
  /** @type {string | null} */
  let token = null;
  let count = 0;
  // A reload started while an older one is still out wins; the older answer is dropped.
  let generation = 0;

  function query() {
    const q = new URLSearchParams({ top: String(PAGE) });
    if (event.value) q.set('event', event.value);
    if (actor.value) q.set('actor', actor.value);
    if (from.value) q.set('from', from.value);
    if (to.value) q.set('to', to.value);
    if (token) q.set('continuationToken', token);
    return q.toString();
  }

  /** @param {boolean} fresh */
  async function load(fresh) {
    const mine = fresh ? ++generation : generation;
    if (fresh) token = null;
    const r = await api(`/publishers/${enc(session.publisherId)}/offers/${enc(offerId)}/history?${query()}`, {
      key: session.key,
    });
    if (mine !== generation) return;
    if (fresh) {
      count = 0;
      body.replaceChildren();
    }
    if (!r.ok) {
      table.hidden = count === 0;
      more.hidden = true;
      replace(state, h('span', { class: 'form-error' }, errorMessage(r)));
      return;
    }
    /** @type {HistoryEntry[]} */
    const entries = r.data;
    for (const e of entries) body.append(row(e));
    count += entries.length;
    token = r.headers.get('x-ms-continuation-token');
    more.hidden = !token;
    table.hidden = count === 0;
    const filtered = Boolean(event.value || actor.value || from.value || to.value);
    state.textContent =
      count === 0
        ? filtered
          ? 'No entries match these filters.'
          : 'No history yet.'
        : `${count} entr${count === 1 ? 'y' : 'ies'}${token ? ' so far' : ''}, newest first.`;
  }

  /** @param {HistoryEntry} e */
  function row(e) {
    const changed = Array.isArray(e.details?.changedFields) ? /** @type {string[]} */ (e.details.changedFields) : [];
    return h(
      'tr',
      { 'data-event': e.event, 'data-actor': e.actor.kind, 'data-origin': e.origin },
      h('td', {}, h('time', { datetime: e.time }, formatTime(e.time))),
      h(
        'th',
        { scope: 'row' },
        EVENTS[e.event] ?? e.event,
        e.publishingVersion !== undefined
          ? h('span', { class: 'muted block' }, `version ${e.publishingVersion}`)
          : null,
      ),
      h(
        'td',
        {},
        e.actor.displayName ?? e.actor.id,
        h('span', { class: 'muted block' }, ACTORS[e.actor.kind] ?? e.actor.kind),
      ),
      h('td', {}, ORIGINS[e.origin] ?? e.origin),
      h(
        'td',
        {},
        e.summary,
        changed.length > 3
          ? h(
              'details',
              {},
              h('summary', {}, `All ${changed.length} changed fields`),
              h('ul', { class: 'changed-fields' }, ...changed.map((f) => h('li', {}, h('code', {}, f)))),
            )
          : null,
      ),
    );
  }

  const form = h(
    'form',
    {
      class: 'filters',
      'aria-label': 'Filter the history',
      onsubmit: (/** @type {Event} */ ev) => {
        ev.preventDefault();
        void load(true);
      },
    },
    h('div', { class: 'field' }, h('label', { for: 'history-event' }, 'Event'), event),
    h('div', { class: 'field' }, h('label', { for: 'history-actor' }, 'By'), actor),
    h('div', { class: 'field' }, h('label', { for: 'history-from' }, 'From'), from),
    h('div', { class: 'field' }, h('label', { for: 'history-to' }, 'To'), to),
    h('div', { class: 'field' }, h('button', { type: 'submit', class: 'primary' }, 'Apply filters')),
  );

  const el = h(
    'section',
    {},
    h(
      'div',
      { class: 'title-row' },
      heading,
      h('a', { href: `#/offers/${enc(offerId)}/status`, class: 'button' }, 'Publishing status'),
    ),
    form,
    state,
    h('div', { class: 'table-wrap', role: 'region', 'aria-label': 'History', tabindex: 0 }, table),
    more,
  );
  queueMicrotask(() => focusView(heading));
  void load(true);
  return { el };
}
