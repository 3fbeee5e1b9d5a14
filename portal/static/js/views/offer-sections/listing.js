// @ts-check
// The offer listing: names and texts, the listing's URL slug, categories, legal texts and the
// engineering and support contacts.
import { h } from '../../dom.js';
import { field, group, holder, listOf, MP, objectList, textOf, warningSlot } from '../form-kit.js';

/**
 * @typedef {import('../form-kit.js').FieldRegistry} FieldRegistry
 * @typedef {import('../form-kit.js').FieldSpec} FieldSpec
 * @typedef {import('../form-kit.js').OfferDoc} OfferDoc
 * @typedef {import('../form-kit.js').Obj} Obj
 * @typedef {import('../form-kit.js').Path} Path
 */

/**
 * @param {OfferDoc['definition']} def
 * @param {FieldRegistry} reg
 * @param {() => void} onChange
 */
export function listingSection(def, reg, onChange) {
  const offer = () => def.offer;
  const at = (/** @type {string} */ key) => () => /** @type {Path} */ (['definition', 'offer', MP + key]);
  const f = (/** @type {FieldSpec} */ spec) => field(reg, spec, onChange);
  const mp = (/** @type {string} */ key, /** @type {string} */ label, /** @type {Partial<FieldSpec>} */ extra = {}) =>
    f({ label, path: at(key), ...textOf(offer, MP + key), ...extra });

  // Warnings about the listing as a whole (or a field without a control here) show at its top.
  const listingSlot = warningSlot();
  const listing = h(
    'section',
    { class: 'form-section', 'aria-labelledby': 'sec-listing' },
    h('h2', { id: 'sec-listing' }, 'Offer listing'),
    listingSlot,
    f({
      label: 'Display name',
      hint: 'How the offer is named in this portal.',
      path: () => ['definition', 'displayText'],
      get: () => def.displayText,
      set: (v) => (v.trim() ? (def.displayText = v) : delete def.displayText),
    }),
    mp('title', 'Marketplace title', { required: true, max: 50 }),
    mp('summary', 'Summary', { required: true, max: 100 }),
    mp('longSummary', 'Long summary', { kind: 'textarea', required: true, max: 256 }),
    mp('description', 'Description', {
      kind: 'textarea',
      required: true,
      max: 3000,
      hint: 'Simple HTML is allowed (p, ul, li, b, i, a).',
    }),
    mp('offerMarketingUrlIdentifier', 'Listing URL identifier', {
      hint: 'The last part of the listing\'s marketplace address, e.g. contoso-vm: lowercase letters, digits and "-".',
      autocomplete: 'off',
    }),
    f({
      label: 'Categories',
      hint: 'At most 2, separated by commas.',
      path: at('categories'),
      ...listOf(offer, MP + 'categories'),
    }),
    categoryMapEl(def.offer, reg, onChange),
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
      mp('publicAzureSupportUrl', 'Support URL (Azure global)', {
        kind: 'url',
        inputmode: 'url',
        hint: 'Where customers of public Azure get support.',
      }),
      mp('fairfaxSupportUrl', 'Support URL (Azure Government)', {
        kind: 'url',
        inputmode: 'url',
        hint: 'Where customers of Azure Government get support.',
      }),
    ),
  );
  reg.add({
    el: listing,
    path: () => ['definition', 'offer'],
    slot: listingSlot,
    control: null,
    label: 'Offer listing',
  });
  return listing;
}

/**
 * The later revision's categories: each entry a category and its subcategories, kept under a key
 * named after the category (`{ categoryL1: "analytics", "categoryL2-analytics": ["data-insights"] }`).
 * Renaming the category renames that key; the subcategories typed are kept meanwhile.
 * @param {Obj} offer
 * @param {FieldRegistry} reg
 * @param {() => void} onChange
 */
function categoryMapEl(offer, reg, onChange) {
  const KEY = MP + 'categoryMap';
  const l2 = (/** @type {unknown} */ l1) => `categoryL2-${l1}`;
  return objectList(
    reg,
    {
      legend: 'Categories and subcategories',
      hint: 'At most 2 categories (e.g. analytics), each with at most 2 subcategories separated by commas (e.g. data-insights, data-analytics).',
      path: () => ['definition', 'offer', KEY],
      parent: holder(() => offer),
      key: KEY,
      itemLabel: 'Category',
      addLabel: 'Add category',
      rowClass: 'pair',
      create: () => ({}),
      row: (entry, path) => {
        // The subcategories, also while the category is blank (then they are not in the document).
        /** @type {unknown} */
        let subs = entry[l2(entry.categoryL1)];
        const category = field(
          reg,
          {
            label: 'Category',
            required: true,
            path: () => [...path(), 'categoryL1'],
            get: () => entry.categoryL1,
            set: (v) => {
              delete entry[l2(entry.categoryL1)];
              const name = v.trim();
              if (name === '') delete entry.categoryL1;
              else {
                entry.categoryL1 = name;
                if (subs !== undefined) entry[l2(name)] = subs;
              }
              reg.refresh();
            },
          },
          onChange,
        );
        const subcategories = field(
          reg,
          {
            label: 'Subcategories',
            hint: 'Separated by commas.',
            path: () => [...path(), l2(entry.categoryL1 ?? '')],
            get: () => (Array.isArray(subs) ? subs.join(', ') : ''),
            set: (v) => {
              const items = v
                .split(/[,\n]/)
                .map((x) => x.trim())
                .filter(Boolean);
              subs = items.length ? items : undefined;
              if (entry.categoryL1 === undefined) return;
              if (subs === undefined) delete entry[l2(entry.categoryL1)];
              else entry[l2(entry.categoryL1)] = subs;
            },
          },
          onChange,
        );
        return [category, subcategories];
      },
    },
    onChange,
  );
}
