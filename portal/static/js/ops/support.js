// @ts-check
import { api, enc, errorMessage } from '../api.js';
import { OPS_REFRESH_MS } from '../config.js';
import { announce, focusView, formatTime, h, poller, replace } from '../dom.js';
import { autoRefresh } from './session.js';

/**
 * @typedef {import('./session.js').OpsSession} OpsSession
 * @typedef {{ ticketId: string, publisherId: string, offerId: string, publishingVersion: number, offerStatus: string, failingStep?: string, failingStepName?: string, failingMessage?: string, description: string, state: string, createdTime: string, notified: boolean, notificationError?: string }} SupportRequest
 */

/**
 * Support requests partners opened from failed publishes: open ones by default.
 * @param {{ session: OpsSession }} ctx
 */
export function supportView({ session }) {
  const heading = h('h1', {}, 'Support requests');
  const state = h(
    'select',
    { id: 'support-state' },
    h('option', { value: 'open' }, 'Open'),
    h('option', { value: 'resolved' }, 'Resolved'),
  );
  const status = h('p', { role: 'status', id: 'support-summary' }, 'Loading…');
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const body = h('tbody');
  const table = h(
    'table',
    { class: 'data', id: 'support-table' },
    h('caption', { class: 'sr-only' }, 'Support requests'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...[
          'Ticket',
          'Publisher / offer',
          'Version',
          'Failing step',
          'Message',
          'What the partner wrote',
          'Opened',
          '',
        ].map((t) => h('th', { scope: 'col' }, t || h('span', { class: 'sr-only' }, 'Actions'))),
      ),
    ),
    body,
  );
  const poll = poller(load);

  async function load() {
    poll.stop();
    const r = await api(`/ops/support-requests?state=${enc(state.value)}`, { key: session.key });
    if (!poll.live) return;
    if (!r.ok) {
      error.textContent = errorMessage(r);
      error.hidden = false;
    } else {
      error.hidden = true;
      /** @type {SupportRequest[]} */
      const items = r.data;
      replace(body, ...items.map(row));
      table.hidden = items.length === 0;
      status.textContent =
        items.length === 0
          ? `No ${state.value} support requests.`
          : `${items.length} ${state.value} support request${items.length === 1 ? '' : 's'}.`;
    }
    if (autoRefresh.get()) poll.again(OPS_REFRESH_MS);
  }

  /** @param {SupportRequest} s */
  function row(s) {
    const resolve = h(
      'button',
      {
        type: 'button',
        class: 'small',
        disabled: session.readOnly || s.state !== 'open',
        'aria-label': `Resolve ${s.ticketId}`,
        onclick: async () => {
          const r = await api(`/ops/support-requests/${enc(s.publisherId)}/${enc(s.ticketId)}/resolve`, {
            method: 'POST',
            key: session.key,
          });
          if (!r.ok) {
            error.textContent = errorMessage(r);
            error.hidden = false;
            return;
          }
          announce(`${s.ticketId} resolved.`);
          void load();
        },
      },
      'Resolve',
    );
    return h(
      'tr',
      { 'data-ticket': s.ticketId },
      h(
        'th',
        { scope: 'row', class: 'mono' },
        s.ticketId,
        s.notified ? null : h('span', { class: 'block muted' }, `Not e-mailed: ${s.notificationError ?? 'unknown'}`),
      ),
      h(
        'td',
        {},
        `${s.publisherId} / `,
        h('a', { href: `#/instances?offer=${enc(`${s.publisherId}:${s.offerId}:`)}` }, s.offerId),
      ),
      h('td', {}, s.publishingVersion),
      h('td', {}, s.failingStepName ?? '—'),
      h('td', {}, s.failingMessage ?? '—'),
      h('td', {}, s.description),
      h('td', {}, formatTime(s.createdTime)),
      h('td', {}, resolve),
    );
  }

  state.addEventListener('change', () => void load());
  const el = h(
    'section',
    {},
    heading,
    h('div', { class: 'field' }, h('label', { for: 'support-state' }, 'Show'), state),
    status,
    error,
    h('div', { class: 'table-wrap', role: 'region', 'aria-label': 'Support requests', tabindex: 0 }, table),
  );
  queueMicrotask(() => focusView(heading));
  void load();
  return {
    el,
    dispose: () => poll.dispose(),
  };
}
