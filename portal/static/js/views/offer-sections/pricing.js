// @ts-check
// A plan's pricing (`virtualMachinePricing`, domain/offer/pricing-schema.ts): bring your own
// license, a free trial, and the price per core — one USD price for every core
// (`coreMultiplier.single`) or one per core size (`coreMultiplier.individually`). Prices per region
// and a pricing spreadsheet have no controls here; they are kept as loaded.
import { h } from '../../dom.js';
import { boolOf, checkField, field, group, holder, lazy, numberOf } from '../form-kit.js';

/**
 * @typedef {import('../form-kit.js').FieldRegistry} FieldRegistry
 * @typedef {import('../form-kit.js').Obj} Obj
 * @typedef {import('../form-kit.js').Path} Path
 */

/** The core sizes of "Customized core pricing", as CORE_SIZES in domain/offer/pricing-schema.ts (test/unit/portal/core-sizes.test.ts keeps them equal). */
export const CORE_SIZES = [
  'sharedcore',
  '1core',
  '2core',
  '4core',
  '6core',
  '8core',
  '10core',
  '12core',
  '16core',
  '20core',
  '24core',
  '32core',
  '36core',
  '40core',
  '44core',
  '48core',
  '60core',
  '64core',
  '72core',
  '80core',
  '96core',
  '120core',
  '128core',
  '208core',
  '416core',
];

/** "Shared core", "1 core", "2 cores"… @param {string} size */
const sizeLabel = (size) =>
  size === 'sharedcore' ? 'Shared core' : size === '1core' ? '1 core' : `${size.replace(/core$/, '')} cores`;

const TRIALS = [
  ['0', 'None'],
  ['1', '1 month'],
  ['3', '3 months'],
];

const MODELS = [
  ['', 'Not set'],
  ['single', 'Per core (one USD price)'],
  ['individually', 'Per core size'],
];

/**
 * @param {Obj} plan
 * @param {() => Path} planPath
 * @param {FieldRegistry} reg
 * @param {() => void} onChange
 */
export function pricingEl(plan, planPath, reg, onChange) {
  const KEY = 'virtualMachinePricing';
  const path = () => /** @type {Path} */ ([...planPath(), KEY]);
  const cmPath = () => /** @type {Path} */ ([...path(), 'coreMultiplier']);
  const pricing = lazy(
    holder(() => plan),
    KEY,
  );
  // A price model chosen but no price typed yet leaves `{ currency: "USD" }`, dropped again if new.
  const cm = lazy(
    pricing,
    'coreMultiplier',
    () => ({ currency: 'USD' }),
    (o) => Object.keys(o).every((k) => k === 'currency' && o[k] === 'USD'),
  );

  const byol = checkField(
    reg,
    {
      label: 'Bring your own license (BYOL)',
      hint: 'Customers license the software themselves and pay only for Azure.',
      path: () => [...path(), 'isByol'],
      // A missing isByol is "not said yet" (a publish warning), so unticking writes false.
      ...boolOf(pricing, 'isByol', { explicit: true }),
    },
    onChange,
  );

  const loadedTrial = pricing.read()?.freeTrialDurationInMonths;
  const trialOptions =
    typeof loadedTrial === 'number' && !TRIALS.some(([v]) => Number(v) === loadedTrial)
      ? [...TRIALS, [String(loadedTrial), `${loadedTrial} months`]]
      : TRIALS;
  const trial = field(
    reg,
    {
      label: 'Free trial',
      kind: 'select',
      options: trialOptions,
      hint: 'Customers pay nothing for the software during the trial.',
      path: () => [...path(), 'freeTrialDurationInMonths'],
      get: () => String(pricing.read()?.freeTrialDurationInMonths ?? 0),
      set: (v) => (pricing.write().freeTrialDurationInMonths = Number(v)),
    },
    onChange,
  );

  // What a model leaves when another is chosen, restored if it is chosen again.
  /** @type {{ single?: unknown, individually?: unknown }} */
  const stash = {};
  const modelOf = () => {
    const c = cm.read();
    return c?.individually !== undefined ? 'individually' : c?.single !== undefined ? 'single' : '';
  };
  /** @param {string} model */
  const choose = (model) => {
    const c = cm.read();
    for (const k of /** @type {('single' | 'individually')[]} */ (['single', 'individually'])) {
      if (k !== model && c && c[k] !== undefined) {
        stash[k] = c[k];
        delete c[k];
      }
    }
    if (model === 'single' && stash.single !== undefined) cm.write().single = stash.single;
    else if (model === 'individually') cm.write().individually ??= stash.individually ?? {};
    else if (model === 'single') cm.write();
    if (model === '') cm.tidy();
    // Choosing prices says the plan is priced, unless BYOL was said already.
    else if (pricing.read()?.isByol === undefined) pricing.write().isByol = false;
  };
  let model = modelOf();
  const modelField = field(
    reg,
    {
      label: 'Price model',
      kind: 'select',
      options: MODELS,
      hint: 'Prices are per core per hour, in US dollars.',
      path: cmPath,
      get: () => model,
      set: (v) => {
        model = v;
        choose(v);
      },
    },
    () => {
      show();
      onChange();
    },
  );

  const price = /** @type {const} */ ({ kind: 'number', inputmode: 'decimal', min: 0, step: 'any' });
  const single = h(
    'div',
    { class: 'price-single' },
    field(
      reg,
      {
        label: 'Price per core per hour (USD)',
        ...price,
        path: () => [...cmPath(), 'single'],
        ...numberOf(cm, 'single'),
      },
      onChange,
    ),
  );
  // Kept when its last price is cleared: `individually` present is what "per core size" means.
  const individually = lazy(
    cm,
    'individually',
    () => ({}),
    () => false,
  );
  const perSize = group(
    reg,
    'Price per core size per hour (USD)',
    () => [...cmPath(), 'individually'],
    h('p', { class: 'hint' }, 'Leave a size blank if the plan is not offered on it.'),
    h(
      'div',
      { class: 'price-grid' },
      ...CORE_SIZES.map((size) =>
        field(
          reg,
          {
            label: sizeLabel(size),
            ...price,
            path: () => [...cmPath(), 'individually', size],
            ...numberOf(individually, size),
          },
          onChange,
        ),
      ),
    ),
  );
  perSize.classList.add('price-sizes');
  const show = () => {
    single.hidden = model !== 'single';
    perSize.hidden = model !== 'individually';
  };
  show();

  const loaded = pricing.read();
  const kept = [
    loaded?.regionPrices && typeof loaded.regionPrices === 'object'
      ? `prices for ${Object.keys(loaded.regionPrices).length} region${Object.keys(loaded.regionPrices).length === 1 ? '' : 's'}`
      : null,
    loaded?.spreadSheetPricing ? 'a pricing spreadsheet' : null,
  ].filter(Boolean);

  const fs = group(
    reg,
    'Pricing',
    path,
    byol,
    trial,
    modelField,
    single,
    perSize,
    kept.length
      ? h(
          'p',
          { class: 'hint' },
          `This plan also has ${kept.join(' and ')}; they are kept as saved (change them through the API).`,
        )
      : null,
  );
  fs.classList.add('pricing');
  return fs;
}
