// @ts-check
// The offer editor's form: every part of the VM offer document (listing, preview audience, lead
// destination, plans with their image versions and data disks), bound to a working copy of the
// document. Each control knows its document path, so warnings from the API (`path`, `rule`,
// `message`) are shown next to the control they are about.
import { importAudience } from '../csv.js';
import { append, h, replace, uid } from '../dom.js';
import { formatPath, isWithin } from '../paths.js';

export const MP = 'microsoft-azure-marketplace.';
export const VM = 'microsoft-azure-virtualmachines.';

/**
 * @typedef {import('../paths.js').Path} Path
 * @typedef {Record<string, any>} Obj
 * @typedef {{ definition: { displayText?: string, offer: Obj, plans: Obj[] } }} OfferDoc
 * @typedef {{ path?: string, rule?: string, message: string }} Warning
 * @typedef {{ el: HTMLElement, path: () => Path, slot: HTMLElement, control: HTMLElement | null, label: string }} Registered
 */

/** Knows which element shows which document path; paths are recomputed as rows move. */
export class FieldRegistry {
  constructor() {
    /** @type {Registered[]} */
    this.items = [];
  }

  /** @param {Registered} item */
  add(item) {
    this.items.push(item);
    item.el.dataset.path = formatPath(item.path());
  }

  /** Drops removed elements and renumbers paths (after a row was added, removed or renamed). */
  refresh() {
    this.items = this.items.filter((i) => i.el.isConnected);
    for (const i of this.items) i.el.dataset.path = formatPath(i.path());
  }

  clearWarnings() {
    for (const i of this.items) {
      i.slot.replaceChildren();
      i.slot.hidden = true;
      if (i.control) {
        i.control.removeAttribute('aria-invalid');
        const ids = (i.control.getAttribute('aria-describedby') ?? '').split(' ').filter((x) => x && x !== i.slot.id);
        if (ids.length) i.control.setAttribute('aria-describedby', ids.join(' '));
        else i.control.removeAttribute('aria-describedby');
      }
    }
  }

  /**
   * Shows each warning at its field, or at the closest section containing its path.
   * @param {Warning[]} warnings
   * @returns {{ warning: Warning, target: Registered | null }[]}
   */
  apply(warnings) {
    this.refresh();
    this.clearWarnings();
    const byPath = new Map(this.items.map((i) => [formatPath(i.path()), i]));
    return warnings.map((warning) => {
      const p = warning.path ?? '';
      let target = byPath.get(p) ?? null;
      if (!target) {
        let best = -1;
        for (const [path, item] of byPath) {
          if (isWithin(p, path) && path.length > best) {
            best = path.length;
            target = item;
          }
        }
      }
      if (target) {
        target.slot.append(h('p', { class: 'warning', 'data-rule': warning.rule ?? '' }, h('span', { class: 'sr-only' }, 'Warning: '), warning.message));
        target.slot.hidden = false;
        if (target.control) {
          target.control.setAttribute('aria-invalid', 'true');
          const ids = (target.control.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean);
          if (!ids.includes(target.slot.id)) target.control.setAttribute('aria-describedby', [...ids, target.slot.id].join(' '));
        }
      }
      return { warning, target };
    });
  }
}

/**
 * @typedef {object} FieldSpec
 * @property {string} label
 * @property {() => Path} path
 * @property {() => unknown} get
 * @property {(value: string) => void} set
 * @property {'text' | 'textarea' | 'url' | 'email' | 'tel' | 'number' | 'password' | 'select'} [kind]
 * @property {string} [hint]
 * @property {boolean} [required]  shown as "required" (the API decides)
 * @property {number} [max]  the marketplace limit, shown and counted
 * @property {string[][]} [options]  [value, label] pairs for a select
 * @property {string} [autocomplete]
 * @property {string} [placeholder]
 * @property {string} [inputmode]
 */

/**
 * One labelled control with its hint and warning slot, registered under its path.
 * @param {FieldRegistry} reg
 * @param {FieldSpec} spec
 * @param {() => void} onChange
 */
export function field(reg, spec, onChange) {
  const id = uid('f');
  const hintId = spec.hint || spec.max ? uid('hint') : undefined;
  const slot = h('div', { class: 'field-warnings', id: uid('warn'), hidden: true });
  const kind = spec.kind ?? 'text';
  const value = spec.get();
  const text = value === undefined || value === null ? '' : String(value);
  /** @type {HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement} */
  let control;
  if (kind === 'textarea') {
    control = h('textarea', { id, rows: 3 });
    control.value = text;
  } else if (kind === 'select') {
    control = h('select', { id }, ...(spec.options ?? []).map(([v, l]) => h('option', { value: v }, l)));
    control.value = text;
  } else {
    control = h('input', { id, type: kind, autocomplete: spec.autocomplete ?? 'off', placeholder: spec.placeholder, inputmode: spec.inputmode, spellcheck: kind === 'text' ? undefined : 'false' });
    control.value = text;
  }
  if (hintId) control.setAttribute('aria-describedby', hintId);
  const counter = spec.max ? h('span', { class: 'counter', 'aria-hidden': 'true' }) : null;
  const updateCounter = () => {
    if (!counter || !spec.max) return;
    counter.textContent = `${control.value.length} / ${spec.max}`;
    counter.classList.toggle('over', control.value.length > spec.max);
  };
  updateCounter();
  control.addEventListener(kind === 'select' ? 'change' : 'input', () => {
    spec.set(control.value);
    updateCounter();
    onChange();
  });
  const hint = hintId ? h('p', { class: 'hint', id: hintId }, spec.hint ?? '', spec.max ? `${spec.hint ? ' ' : ''}At most ${spec.max} characters.` : '') : null;
  const wrapper = h(
    'div',
    { class: `field field-${kind}` },
    h('label', { for: id }, spec.label, spec.required ? h('span', { class: 'required' }, ' (required)') : null),
    hint,
    control,
    counter,
    slot,
  );
  reg.add({ el: control, path: spec.path, slot, control, label: spec.label });
  return wrapper;
}

/**
 * A fieldset registered under a path, so warnings about the whole group (e.g. "add at least one
 * plan") appear at its top.
 * @param {FieldRegistry} reg
 * @param {string} legend
 * @param {(() => Path) | null} path  null: a plain group (its fields carry the paths)
 * @param {...import('../dom.js').Child} children
 */
export function group(reg, legend, path, ...children) {
  const slot = h('div', { class: 'field-warnings', id: uid('warn'), hidden: true });
  const legendEl = h('legend', {}, legend);
  const fs = h('fieldset', { class: 'group' }, legendEl, slot);
  append(fs, children);
  if (path) reg.add({ el: fs, path, slot, control: null, label: legend });
  return fs;
}

// ---- value helpers ---------------------------------------------------------------------------

/** Text bound to obj[key]; an emptied field removes the key, so "required" is judged as blank. */
const textOf = (/** @type {() => Obj} */ obj, /** @type {string} */ key) => ({
  get: () => obj()[key],
  set: (/** @type {string} */ v) => {
    if (v.trim() === '') delete obj()[key];
    else obj()[key] = v;
  },
});

/** A list of short values typed as "a, b, c". */
const listOf = (/** @type {() => Obj} */ obj, /** @type {string} */ key, sep = /[,\n]/) => ({
  get: () => (Array.isArray(obj()[key]) ? obj()[key].join(', ') : ''),
  set: (/** @type {string} */ v) => {
    const items = v.split(sep).map((x) => x.trim()).filter(Boolean);
    if (items.length) obj()[key] = items;
    else delete obj()[key];
  },
});

/** A sub-object (lead configurations), created when a value is first typed into it. */
const configOf = (/** @type {Obj} */ offer, /** @type {string} */ key) => () => (offer[key] ??= {});

// ---- the form --------------------------------------------------------------------------------

const LOGOS = [
  ['smallLogo', 'Small logo URL', '40×40 px PNG'],
  ['mediumLogo', 'Medium logo URL', '90×90 px PNG'],
  ['largeLogo', 'Large logo URL', '115×115 px PNG'],
  ['wideLogo', 'Wide logo URL', '255×115 px PNG'],
];

const LEAD_DESTINATIONS = [
  ['', 'Not set'],
  ['None', 'None (no lead generation)'],
  ['AzureTable', 'Azure Table'],
  ['HttpsEndpoint', 'HTTPS endpoint'],
  ['Salesforce', 'Salesforce'],
  ['Dynamics', 'Dynamics 365'],
  ['Marketo', 'Marketo'],
];

/**
 * Renders the whole form for `doc` (mutated in place as the partner types).
 * @param {OfferDoc} doc
 * @param {FieldRegistry} reg
 * @param {() => void} onChange
 * @param {{ hasStoredSecrets: boolean }} options
 */
export function offerForm(doc, reg, onChange, options) {
  const def = doc.definition;
  const offer = () => def.offer;
  const at = (/** @type {string} */ key) => () => /** @type {Path} */ (['definition', 'offer', MP + key]);
  const f = (/** @type {FieldSpec} */ spec) => field(reg, spec, onChange);
  const mp = (/** @type {string} */ key, /** @type {string} */ label, /** @type {Partial<FieldSpec>} */ extra = {}) => f({ label, path: at(key), ...textOf(offer, MP + key), ...extra });

  // Warnings about the listing as a whole (or a field without a control here) show at its top.
  const listingSlot = h('div', { class: 'field-warnings', id: uid('warn'), hidden: true });
  const listing = h(
    'section',
    { class: 'form-section', 'aria-labelledby': 'sec-listing' },
    h('h2', { id: 'sec-listing' }, 'Offer listing'),
    listingSlot,
    f({ label: 'Display name', hint: 'How the offer is named in this portal.', path: () => ['definition', 'displayText'], get: () => def.displayText, set: (v) => (v.trim() ? (def.displayText = v) : delete def.displayText) }),
    mp('title', 'Marketplace title', { required: true, max: 50 }),
    mp('summary', 'Summary', { required: true, max: 100 }),
    mp('longSummary', 'Long summary', { kind: 'textarea', required: true, max: 256 }),
    mp('description', 'Description', { kind: 'textarea', required: true, max: 3000, hint: 'Simple HTML is allowed (p, ul, li, b, i, a).' }),
    f({ label: 'Categories', hint: 'At most 2, separated by commas.', path: at('categories'), ...listOf(offer, MP + 'categories') }),
    group(reg, 'Logos', at('logos'), ...LOGOS.map(([key, label, size]) => mp(key, label, { kind: 'url', required: true, hint: `https URL of a ${size}.`, inputmode: 'url' }))),
    f({ label: 'Screenshot URLs', kind: 'textarea', hint: 'One URL per line.', path: at('screenshots'), ...listOf(offer, MP + 'screenshots', /\n/) }),
    mp('privacyURL', 'Privacy policy URL', { kind: 'url', required: true }),
    mp('termsOfUse', 'Terms of use', { kind: 'textarea', required: true }),
    group(
      reg,
      'Engineering contact',
      at('engineeringContact'),
      mp('engineeringContactName', 'Name', { required: true, autocomplete: 'off' }),
      mp('engineeringContactEmail', 'E-mail', { kind: 'email', required: true }),
      mp('engineeringContactPhone', 'Phone', { kind: 'tel', required: true }),
    ),
    group(
      reg,
      'Support contact',
      at('supportContact'),
      mp('supportContactName', 'Name', { required: true }),
      mp('supportContactEmail', 'E-mail', { kind: 'email', required: true }),
      mp('supportContactPhone', 'Phone', { kind: 'tel', required: true }),
    ),
  );

  reg.add({ el: listing, path: () => ['definition', 'offer'], slot: listingSlot, control: null, label: 'Offer listing' });
  return [listing, audienceSection(def.offer, reg, onChange), leadSection(def.offer, reg, onChange, options), plansSection(def, reg, onChange)];
}

// ---- preview audience ------------------------------------------------------------------------

/**
 * @param {Obj} offer
 * @param {FieldRegistry} reg
 * @param {() => void} onChange
 */
function audienceSection(offer, reg, onChange) {
  const KEY = MP + 'allowedSubscriptions';
  const base = /** @type {Path} */ (['definition', 'offer', KEY]);
  /** @type {{ id: string, description: string }[]} */
  const rows = (Array.isArray(offer[KEY]) ? offer[KEY] : []).map((/** @type {any} */ e) =>
    typeof e === 'string' ? { id: e, description: '' } : { id: String(e?.subscriptionId ?? ''), description: String(e?.description ?? '') },
  );
  // Written back as plain ids, or { subscriptionId, description } when there is a description.
  const write = () => {
    if (rows.length === 0) delete offer[KEY];
    else offer[KEY] = rows.map((r) => (r.description.trim() ? { subscriptionId: r.id.trim(), description: r.description.trim() } : r.id.trim()));
    reg.refresh();
    onChange();
  };
  const list = h('tbody');
  const count = h('p', { class: 'muted', role: 'status' });
  const updateCount = () => (count.textContent = `${rows.length} subscription${rows.length === 1 ? '' : 's'} in the preview audience (1–100 allowed).`);

  /** @param {{ id: string, description: string }} r */
  const rowPath = (r) => /** @type {Path} */ ([...base, rows.indexOf(r), ...(r.description.trim() ? ['subscriptionId'] : [])]);
  /** @param {{ id: string, description: string }} r */
  function rowEl(r) {
    const idInput = h('input', { type: 'text', spellcheck: 'false', autocomplete: 'off', 'aria-label': 'Subscription id', class: 'mono' });
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
      h('td', {}, h('button', { type: 'button', class: 'small', onclick: () => remove(r, tr), 'aria-label': `Remove subscription ${r.id || rows.indexOf(r) + 1}` }, 'Remove')),
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

  const addButton = h('button', {
    type: 'button',
    onclick: () => {
      const tr = add({ id: '', description: '' });
      write();
      tr.querySelector('input')?.focus();
    },
  }, 'Add subscription');

  const importResult = h('div', { role: 'status', class: 'import-result' });
  const file = h('input', { type: 'file', id: 'audience-csv', accept: '.csv,text/csv,text/plain' });
  const paste = h('textarea', { id: 'audience-paste', rows: 3, class: 'mono', placeholder: '6f1f9c2e-3b1a-4c55-9f0e-2d7b8a1c4e90,Contoso test subscription' });
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
      h('p', {}, `Imported ${added} subscription${added === 1 ? '' : 's'}${duplicates ? `; ${duplicates} already in the list` : ''}.`),
      problems.length ? h('ul', { class: 'problems' }, ...problems.map((p) => h('li', {}, p))) : null,
    );
  }
  file.addEventListener('change', async () => {
    const chosen = file.files?.[0];
    if (!chosen) return;
    if (chosen.size > 1024 * 1024) {
      replace(importResult, h('p', { class: 'form-error' }, 'That file is larger than 1 MB; a preview audience holds at most 100 ids.'));
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
      h('p', { class: 'hint' }, 'Only these Azure subscription ids (GUIDs) can see and deploy the offer while it is in preview.'),
      count,
      h('div', { class: 'table-wrap', role: 'region', 'aria-label': 'Preview audience', tabindex: 0 }, h('table', { class: 'data compact', id: 'audience-table' }, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Subscription id'), h('th', { scope: 'col' }, 'Description (optional)'), h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Actions')))), list)),
      addButton,
      h(
        'details',
        { class: 'import' },
        h('summary', {}, 'Import from CSV'),
        h('p', { class: 'hint' }, 'One subscription per line: the id, then an optional description ("id,description"). A header line is ignored.'),
        h('div', { class: 'field' }, h('label', { for: 'audience-csv' }, 'CSV file'), file),
        h('div', { class: 'field' }, h('label', { for: 'audience-paste' }, 'Or paste CSV text'), paste),
        h('button', { type: 'button', onclick: () => { importText(paste.value); paste.value = ''; } }, 'Import pasted text'),
        importResult,
      ),
    ),
  );
}

// ---- lead destination ------------------------------------------------------------------------

/**
 * @param {Obj} offer
 * @param {FieldRegistry} reg
 * @param {() => void} onChange
 * @param {{ hasStoredSecrets: boolean }} options
 */
function leadSection(offer, reg, onChange, options) {
  const at = (/** @type {string} */ config, /** @type {string} */ key) => () => /** @type {Path} */ (['definition', 'offer', MP + config, key]);
  const secretHint = options.hasStoredSecrets ? 'Stored secrets are never shown; leave this blank to keep the stored value.' : 'Write-only: it is never shown again once saved.';
  /** @param {string} config @param {string} key @param {string} label @param {Partial<FieldSpec>} [extra] */
  const cfg = (config, key, label, extra = {}) => field(reg, { label, path: at(config, key), ...textOf(configOf(offer, MP + config), key), ...extra }, onChange);
  const panels = /** @type {Record<string, HTMLElement>} */ ({
    AzureTable: h('div', {}, cfg('tableLeadConfiguration', 'connectionString', 'Storage account connection string', { kind: 'password', required: true, hint: `Leads are written to the table MarketplaceLeads. ${secretHint}`, autocomplete: 'new-password' })),
    HttpsEndpoint: h('div', {}, cfg('httpsEndpointLeadConfiguration', 'httpsEndpointUrl', 'HTTPS endpoint URL', { kind: 'url', required: true, hint: 'Leads are POSTed here as JSON.' })),
    Salesforce: h('div', {}, cfg('salesForceLeadConfiguration', 'objectIdentifier', 'Web-to-Lead organisation id (OID)', { required: true })),
    Dynamics: h(
      'div',
      {},
      h('p', { class: 'hint' }, 'Dynamics 365 is kept with the draft but cannot be published yet.'),
      cfg('dynamicsLeadConfiguration', 'instanceUrl', 'Instance URL', { kind: 'url' }),
      cfg('dynamicsLeadConfiguration', 'applicationId', 'Application id'),
      cfg('dynamicsLeadConfiguration', 'directoryId', 'Directory id'),
      cfg('dynamicsLeadConfiguration', 'applicationKey', 'Application key', { kind: 'password', hint: secretHint, autocomplete: 'new-password' }),
      cfg('dynamicsLeadConfiguration', 'username', 'User name'),
      cfg('dynamicsLeadConfiguration', 'password', 'Password', { kind: 'password', hint: secretHint, autocomplete: 'new-password' }),
    ),
    Marketo: h(
      'div',
      {},
      h('p', { class: 'hint' }, 'Marketo is kept with the draft but cannot be published yet.'),
      cfg('marketoLeadConfiguration', 'serverId', 'Server id'),
      cfg('marketoLeadConfiguration', 'munchkinId', 'Munchkin id'),
      cfg('marketoLeadConfiguration', 'formId', 'Form id'),
      cfg('marketoLeadConfiguration', 'clientId', 'Client id'),
      cfg('marketoLeadConfiguration', 'clientSecret', 'Client secret', { kind: 'password', hint: secretHint, autocomplete: 'new-password' }),
    ),
  });
  const show = () => {
    for (const [k, panel] of Object.entries(panels)) panel.hidden = offer[MP + 'leadDestination'] !== k;
  };
  const destination = field(
    reg,
    {
      label: 'Lead destination',
      kind: 'select',
      options: LEAD_DESTINATIONS,
      hint: 'Where customer leads go. At publish time a test lead (MSFT_TEST_…) is sent there.',
      path: () => ['definition', 'offer', MP + 'leadDestination'],
      ...textOf(() => offer, MP + 'leadDestination'),
    },
    () => {
      show();
      onChange();
    },
  );
  show();
  return h('section', { class: 'form-section', 'aria-labelledby': 'sec-leads' }, h('h2', { id: 'sec-leads' }, 'Lead management'), destination, ...Object.values(panels));
}

// ---- plans -----------------------------------------------------------------------------------

/**
 * @param {OfferDoc['definition']} def
 * @param {FieldRegistry} reg
 * @param {() => void} onChange
 */
function plansSection(def, reg, onChange) {
  if (!Array.isArray(def.plans)) def.plans = [];
  const list = h('div', { class: 'plans' });
  const addPlan = h('button', {
    type: 'button',
    onclick: () => {
      const plan = { planId: '' };
      def.plans.push(plan);
      const el = planEl(def, plan, reg, onChange, list);
      list.append(el);
      reg.refresh();
      onChange();
      el.querySelector('input')?.focus();
    },
  }, 'Add plan');
  for (const plan of def.plans) list.append(planEl(def, plan, reg, onChange, list));
  return h('section', { class: 'form-section', 'aria-labelledby': 'sec-plans' }, h('h2', { id: 'sec-plans' }, 'Plans'), group(reg, 'Plans (SKUs)', () => ['definition', 'plans'], list, addPlan));
}

/**
 * @param {OfferDoc['definition']} def
 * @param {Obj} plan
 * @param {FieldRegistry} reg
 * @param {() => void} onChange
 * @param {HTMLElement} list
 */
function planEl(def, plan, reg, onChange, list) {
  const path = () => /** @type {Path} */ (['definition', 'plans', def.plans.indexOf(plan)]);
  const at = (/** @type {string} */ key) => () => /** @type {Path} */ ([...path(), key]);
  const f = (/** @type {FieldSpec} */ spec) => field(reg, spec, onChange);
  const vm = (/** @type {string} */ key, /** @type {string} */ label, /** @type {Partial<FieldSpec>} */ extra = {}) => f({ label, path: at(VM + key), ...textOf(() => plan, VM + key), ...extra });
  const legendText = () => `Plan ${def.plans.indexOf(plan) + 1}${plan.planId ? `: ${plan.planId}` : ''}`;

  const fs = group(
    reg,
    legendText(),
    path,
    f({ label: 'Plan (SKU) id', required: true, max: 50, hint: 'Lowercase letters, digits and "-".', path: at('planId'), ...textOf(() => plan, 'planId') }),
    vm('skuTitle', 'Plan title', { required: true, max: 50 }),
    vm('skuSummary', 'Plan summary', { required: true, max: 100 }),
    vm('skuDescription', 'Plan description', { kind: 'textarea' }),
    vm('operatingSystemFamily', 'Operating system family', { kind: 'select', required: true, options: [['', 'Not set'], ['Linux', 'Linux'], ['Windows', 'Windows']] }),
    vm('operationSystem', 'Operating system name', { required: true, hint: 'E.g. Ubuntu 22.04.' }),
    f({ label: 'Recommended VM sizes', required: true, hint: '1–6 sizes separated by commas, e.g. standard_d2s_v5.', path: at(VM + 'recommendedVMSizes'), ...listOf(() => plan, VM + 'recommendedVMSizes') }),
    f({ label: 'Countries/regions', required: true, hint: 'Two-letter codes separated by commas, e.g. US, DE.', path: at('regions'), ...listOf(() => plan, 'regions') }),
    vm('licenseModel', 'License model', { hint: 'E.g. BYOL.' }),
    portsEl(plan, path, reg, onChange),
    imagesEl(plan, path, reg, onChange),
    h('button', {
      type: 'button',
      class: 'danger small',
      onclick: () => {
        def.plans.splice(def.plans.indexOf(plan), 1);
        fs.remove();
        reg.refresh();
        relabel(list, def);
        onChange();
        /** @type {HTMLElement | null} */ (list.parentElement?.querySelector('button:last-of-type') ?? null)?.focus();
      },
    }, 'Remove this plan'),
  );
  fs.classList.add('plan');
  // Keep the legend in step with the id typed.
  fs.addEventListener('input', () => {
    const legend = fs.querySelector('legend');
    if (legend) legend.textContent = legendText();
  });
  return fs;
}

/** @param {HTMLElement} list @param {OfferDoc['definition']} def */
function relabel(list, def) {
  list.querySelectorAll(':scope > fieldset.plan').forEach((fs, i) => {
    const legend = fs.querySelector('legend');
    const plan = def.plans[i];
    if (legend && plan) legend.textContent = `Plan ${i + 1}${plan.planId ? `: ${plan.planId}` : ''}`;
  });
}

/**
 * @param {Obj} plan
 * @param {() => Path} planPath
 * @param {FieldRegistry} reg
 * @param {() => void} onChange
 */
function portsEl(plan, planPath, reg, onChange) {
  const KEY = VM + 'openPorts';
  const body = h('tbody');
  const ports = () => /** @type {Obj[]} */ (plan[KEY] ??= []);
  const tidy = () => {
    if (Array.isArray(plan[KEY]) && plan[KEY].length === 0) delete plan[KEY];
    reg.refresh();
    onChange();
  };
  /** @param {Obj} port */
  function row(port) {
    const path = () => /** @type {Path} */ ([...planPath(), KEY, ports().indexOf(port)]);
    const name = h('input', { type: 'text', 'aria-label': 'Port name', autocomplete: 'off' });
    name.value = port.name ?? '';
    const protocol = h('select', { 'aria-label': 'Protocol' }, h('option', { value: 'TCP' }, 'TCP'), h('option', { value: 'UDP' }, 'UDP'));
    protocol.value = port.protocol ?? 'TCP';
    const number = h('input', { type: 'number', min: 1, max: 65535, 'aria-label': 'Port number', inputmode: 'numeric' });
    number.value = port.port === undefined ? '' : String(port.port);
    const slot = h('div', { class: 'field-warnings', id: uid('warn'), hidden: true });
    name.addEventListener('input', () => ((name.value.trim() ? (port.name = name.value) : delete port.name), onChange()));
    protocol.addEventListener('change', () => ((port.protocol = protocol.value), onChange()));
    number.addEventListener('input', () => {
      const n = Number(number.value);
      if (number.value.trim() === '' || !Number.isFinite(n)) delete port.port;
      else port.port = n;
      onChange();
    });
    const tr = h('tr', {}, h('td', {}, name, slot), h('td', {}, protocol), h('td', {}, number), h('td', {}, h('button', { type: 'button', class: 'small', onclick: () => { ports().splice(ports().indexOf(port), 1); tr.remove(); tidy(); } }, 'Remove')));
    reg.add({ el: tr, path, slot, control: null, label: 'Open port' });
    return tr;
  }
  for (const port of Array.isArray(plan[KEY]) ? plan[KEY] : []) body.append(row(port));
  return group(
    reg,
    'Open ports',
    () => [...planPath(), KEY],
    h('div', { class: 'table-wrap', role: 'region', 'aria-label': 'Open ports', tabindex: 0 }, h('table', { class: 'data compact' }, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Protocol'), h('th', { scope: 'col' }, 'Port'), h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Actions')))), body)),
    h('button', {
      type: 'button',
      class: 'small',
      onclick: () => {
        const port = { protocol: 'TCP' };
        ports().push(port);
        const tr = row(port);
        body.append(tr);
        tidy();
        tr.querySelector('input')?.focus();
      },
    }, 'Add port'),
  );
}

/**
 * Image versions (disk versions): version → OS disk SAS URL and data disks (LUN + SAS URL).
 * @param {Obj} plan
 * @param {() => Path} planPath
 * @param {FieldRegistry} reg
 * @param {() => void} onChange
 */
function imagesEl(plan, planPath, reg, onChange) {
  const KEY = VM + 'vmImages';
  /** @type {{ version: string, image: Obj }[]} */
  const entries = Object.entries(plan[KEY] && typeof plan[KEY] === 'object' ? plan[KEY] : {}).map(([version, image]) => ({ version, image }));
  // The document keeps versions as object keys; the order typed is the order saved.
  const write = () => {
    if (entries.length === 0) delete plan[KEY];
    else plan[KEY] = Object.fromEntries(entries.map((e) => [e.version, e.image]));
    reg.refresh();
    onChange();
  };
  const list = h('div', { class: 'images' });
  const imagesPath = () => /** @type {Path} */ ([...planPath(), KEY]);

  /** @param {{ version: string, image: Obj }} entry */
  function imageEl(entry) {
    const path = () => /** @type {Path} */ ([...imagesPath(), entry.version]);
    const dup = h('p', { class: 'warning', hidden: true }, 'This version is listed twice; only one of them will be kept.');
    const version = field(reg, {
      label: 'Disk version',
      required: true,
      hint: 'MAJOR.MINOR.PATCH, e.g. 1.0.0.',
      path,
      get: () => entry.version,
      set: (v) => {
        entry.version = v.trim();
        dup.hidden = entries.filter((e) => e.version === entry.version).length < 2;
        write();
      },
    }, () => undefined);
    const os = field(reg, {
      label: 'OS disk VHD URL',
      kind: 'url',
      required: true,
      hint: 'A SAS URL of the .vhd page blob with read and list permissions (sp=rl).',
      inputmode: 'url',
      path: () => [...path(), 'osVhdUrl'],
      ...textOf(() => entry.image, 'osVhdUrl'),
    }, onChange);
    const disks = disksEl(entry.image, path, reg, onChange);
    // The version input carries this version's path (a "semver" warning belongs there).
    const fs = group(reg, `Version ${entry.version || '(new)'}`, null, version, dup, os, disks, h('button', {
      type: 'button',
      class: 'danger small',
      onclick: () => {
        entries.splice(entries.indexOf(entry), 1);
        fs.remove();
        write();
        addButton.focus();
      },
    }, 'Remove this version'));
    fs.classList.add('image');
    fs.addEventListener('input', () => {
      const legend = fs.querySelector('legend');
      if (legend) legend.textContent = `Version ${entry.version || '(new)'}`;
    });
    return fs;
  }

  const addButton = h('button', {
    type: 'button',
    class: 'small',
    onclick: () => {
      const entry = { version: nextVersion(entries.map((e) => e.version)), image: {} };
      entries.push(entry);
      const el = imageEl(entry);
      list.append(el);
      write();
      el.querySelector('input')?.focus();
    },
  }, 'Add disk version');
  for (const e of entries) list.append(imageEl(e));
  return group(reg, 'Disk versions (VM images)', imagesPath, list, addButton);
}

/** The next free patch version after the highest one (1.0.0 when there is none). @param {string[]} versions */
export function nextVersion(versions) {
  const parsed = versions.map((v) => v.split('.').map(Number)).filter((p) => p.length === 3 && p.every((n) => Number.isInteger(n) && n >= 0));
  if (parsed.length === 0) return versions.includes('1.0.0') ? '1.0.1' : '1.0.0';
  parsed.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
  const [ma, mi, pa] = parsed[parsed.length - 1];
  return `${ma}.${mi}.${pa + 1}`;
}

/**
 * @param {Obj} image
 * @param {() => Path} imagePath
 * @param {FieldRegistry} reg
 * @param {() => void} onChange
 */
function disksEl(image, imagePath, reg, onChange) {
  const disks = () => /** @type {Obj[]} */ (image.lunVhdDetails ??= []);
  const disksPath = () => /** @type {Path} */ ([...imagePath(), 'lunVhdDetails']);
  const body = h('div', { class: 'disks' });
  const tidy = () => {
    if (Array.isArray(image.lunVhdDetails) && image.lunVhdDetails.length === 0) delete image.lunVhdDetails;
    reg.refresh();
    onChange();
  };
  /** @param {Obj} disk */
  function diskEl(disk) {
    const path = () => /** @type {Path} */ ([...disksPath(), disks().indexOf(disk)]);
    const lun = field(reg, {
      label: 'LUN',
      kind: 'number',
      inputmode: 'numeric',
      path: () => [...path(), 'lun'],
      get: () => disk.lun,
      set: (v) => {
        const n = Number(v);
        if (v.trim() === '' || !Number.isInteger(n)) delete disk.lun;
        else disk.lun = n;
      },
    }, onChange);
    const uri = field(reg, { label: 'Data disk VHD URL', kind: 'url', inputmode: 'url', path: () => [...path(), 'lunVhdUri'], ...textOf(() => disk, 'lunVhdUri') }, onChange);
    const row = h('div', { class: 'disk' }, lun, uri, h('button', {
      type: 'button',
      class: 'small',
      onclick: () => {
        disks().splice(disks().indexOf(disk), 1);
        row.remove();
        tidy();
        addButton.focus();
      },
    }, 'Remove data disk'));
    return row;
  }
  const addButton = h('button', {
    type: 'button',
    class: 'small',
    onclick: () => {
      const disk = { lun: disks().length };
      disks().push(disk);
      const el = diskEl(disk);
      body.append(el);
      tidy();
      /** @type {HTMLElement | null} */ (el.querySelector('input[type=url]'))?.focus();
    },
  }, 'Add data disk');
  for (const d of Array.isArray(image.lunVhdDetails) ? image.lunVhdDetails : []) body.append(diskEl(d));
  return group(reg, 'Data disks', disksPath, h('p', { class: 'hint' }, 'Up to 15; LUNs 0, 1, 2… without gaps.'), body, addButton);
}

