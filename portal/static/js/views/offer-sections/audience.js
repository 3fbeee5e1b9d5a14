// @ts-check
// The preview audience: the subscriptions that can see the offer while it is in preview, typed
// in rows or imported from CSV.
import { importAudience } from '../../csv.js';
import { h, replace, uid } from '../../dom.js';
import { group, MP } from '../form-kit.js';

/**
 * @typedef {import('../form-kit.js').FieldRegistry} FieldRegistry
 * @typedef {import('../form-kit.js').Obj} Obj
 * @typedef {import('../form-kit.js').Path} Path
 */

/**
 * @param {Obj} offer
 * @param {FieldRegistry} reg
 * @param {() => void} onChange
 */
export function audienceSection(offer, reg, onChange) {
  const KEY = MP + 'allowedSubscriptions';
  const base = /** @type {Path} */ (['definition', 'offer', KEY]);
  /** @type {{ id: string, description: string }[]} */
  const rows = (Array.isArray(offer[KEY]) ? offer[KEY] : []).map((/** @type {any} */ e) =>
    typeof e === 'string'
      ? { id: e, description: '' }
      : { id: String(e?.subscriptionId ?? ''), description: String(e?.description ?? '') },
  );
  // Written back as plain ids, or { subscriptionId, description } when there is a description.
  const write = () => {
    if (rows.length === 0) delete offer[KEY];
    else
      offer[KEY] = rows.map((r) =>
        r.description.trim() ? { subscriptionId: r.id.trim(), description: r.description.trim() } : r.id.trim(),
      );
    reg.refresh();
    onChange();
  };
  const list = h('tbody');
  const count = h('p', { class: 'muted', role: 'status' });
  const updateCount = () =>
    (count.textContent = `${rows.length} subscription${rows.length === 1 ? '' : 's'} in the preview audience (1–100 allowed).`);

  /** @param {{ id: string, description: string }} r */
  const rowPath = (r) =>
    /** @type {Path} */ ([...base, rows.indexOf(r), ...(r.description.trim() ? ['subscriptionId'] : [])]);
  /** @param {{ id: string, description: string }} r */
  function rowEl(r) {
    const idInput = h('input', {
      type: 'text',
      spellcheck: 'false',
      autocomplete: 'off',
      'aria-label': 'Subscription id',
      class: 'mono',
    });
    idInput.value = r.id;
    const descInput = h('input', { type: 'text', autocomplete: 'off', 'aria-label': 'Description' });
    descInput.value = r.description;
    const slot = h('div', { class: 'field-warnings', id: uid('warn'), hidden: true });
    idInput.addEventListener('input', () => {
      r.id = idInput.value;
      write();
    });
    descInput.addEventListener('input', () => {
      r.description = descInput.value;
      write();
    });
    const tr = h(
      'tr',
      {},
      h('td', {}, idInput, slot),
      h('td', {}, descInput),
      h(
        'td',
        {},
        h(
          'button',
          {
            type: 'button',
            class: 'small',
            onclick: () => remove(r, tr),
            'aria-label': `Remove subscription ${r.id || rows.indexOf(r) + 1}`,
          },
          'Remove',
        ),
      ),
    );
    reg.add({ el: idInput, path: () => rowPath(r), slot, control: idInput, label: 'Subscription id' });
    return tr;
  }
  /** @param {{ id: string, description: string }} r @param {HTMLElement} tr */
  function remove(r, tr) {
    rows.splice(rows.indexOf(r), 1);
    tr.remove();
    updateCount();
    write();
    addButton.focus();
  }
  /** @param {{ id: string, description: string }} r */
  function add(r) {
    rows.push(r);
    const tr = rowEl(r);
    list.append(tr);
    updateCount();
    return tr;
  }
  for (const r of [...rows]) {
    rows.splice(rows.indexOf(r), 1);
    add(r);
  }
  updateCount();

  const addButton = h(
    'button',
    {
      type: 'button',
      onclick: () => {
        const tr = add({ id: '', description: '' });
        write();
        tr.querySelector('input')?.focus();
      },
    },
    'Add subscription',
  );

  const importResult = h('div', { role: 'status', class: 'import-result' });
  const file = h('input', { type: 'file', id: 'audience-csv', accept: '.csv,text/csv,text/plain' });
  const paste = h('textarea', {
    id: 'audience-paste',
    rows: 3,
    class: 'mono',
    placeholder: '6f1f9c2e-3b1a-4c55-9f0e-2d7b8a1c4e90,Contoso test subscription',
  });
  /** @param {string} text */
  function importText(text) {
    const { entries, problems } = importAudience(text);
    const known = new Set(rows.map((r) => r.id.trim().toLowerCase()));
    let added = 0;
    let duplicates = 0;
    for (const e of entries) {
      if (known.has(e.subscriptionId.toLowerCase())) {
        duplicates++;
        continue;
      }
      known.add(e.subscriptionId.toLowerCase());
      add({ id: e.subscriptionId, description: e.description ?? '' });
      added++;
    }
    write();
    replace(
      importResult,
      h(
        'p',
        {},
        `Imported ${added} subscription${added === 1 ? '' : 's'}${duplicates ? `; ${duplicates} already in the list` : ''}.`,
      ),
      problems.length ? h('ul', { class: 'problems' }, ...problems.map((p) => h('li', {}, p))) : null,
    );
  }
  file.addEventListener('change', async () => {
    const chosen = file.files?.[0];
    if (!chosen) return;
    if (chosen.size > 1024 * 1024) {
      replace(
        importResult,
        h('p', { class: 'form-error' }, 'That file is larger than 1 MB; a preview audience holds at most 100 ids.'),
      );
      return;
    }
    importText(await chosen.text());
    file.value = '';
  });

  return h(
    'section',
    { class: 'form-section', 'aria-labelledby': 'sec-audience' },
    h('h2', { id: 'sec-audience' }, 'Preview audience'),
    group(
      reg,
      'Subscriptions that can see the preview',
      () => base,
      h(
        'p',
        { class: 'hint' },
        'Only these Azure subscription ids (GUIDs) can see and deploy the offer while it is in preview.',
      ),
      count,
      h(
        'div',
        { class: 'table-wrap', role: 'region', 'aria-label': 'Preview audience', tabindex: 0 },
        h(
          'table',
          { class: 'data compact', id: 'audience-table' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', { scope: 'col' }, 'Subscription id'),
              h('th', { scope: 'col' }, 'Description (optional)'),
              h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Actions')),
            ),
          ),
          list,
        ),
      ),
      addButton,
      h(
        'details',
        { class: 'import' },
        h('summary', {}, 'Import from CSV'),
        h(
          'p',
          { class: 'hint' },
          'One subscription per line: the id, then an optional description ("id,description"). A header line is ignored.',
        ),
        h('div', { class: 'field' }, h('label', { for: 'audience-csv' }, 'CSV file'), file),
        h('div', { class: 'field' }, h('label', { for: 'audience-paste' }, 'Or paste CSV text'), paste),
        h(
          'button',
          {
            type: 'button',
            onclick: () => {
              importText(paste.value);
              paste.value = '';
            },
          },
          'Import pasted text',
        ),
        importResult,
      ),
    ),
  );
}
