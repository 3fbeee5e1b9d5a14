// @ts-check
import { api, enc, errorMessage } from '../api.js';
import { focusView, formatTime, h, linkify, replace } from '../dom.js';

/**
 * @typedef {import('../session.js').Session} Session
 * @typedef {{ id: string, to: string[], subject: string, plainText: string, kind: string, createdTime: string }} Mail
 */

const KINDS = /** @type {Record<string, string>} */ ({
  'publish-accepted': 'Publish accepted',
  'step-failed': 'Step failed',
  'preview-available': 'Preview available',
  live: 'Live',
  canceled: 'Cancelled',
  'support-request': 'Support request',
});

/**
 * The local e-mail outbox: what the service would have e-mailed (newest first) when no e-mail
 * service is configured.
 * @param {{ session: Session }} ctx
 */
export function outboxView({ session }) {
  const heading = h('h1', {}, 'E-mail outbox');
  const list = h('div', { class: 'outbox', id: 'outbox' });
  const state = h('p', { class: 'muted', role: 'status' }, 'Loading e-mails…');
  const more = h('button', { type: 'button', hidden: true, onclick: () => void load(false) }, 'Show older e-mails');
  const refreshButton = h('button', { type: 'button', onclick: () => void load(true) }, 'Refresh');
  /** @type {string | null} */
  let token = null;
  let count = 0;

  /** @param {boolean} fresh */
  async function load(fresh) {
    if (fresh) {
      token = null;
      count = 0;
      list.replaceChildren();
    }
    const r = await api(
      `/publishers/${enc(session.publisherId)}/outbox?top=25${token ? `&continuationToken=${enc(token)}` : ''}`,
      { key: session.key },
    );
    if (!r.ok) {
      replace(state, h('span', { class: 'form-error' }, errorMessage(r)));
      return;
    }
    /** @type {Mail[]} */
    const mails = r.data;
    for (const m of mails) list.append(mailEl(m));
    count += mails.length;
    token = r.headers.get('x-ms-continuation-token');
    more.hidden = !token;
    state.textContent =
      count === 0
        ? 'No e-mails yet. They appear here when you publish.'
        : `${count} e-mail${count === 1 ? '' : 's'}, newest first.`;
  }

  /** @param {Mail} m */
  function mailEl(m) {
    return h(
      'article',
      { class: 'mail', 'data-kind': m.kind },
      h('h2', {}, m.subject),
      h('p', { class: 'meta' }, `${KINDS[m.kind] ?? m.kind} · to ${m.to.join(', ')} · ${formatTime(m.createdTime)}`),
      h(
        'details',
        {},
        h('summary', {}, 'Show the message'),
        h('div', { class: 'mail-body' }, ...m.plainText.split('\n').map((line) => h('p', {}, ...linkify(line)))),
      ),
    );
  }

  const el = h('section', {}, h('div', { class: 'title-row' }, heading, refreshButton), state, list, more);
  queueMicrotask(() => focusView(heading));
  void load(true);
  return { el };
}
