// @ts-check
// A plan's image versions (disk versions): version → OS disk SAS URL and data disks (LUN + SAS URL).
import { h } from '../../dom.js';
import { field, group, textOf, VM } from '../form-kit.js';

/**
 * @typedef {import('../form-kit.js').FieldRegistry} FieldRegistry
 * @typedef {import('../form-kit.js').Obj} Obj
 * @typedef {import('../form-kit.js').Path} Path
 */

/**
 * Image versions (disk versions): version → OS disk SAS URL and data disks (LUN + SAS URL).
 * @param {Obj} plan
 * @param {() => Path} planPath
 * @param {FieldRegistry} reg
 * @param {() => void} onChange
 */
export function imagesEl(plan, planPath, reg, onChange) {
  const KEY = VM + 'vmImages';
  /** @type {{ version: string, image: Obj }[]} */
  const entries = Object.entries(plan[KEY] && typeof plan[KEY] === 'object' ? plan[KEY] : {}).map(
    ([version, image]) => ({ version, image }),
  );
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
    const dup = h(
      'p',
      { class: 'warning', hidden: true },
      'This version is listed twice; only one of them will be kept.',
    );
    const version = field(
      reg,
      {
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
      },
      () => undefined,
    );
    const os = field(
      reg,
      {
        label: 'OS disk VHD URL',
        kind: 'url',
        required: true,
        hint: 'A SAS URL of the .vhd page blob with read and list permissions (sp=rl).',
        inputmode: 'url',
        path: () => [...path(), 'osVhdUrl'],
        ...textOf(() => entry.image, 'osVhdUrl'),
      },
      onChange,
    );
    const disks = disksEl(entry.image, path, reg, onChange);
    // The version input carries this version's path (a "semver" warning belongs there).
    const fs = group(
      reg,
      `Version ${entry.version || '(new)'}`,
      null,
      version,
      dup,
      os,
      disks,
      h(
        'button',
        {
          type: 'button',
          class: 'danger small',
          onclick: () => {
            entries.splice(entries.indexOf(entry), 1);
            fs.remove();
            write();
            addButton.focus();
          },
        },
        'Remove this version',
      ),
    );
    fs.classList.add('image');
    fs.addEventListener('input', () => {
      const legend = fs.querySelector('legend');
      if (legend) legend.textContent = `Version ${entry.version || '(new)'}`;
    });
    return fs;
  }

  const addButton = h(
    'button',
    {
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
    },
    'Add disk version',
  );
  for (const e of entries) list.append(imageEl(e));
  return group(reg, 'Disk versions (VM images)', imagesPath, list, addButton);
}

/** The next free patch version after the highest one (1.0.0 when there is none). @param {string[]} versions */
export function nextVersion(versions) {
  const parsed = versions
    .map((v) => v.split('.').map(Number))
    .filter((p) => p.length === 3 && p.every((n) => Number.isInteger(n) && n >= 0));
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
    const lun = field(
      reg,
      {
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
      },
      onChange,
    );
    const uri = field(
      reg,
      {
        label: 'Data disk VHD URL',
        kind: 'url',
        inputmode: 'url',
        path: () => [...path(), 'lunVhdUri'],
        ...textOf(() => disk, 'lunVhdUri'),
      },
      onChange,
    );
    const row = h(
      'div',
      { class: 'disk' },
      lun,
      uri,
      h(
        'button',
        {
          type: 'button',
          class: 'small',
          onclick: () => {
            disks().splice(disks().indexOf(disk), 1);
            row.remove();
            tidy();
            addButton.focus();
          },
        },
        'Remove data disk',
      ),
    );
    return row;
  }
  const addButton = h(
    'button',
    {
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
    },
    'Add data disk',
  );
  for (const d of Array.isArray(image.lunVhdDetails) ? image.lunVhdDetails : []) body.append(diskEl(d));
  return group(
    reg,
    'Data disks',
    disksPath,
    h('p', { class: 'hint' }, 'Up to 15; LUNs 0, 1, 2… without gaps.'),
    body,
    addButton,
  );
}
