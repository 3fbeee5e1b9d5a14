// @ts-check
import { api, enc, errorMessage } from '../api.js';
import { announce, focusView, h, replace, uid } from '../dom.js';

/**
 * @typedef {import('../session.js').Session} Session
 * @typedef {{ objectId: string, kind: string, role: string, displayName?: string, changedTime: string }} Member
 */

const KIND_LABELS = /** @type {Record<string, string>} */ ({ user: 'User', servicePrincipal: 'Service principal' });

/**
 * The publisher's users and service principals (Owners only): who may sign in with Entra ID, and
 * with which role. A member is named by its Entra ID object id, which the person can read off the
 * portal's sign-in page after a first sign-in.
 * @param {{ session: Session }} ctx
 */
export function usersView({ session }) {
  const base = `/publishers/${enc(session.publisherId)}/users`;
  const heading = h('h1', {}, 'Users');
  const state = h('p', { class: 'muted', role: 'status' }, 'Loading users…');
  const body = h('tbody', {});
  const table = h(
    'table',
    { hidden: true },
    h('caption', {}, `Users of ${session.publisherId}`),
    h('thead', {}, h('tr', {}, ...['Name', 'Object id', 'Kind', 'Role', ''].map((t) => h('th', { scope: 'col' }, t)))),
    body,
  );
  const errorId = uid('users-error');
  const error = h('p', { id: errorId, class: 'form-error', role: 'alert', hidden: true });
  const objectId = h('input', {
    id: 'user-object-id',
    name: 'objectId',
    required: true,
    spellcheck: 'false',
    'aria-describedby': errorId,
  });
  const displayName = h('input', { id: 'user-name', name: 'displayName', maxlength: '100' });
  const kind = h(
    'select',
    { id: 'user-kind', name: 'kind' },
    h('option', { value: 'user' }, 'User'),
    h('option', { value: 'servicePrincipal' }, 'Service principal'),
  );
  const role = h(
    'select',
    { id: 'user-role', name: 'role' },
    ...['Developer', 'Manager', 'Owner'].map((r) => h('option', { value: r }, r)),
  );
  const add = h('button', { type: 'submit', class: 'primary' }, 'Add user');

  async function load() {
    const r = await api(base, { key: session.key });
    if (!r.ok) {
      state.textContent = errorMessage(r, { 403: 'Only Owners manage users.' });
      return;
    }
    const members = /** @type {Member[]} */ (r.data);
    state.textContent = members.length ? '' : 'No users yet: add the first below.';
    table.hidden = members.length === 0;
    replace(
      body,
      ...members.map((m) =>
        h(
          'tr',
          {},
          h('td', {}, m.displayName ?? ''),
          h('td', {}, h('code', {}, m.objectId)),
          h('td', {}, KIND_LABELS[m.kind] ?? m.kind),
          h('td', {}, m.role),
          h(
            'td',
            {},
            h(
              'button',
              {
                type: 'button',
                'aria-label': `Remove ${m.displayName ?? m.objectId}`,
                onclick: () => void remove(m),
              },
              'Remove',
            ),
          ),
        ),
      ),
    );
  }

  /** @param {Member} m */
  async function remove(m) {
    const r = await api(`${base}/${enc(m.objectId)}`, { method: 'DELETE', key: session.key });
    if (!r.ok) return show(errorMessage(r));
    announce(`${m.displayName ?? m.objectId} removed.`);
    await load();
  }

  /** @param {Event} e */
  async function onSubmit(e) {
    e.preventDefault();
    error.hidden = true;
    const id = objectId.value.trim();
    if (!id) return show('Enter the object id of the user or service principal.');
    add.disabled = true;
    const r = await api(`${base}/${enc(id)}`, {
      method: 'PUT',
      key: session.key,
      body: {
        kind: kind.value,
        role: role.value,
        ...(displayName.value.trim() ? { displayName: displayName.value.trim() } : {}),
      },
    });
    add.disabled = false;
    if (!r.ok) return show(errorMessage(r));
    announce(`${displayName.value.trim() || id} is now ${role.value}.`);
    objectId.value = '';
    displayName.value = '';
    await load();
  }

  /** @param {string} message */
  function show(message) {
    error.textContent = message;
    error.hidden = false;
  }

  const field = (/** @type {string} */ id, /** @type {string} */ label, /** @type {HTMLElement} */ input) =>
    h('div', { class: 'field' }, h('label', { for: id }, label), input);
  const el = h(
    'section',
    {},
    heading,
    h(
      'p',
      {},
      'People and service principals who sign in with Microsoft Entra ID, and what they may do: Owners everything, Managers all but users, Developers edit and publish but not Go Live.',
    ),
    state,
    table,
    h('h2', {}, 'Add or change a user'),
    h(
      'form',
      { class: 'stack', novalidate: true, onsubmit: onSubmit },
      field('user-object-id', 'Object id', objectId),
      field('user-name', 'Name (optional)', displayName),
      field('user-kind', 'Kind', kind),
      field('user-role', 'Role', role),
      error,
      h('div', { class: 'actions' }, add),
    ),
  );
  queueMicrotask(() => focusView(heading));
  void load();
  return { el };
}
