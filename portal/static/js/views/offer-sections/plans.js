// @ts-check
// Plans (SKUs): each plan's listing, availability, operating system, pricing, open ports and
// image versions.
import { h, uid } from '../../dom.js';
import { boolOf, checkField, checkSet, field, group, listOf, stringsOf, textOf, VM } from '../form-kit.js';
import { imagesEl } from './images.js';
import { pricingEl } from './pricing.js';

/**
 * @typedef {import('../form-kit.js').FieldRegistry} FieldRegistry
 * @typedef {import('../form-kit.js').FieldSpec} FieldSpec
 * @typedef {import('../form-kit.js').OfferDoc} OfferDoc
 * @typedef {import('../form-kit.js').Obj} Obj
 * @typedef {import('../form-kit.js').Path} Path
 */

/** The clouds a plan can be offered in; values found in a document but not here are kept. */
const CLOUDS = [
  ['PublicAzure', 'Public Azure'],
  ['Fairfax', 'Azure Government (Fairfax)'],
  ['Mooncake', 'Azure China (Mooncake)'],
  ['Blackforest', 'Azure Germany (Blackforest)'],
];

/**
 * @param {OfferDoc['definition']} def
 * @param {FieldRegistry} reg
 * @param {() => void} onChange
 */
export function plansSection(def, reg, onChange) {
  if (!Array.isArray(def.plans)) def.plans = [];
  const list = h('div', { class: 'plans' });
  const addPlan = h(
    'button',
    {
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
    },
    'Add plan',
  );
  for (const plan of def.plans) list.append(planEl(def, plan, reg, onChange, list));
  return h(
    'section',
    { class: 'form-section', 'aria-labelledby': 'sec-plans' },
    h('h2', { id: 'sec-plans' }, 'Plans'),
    group(reg, 'Plans (SKUs)', () => ['definition', 'plans'], list, addPlan),
  );
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
  const vm = (/** @type {string} */ key, /** @type {string} */ label, /** @type {Partial<FieldSpec>} */ extra = {}) =>
    f({ label, path: at(VM + key), ...textOf(() => plan, VM + key), ...extra });
  const legendText = () => `Plan ${def.plans.indexOf(plan) + 1}${plan.planId ? `: ${plan.planId}` : ''}`;
  // The Windows type is asked for Windows plans (and shown wherever one is set, so it can be cleared).
  const windowsType = vm('windowsOSType', 'Windows type', { hint: 'E.g. Windows Server 2022, or Other.' });
  const showWindowsType = () => {
    windowsType.hidden = plan[VM + 'operatingSystemFamily'] !== 'Windows' && plan[VM + 'windowsOSType'] === undefined;
  };
  showWindowsType();

  const fs = group(
    reg,
    legendText(),
    path,
    f({
      label: 'Plan (SKU) id',
      required: true,
      max: 50,
      hint: 'Lowercase letters, digits and "-".',
      path: at('planId'),
      ...textOf(() => plan, 'planId'),
    }),
    vm('skuTitle', 'Plan title', { required: true, max: 50 }),
    vm('skuSummary', 'Plan summary', { required: true, max: 100 }),
    vm('skuDescription', 'Plan description', { kind: 'textarea' }),
    checkField(
      reg,
      {
        label: 'Hidden plan',
        hint: 'Not shown in the marketplace: it can be deployed only through a solution template.',
        path: at(VM + 'hideSKUForSolutionTemplate'),
        ...boolOf(() => plan, VM + 'hideSKUForSolutionTemplate'),
      },
      onChange,
    ),
    field(
      reg,
      {
        label: 'Operating system family',
        kind: 'select',
        required: true,
        options: [
          ['', 'Not set'],
          ['Linux', 'Linux'],
          ['Windows', 'Windows'],
        ],
        path: at(VM + 'operatingSystemFamily'),
        ...textOf(() => plan, VM + 'operatingSystemFamily'),
      },
      () => {
        showWindowsType();
        onChange();
      },
    ),
    windowsType,
    vm('operationSystem', 'Operating system name', { required: true, hint: 'E.g. Ubuntu 22.04.' }),
    f({
      label: 'Recommended VM sizes',
      required: true,
      hint: '1–6 sizes separated by commas, e.g. standard_d2s_v5.',
      path: at(VM + 'recommendedVMSizes'),
      ...listOf(() => plan, VM + 'recommendedVMSizes'),
    }),
    f({
      label: 'Countries/regions',
      required: true,
      hint: 'Two-letter codes separated by commas, e.g. US, DE.',
      path: at('regions'),
      ...listOf(() => plan, 'regions'),
    }),
    checkSet(
      reg,
      {
        legend: 'Cloud availability',
        hint: 'The Azure clouds the plan is offered in.',
        path: at(VM + 'cloudAvailability'),
        options: CLOUDS,
        ...stringsOf(() => plan, VM + 'cloudAvailability'),
      },
      onChange,
    ),
    f({
      label: 'Azure Government certifications',
      hint: 'Separated by commas, e.g. FedRAMP High, DoD IL4.',
      path: at(VM + 'certificationsFairfax'),
      ...listOf(() => plan, VM + 'certificationsFairfax'),
    }),
    vm('licenseModel', 'License model', { hint: 'E.g. BYOL.' }),
    pricingEl(plan, path, reg, onChange),
    portsEl(plan, path, reg, onChange),
    imagesEl(plan, path, reg, onChange),
    h(
      'button',
      {
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
      },
      'Remove this plan',
    ),
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
    const protocol = h(
      'select',
      { 'aria-label': 'Protocol' },
      h('option', { value: 'TCP' }, 'TCP'),
      h('option', { value: 'UDP' }, 'UDP'),
    );
    protocol.value = port.protocol ?? 'TCP';
    const number = h('input', {
      type: 'number',
      min: 1,
      max: 65535,
      'aria-label': 'Port number',
      inputmode: 'numeric',
    });
    number.value = port.port === undefined ? '' : String(port.port);
    const slot = h('div', { class: 'field-warnings', id: uid('warn'), hidden: true });
    name.addEventListener('input', () => (name.value.trim() ? (port.name = name.value) : delete port.name, onChange()));
    protocol.addEventListener('change', () => ((port.protocol = protocol.value), onChange()));
    number.addEventListener('input', () => {
      const n = Number(number.value);
      if (number.value.trim() === '' || !Number.isFinite(n)) delete port.port;
      else port.port = n;
      onChange();
    });
    const tr = h(
      'tr',
      {},
      h('td', {}, name, slot),
      h('td', {}, protocol),
      h('td', {}, number),
      h(
        'td',
        {},
        h(
          'button',
          {
            type: 'button',
            class: 'small',
            onclick: () => {
              ports().splice(ports().indexOf(port), 1);
              tr.remove();
              tidy();
            },
          },
          'Remove',
        ),
      ),
    );
    reg.add({ el: tr, path, slot, control: null, label: 'Open port' });
    return tr;
  }
  for (const port of Array.isArray(plan[KEY]) ? plan[KEY] : []) body.append(row(port));
  return group(
    reg,
    'Open ports',
    () => [...planPath(), KEY],
    h(
      'div',
      { class: 'table-wrap', role: 'region', 'aria-label': 'Open ports', tabindex: 0 },
      h(
        'table',
        { class: 'data compact' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, 'Name'),
            h('th', { scope: 'col' }, 'Protocol'),
            h('th', { scope: 'col' }, 'Port'),
            h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Actions')),
          ),
        ),
        body,
      ),
    ),
    h(
      'button',
      {
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
      },
      'Add port',
    ),
  );
}
