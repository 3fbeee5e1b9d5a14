// @ts-check
// Marketing links and media: the logos (and the hero logo), screenshots, videos, useful links and
// the test drive switch.
import { h } from '../../dom.js';
import { boolOf, checkField, field, group, holder, listOf, MP, objectList, section, TESTDRIVE, textOf } from '../form-kit.js';

/**
 * @typedef {import('../form-kit.js').FieldRegistry} FieldRegistry
 * @typedef {import('../form-kit.js').FieldSpec} FieldSpec
 * @typedef {import('../form-kit.js').Obj} Obj
 * @typedef {import('../form-kit.js').Path} Path
 */

const LOGOS = [
  ['smallLogo', 'Small logo URL', '40×40 px PNG'],
  ['mediumLogo', 'Medium logo URL', '90×90 px PNG'],
  ['largeLogo', 'Large logo URL', '115×115 px PNG'],
  ['wideLogo', 'Wide logo URL', '255×115 px PNG'],
];

/**
 * @param {Obj} offer
 * @param {FieldRegistry} reg
 * @param {() => void} onChange
 */
export function linksMediaSection(offer, reg, onChange) {
  const at = (/** @type {string} */ key) => () => /** @type {Path} */ (['definition', 'offer', MP + key]);
  const f = (/** @type {FieldSpec} */ spec) => field(reg, spec, onChange);
  const mp = (/** @type {string} */ key, /** @type {string} */ label, /** @type {Partial<FieldSpec>} */ extra = {}) => f({ label, path: at(key), ...textOf(() => offer, MP + key), ...extra });
  /** A text field of a list row. @param {Obj} item @param {() => Path} path @param {string} key @param {string} label @param {Partial<FieldSpec>} [extra] */
  const cell = (item, path, key, label, extra = {}) => f({ label, path: () => [...path(), key], ...textOf(() => item, key), ...extra });
  const url = /** @type {Partial<FieldSpec>} */ ({ kind: 'url', inputmode: 'url' });

  const testDriveVideos = offer[TESTDRIVE + 'videos'];
  return section(
    'sec-media',
    'Marketing links and media',
    group(
      reg,
      'Logos',
      at('logos'),
      ...LOGOS.map(([key, label, size]) => mp(key, label, { kind: 'url', required: true, hint: `https URL of a ${size}.`, inputmode: 'url' })),
      mp('heroLogo', 'Hero logo URL', { ...url, hint: 'https URL (or data: URL) of an 815×290 px PNG, shown when the offer is featured.' }),
    ),
    f({ label: 'Screenshot URLs', kind: 'textarea', hint: 'One URL per line.', path: at('screenshots'), ...listOf(() => offer, MP + 'screenshots', /\n/) }),
    objectList(reg, {
      legend: 'Videos',
      hint: 'Up to 4: a name, the video\'s address (YouTube or Vimeo) and a thumbnail image (1280×720 px PNG).',
      path: at('videos'),
      parent: holder(() => offer),
      key: MP + 'videos',
      itemLabel: 'Video',
      addLabel: 'Add video',
      create: () => ({}),
      row: (video, path) => [
        cell(video, path, 'videoName', 'Video name'),
        cell(video, path, 'videoLink', 'Video URL', url),
        cell(video, path, 'thumbnailLink', 'Thumbnail URL', url),
      ],
    }, onChange),
    objectList(reg, {
      legend: 'Useful links',
      hint: 'Up to 25 links shown with the listing: documentation, a FAQ, a blog…',
      path: at('usefulLinks'),
      parent: holder(() => offer),
      key: MP + 'usefulLinks',
      itemLabel: 'Link',
      addLabel: 'Add link',
      rowClass: 'pair',
      create: () => ({}),
      row: (link, path) => [cell(link, path, 'linkTitle', 'Link title'), cell(link, path, 'linkUrl', 'Link URL', url)],
    }, onChange),
    group(
      reg,
      'Test drive',
      null,
      checkField(reg, {
        label: 'Offer a test drive',
        hint: 'Customers can try the offer in a ready-made environment before deploying it.',
        path: () => ['definition', 'offer', TESTDRIVE + 'enabled'],
        ...boolOf(() => offer, TESTDRIVE + 'enabled'),
      }, onChange),
      Array.isArray(testDriveVideos) && testDriveVideos.length
        ? h('p', { class: 'hint' }, `${testDriveVideos.length} test drive video${testDriveVideos.length === 1 ? ' is' : 's are'} kept as saved (change them through the API).`)
        : null,
    ),
  );
}
