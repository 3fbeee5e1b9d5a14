// @ts-check
// Marketing links and media: the logos (and the hero logo), screenshots, videos, useful links and
// the test drive switch.
import { h } from '../../dom.js';
import { boolOf, checkField, field, group, holder, MP, objectList, section, TESTDRIVE, textOf } from '../form-kit.js';
import { withUpload } from '../image-upload.js';

/**
 * @typedef {import('../form-kit.js').FieldRegistry} FieldRegistry
 * @typedef {import('../form-kit.js').FieldSpec} FieldSpec
 * @typedef {import('../form-kit.js').Obj} Obj
 * @typedef {import('../form-kit.js').Path} Path
 * @typedef {import('../image-upload.js').ImageUploads} ImageUploads
 */

const LOGOS = [
  ['smallLogo', 'Small logo URL', 'a 40×40 px PNG'],
  ['mediumLogo', 'Medium logo URL', 'a 90×90 px PNG'],
  ['largeLogo', 'Large logo URL', 'a 115×115 px PNG'],
  ['wideLogo', 'Wide logo URL', 'a 255×115 px PNG'],
];

/** How an image field can be filled (the service downloads URLs at publish). @param {string} what */
const imageHint = (what) => `A URL, a data: URL or an upload of ${what}.`;

/**
 * @param {Obj} offer
 * @param {FieldRegistry} reg
 * @param {() => void} onChange
 * @param {ImageUploads} uploads  where the image fields' file pickers upload to
 */
export function linksMediaSection(offer, reg, onChange, uploads) {
  const at = (/** @type {string} */ key) => () => /** @type {Path} */ (['definition', 'offer', MP + key]);
  const f = (/** @type {FieldSpec} */ spec) => field(reg, spec, onChange);
  const mp = (/** @type {string} */ key, /** @type {string} */ label, /** @type {Partial<FieldSpec>} */ extra = {}) =>
    f({ label, path: at(key), ...textOf(() => offer, MP + key), ...extra });
  /** A text field of a list row. @param {Obj} item @param {() => Path} path @param {string} key @param {string} label @param {Partial<FieldSpec>} [extra] */
  const cell = (item, path, key, label, extra = {}) =>
    f({ label, path: () => [...path(), key], ...textOf(() => item, key), ...extra });
  const url = /** @type {Partial<FieldSpec>} */ ({ kind: 'url', inputmode: 'url' });

  const testDriveVideos = offer[TESTDRIVE + 'videos'];
  return section(
    'sec-media',
    'Marketing links and media',
    group(
      reg,
      'Logos',
      at('logos'),
      ...LOGOS.map(([key, label, size]) =>
        withUpload(mp(key, label, { ...url, required: true, hint: imageHint(size) }), key, uploads),
      ),
      withUpload(
        mp('heroLogo', 'Hero logo URL', {
          ...url,
          hint: `${imageHint('an 815×290 px PNG')} Shown when the offer is featured.`,
        }),
        'heroLogo',
        uploads,
      ),
    ),
    screenshotList(offer, reg, onChange, uploads),
    objectList(
      reg,
      {
        legend: 'Videos',
        hint: `Up to 4: a name, the video's address (YouTube or Vimeo) and a thumbnail image (${imageHint('a 1280×720 px PNG').replace(/\.$/, '')}).`,
        path: at('videos'),
        parent: holder(() => offer),
        key: MP + 'videos',
        itemLabel: 'Video',
        addLabel: 'Add video',
        create: () => ({}),
        row: (video, path) => [
          cell(video, path, 'videoName', 'Video name'),
          cell(video, path, 'videoLink', 'Video URL', url),
          withUpload(cell(video, path, 'thumbnailLink', 'Thumbnail URL', url), 'videoThumbnail', uploads),
        ],
      },
      onChange,
    ),
    objectList(
      reg,
      {
        legend: 'Useful links',
        hint: 'Up to 25 links shown with the listing: documentation, a FAQ, a blog…',
        path: at('usefulLinks'),
        parent: holder(() => offer),
        key: MP + 'usefulLinks',
        itemLabel: 'Link',
        addLabel: 'Add link',
        rowClass: 'pair',
        create: () => ({}),
        row: (link, path) => [
          cell(link, path, 'linkTitle', 'Link title'),
          cell(link, path, 'linkUrl', 'Link URL', url),
        ],
      },
      onChange,
    ),
    group(
      reg,
      'Test drive',
      null,
      checkField(
        reg,
        {
          label: 'Offer a test drive',
          hint: 'Customers can try the offer in a ready-made environment before deploying it.',
          path: () => ['definition', 'offer', TESTDRIVE + 'enabled'],
          ...boolOf(() => offer, TESTDRIVE + 'enabled'),
        },
        onChange,
      ),
      Array.isArray(testDriveVideos) && testDriveVideos.length
        ? h(
            'p',
            { class: 'hint' },
            `${testDriveVideos.length} test drive video${testDriveVideos.length === 1 ? ' is' : 's are'} kept as saved (change them through the API).`,
          )
        : null,
    ),
  );
}

/**
 * The screenshots: a list of URLs, one row each (a URL control with its upload picker), in the
 * order saved. A loaded list stays in the document when its last row is removed (as []); a list
 * the partner started is removed again.
 * @param {Obj} offer
 * @param {FieldRegistry} reg
 * @param {() => void} onChange
 * @param {ImageUploads} uploads
 */
function screenshotList(offer, reg, onChange, uploads) {
  const KEY = MP + 'screenshots';
  const listPath = () => /** @type {Path} */ (['definition', 'offer', KEY]);
  const loaded = Array.isArray(offer[KEY]);
  /** @returns {unknown[] | undefined} */
  const list = () => (Array.isArray(offer[KEY]) ? offer[KEY] : undefined);
  /** One entry per row, in the list's order; a row's index is its position here. @type {object[]} */
  const rows = [];
  const body = h('div', { class: 'list-rows' });
  const relabel = () => {
    body.querySelectorAll(':scope > fieldset').forEach((fs, i) => {
      const legend = fs.querySelector('legend');
      if (legend) legend.textContent = `Screenshot ${i + 1}`;
    });
  };
  /** @param {object} row */
  function rowEl(row) {
    const path = () => /** @type {Path} */ ([...listPath(), rows.indexOf(row)]);
    const urlField = withUpload(
      field(
        reg,
        {
          label: 'Screenshot URL',
          kind: 'url',
          inputmode: 'url',
          hint: imageHint('a 1280×720 px PNG'),
          path,
          get: () => list()?.[rows.indexOf(row)],
          // An emptied row stays a row (""), so the rows and the list keep the same order; the API
          // names an empty screenshot at its row, and "Remove" takes it out.
          set: (v) => {
            const l = list() ?? (offer[KEY] = []);
            l[rows.indexOf(row)] = v.trim() === '' ? '' : v;
          },
        },
        onChange,
      ),
      'screenshot',
      uploads,
    );
    // The row's control carries the row's path (a warning about screenshot #n belongs there).
    const fs = group(
      reg,
      `Screenshot ${rows.indexOf(row) + 1}`,
      null,
      urlField,
      h(
        'button',
        {
          type: 'button',
          class: 'danger small',
          onclick: () => {
            const i = rows.indexOf(row);
            rows.splice(i, 1);
            list()?.splice(i, 1);
            if (!loaded && list()?.length === 0) delete offer[KEY];
            fs.remove();
            relabel();
            reg.refresh();
            onChange();
            addButton.focus();
          },
        },
        'Remove this screenshot',
      ),
    );
    fs.classList.add('list-row');
    return fs;
  }
  const addButton = h(
    'button',
    {
      type: 'button',
      class: 'small',
      onclick: () => {
        const row = {};
        rows.push(row);
        (list() ?? (offer[KEY] = [])).push('');
        const el = rowEl(row);
        body.append(el);
        reg.refresh();
        onChange();
        /** @type {HTMLElement | null} */ (el.querySelector('input[type=url]'))?.focus();
      },
    },
    'Add screenshot',
  );
  for (let i = 0; i < (list()?.length ?? 0); i++) {
    const row = {};
    rows.push(row);
    body.append(rowEl(row));
  }
  return group(
    reg,
    'Screenshots',
    listPath,
    h('p', { class: 'hint' }, 'Images of the product, shown with the listing in this order.'),
    body,
    addButton,
  );
}
