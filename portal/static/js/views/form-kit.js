// @ts-check
// The offer editor's form kit: controls bound to a working copy of the offer document. Each control
// knows its document path, so warnings from the API (`path`, `rule`, `message`) are shown next to
// the control they are about. The sections (offer-sections/*.js) are built from these parts.
//
// Binding rules, kept by every helper here:
// - a control writes only when the partner changes it, so untouched fields go back as loaded;
// - an emptied optional field removes its key (the API then judges "required" as blank);
// - numbers are written as numbers, booleans as booleans;
// - a container (e.g. a plan's `virtualMachinePricing`) is created when a value is first written
//   into it, and removed again if it empties and was not in the loaded document.
import { append, h, uid } from '../dom.js';
import { formatPath, isWithin } from '../paths.js';

export const MP = 'microsoft-azure-marketplace.';
export const VM = 'microsoft-azure-virtualmachines.';
/** The test drive's fields have their own namespace. */
export const TESTDRIVE = 'microsoft-azure-marketplace-testdrive.';

/**
 * @typedef {import('../paths.js').Path} Path
 * @typedef {import('../dom.js').Child} Child
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
        target.slot.append(
          h(
            'p',
            { class: 'warning', 'data-rule': warning.rule ?? '' },
            h('span', { class: 'sr-only' }, 'Warning: '),
            warning.message,
          ),
        );
        target.slot.hidden = false;
        if (target.control) {
          target.control.setAttribute('aria-invalid', 'true');
          const ids = (target.control.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean);
          if (!ids.includes(target.slot.id))
            target.control.setAttribute('aria-describedby', [...ids, target.slot.id].join(' '));
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
 * @property {number} [min]  a number input's lowest value (the spinner's; the API judges)
 * @property {string} [step]  a number input's step ("any" for prices)
 */

/** A warning slot: filled by FieldRegistry.apply. */
export const warningSlot = () => h('div', { class: 'field-warnings', id: uid('warn'), hidden: true });

/**
 * One labelled control with its hint and warning slot, registered under its path.
 * @param {FieldRegistry} reg
 * @param {FieldSpec} spec
 * @param {() => void} onChange
 */
export function field(reg, spec, onChange) {
  const id = uid('f');
  const hintId = spec.hint || spec.max ? uid('hint') : undefined;
  const slot = warningSlot();
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
    control = h('input', {
      id,
      type: kind,
      autocomplete: spec.autocomplete ?? 'off',
      placeholder: spec.placeholder,
      inputmode: spec.inputmode,
      spellcheck: kind === 'text' ? undefined : 'false',
      min: spec.min,
      step: spec.step,
    });
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
  const hint = hintId
    ? h(
        'p',
        { class: 'hint', id: hintId },
        spec.hint ?? '',
        spec.max ? `${spec.hint ? ' ' : ''}At most ${spec.max} characters.` : '',
      )
    : null;
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
 * @typedef {object} CheckSpec
 * @property {string} label
 * @property {() => Path} path
 * @property {() => boolean} get
 * @property {(checked: boolean) => void} set
 * @property {string} [hint]
 */

/**
 * A checkbox bound to a boolean, with its hint and warning slot, registered under its path.
 * @param {FieldRegistry} reg
 * @param {CheckSpec} spec
 * @param {() => void} onChange
 */
export function checkField(reg, spec, onChange) {
  const id = uid('f');
  const hintId = spec.hint ? uid('hint') : undefined;
  const slot = warningSlot();
  const control = h('input', { id, type: 'checkbox' });
  control.checked = spec.get();
  if (hintId) control.setAttribute('aria-describedby', hintId);
  control.addEventListener('change', () => {
    spec.set(control.checked);
    onChange();
  });
  reg.add({ el: control, path: spec.path, slot, control, label: spec.label });
  return h(
    'div',
    { class: 'field field-checkbox' },
    h('label', { class: 'inline-check' }, control, h('span', {}, spec.label)),
    hintId ? h('p', { class: 'hint', id: hintId }, spec.hint ?? '') : null,
    slot,
  );
}

/**
 * @typedef {object} CheckSetSpec
 * @property {string} legend
 * @property {() => Path} path  the list's path
 * @property {string[][]} options  [value, label] pairs; values found in the document but not here are offered too
 * @property {() => string[]} get
 * @property {(values: string[]) => void} set
 * @property {string} [hint]
 */

/**
 * A list of strings chosen with checkboxes. The order loaded is kept; a ticked value is added at
 * the end; values the portal does not know are shown (ticked) and kept.
 * @param {FieldRegistry} reg
 * @param {CheckSetSpec} spec
 * @param {() => void} onChange
 */
export function checkSet(reg, spec, onChange) {
  const current = spec.get();
  const options = [...spec.options, ...current.filter((v) => !spec.options.some(([o]) => o === v)).map((v) => [v, v])];
  const boxes = options.map(([value, label]) => {
    const box = h('input', { type: 'checkbox', value, id: uid('f') });
    box.checked = current.includes(value);
    box.addEventListener('change', () => {
      const now = spec.get().filter((v) => v !== value);
      spec.set(box.checked ? [...now, value] : now);
      onChange();
    });
    return h('label', {}, box, label);
  });
  return group(
    reg,
    spec.legend,
    spec.path,
    spec.hint ? h('p', { class: 'hint' }, spec.hint) : null,
    h('div', { class: 'checks' }, ...boxes),
  );
}

/**
 * A fieldset registered under a path, so warnings about the whole group (e.g. "add at least one
 * plan") appear at its top.
 * @param {FieldRegistry} reg
 * @param {string} legend
 * @param {(() => Path) | null} path  null: a plain group (its fields carry the paths)
 * @param {...(Child | Child[])} children
 */
export function group(reg, legend, path, ...children) {
  const slot = warningSlot();
  const legendEl = h('legend', {}, legend);
  const fs = h('fieldset', { class: 'group' }, legendEl, slot);
  append(fs, children);
  if (path) reg.add({ el: fs, path, slot, control: null, label: legend });
  return fs;
}

/**
 * A section of the form: a heading and its content.
 * @param {string} id  the heading's id
 * @param {string} title
 * @param {...(Child | Child[])} children
 */
export function section(id, title, ...children) {
  const el = h('section', { class: 'form-section', 'aria-labelledby': id }, h('h2', { id }, title));
  append(el, children);
  return el;
}

// ---- value helpers ---------------------------------------------------------------------------

/**
 * Where values are kept: `read()` the object if it exists (never creating it), `write()` it
 * (creating it if needed), `tidy()` after a removal (drops a container that emptied and was
 * not loaded).
 * @typedef {{ read: () => Obj | undefined, write: () => Obj, tidy: () => void }} Holder
 */

/** An object that always exists (the offer, a plan, a row). @param {() => Obj} obj @returns {Holder} */
export const holder = (obj) => ({ read: obj, write: obj, tidy: () => undefined });

/**
 * A sub-object `parent[key]`, created when a value is first written into it.
 * @param {Holder} parent
 * @param {string} key
 * @param {() => Obj} [init]  the new object (e.g. `{ currency: "USD" }`)
 * @param {(o: Obj) => boolean} [isEmpty]  whether it holds nothing worth keeping
 * @returns {Holder}
 */
export function lazy(parent, key, init = () => ({}), isEmpty = (o) => Object.keys(o).length === 0) {
  const loaded = parent.read()?.[key] !== undefined;
  /** @returns {Obj | undefined} */
  const read = () => {
    const v = parent.read()?.[key];
    return v && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
  };
  return {
    read,
    write: () => read() ?? (parent.write()[key] = init()),
    tidy: () => {
      const o = read();
      if (o && !loaded && isEmpty(o)) delete parent.read()?.[key];
      parent.tidy();
    },
  };
}

/** @param {(() => Obj) | Holder} obj @returns {Holder} */
const asHolder = (obj) => (typeof obj === 'function' ? holder(obj) : obj);

/**
 * Text bound to obj[key]; an emptied field removes the key, so "required" is judged as blank.
 * @param {(() => Obj) | Holder} obj @param {string} key
 */
export function textOf(obj, key) {
  const o = asHolder(obj);
  return {
    get: () => o.read()?.[key],
    set: (/** @type {string} */ v) => {
      if (v.trim() !== '') o.write()[key] = v;
      else if (o.read()) {
        delete o.read()?.[key];
        o.tidy();
      }
    },
  };
}

/**
 * A list of short values typed as "a, b, c".
 * @param {(() => Obj) | Holder} obj @param {string} key @param {RegExp} [sep]
 */
export function listOf(obj, key, sep = /[,\n]/) {
  const o = asHolder(obj);
  return {
    get: () => (Array.isArray(o.read()?.[key]) ? o.read()?.[key].join(', ') : ''),
    set: (/** @type {string} */ v) => {
      const items = v
        .split(sep)
        .map((x) => x.trim())
        .filter(Boolean);
      if (items.length) o.write()[key] = items;
      else if (o.read()) {
        delete o.read()?.[key];
        o.tidy();
      }
    },
  };
}

/**
 * A number bound to obj[key], written as a number; emptied (or not a number): the key is removed.
 * Out-of-range values are written as typed, so the API's answer names the field.
 * @param {(() => Obj) | Holder} obj @param {string} key @param {{ integer?: boolean }} [options]
 */
export function numberOf(obj, key, options = {}) {
  const o = asHolder(obj);
  return {
    get: () => o.read()?.[key],
    set: (/** @type {string} */ v) => {
      const n = Number(v);
      if (v.trim() !== '' && (options.integer ? Number.isInteger(n) : Number.isFinite(n))) o.write()[key] = n;
      else if (o.read()) {
        delete o.read()?.[key];
        o.tidy();
      }
    },
  };
}

/**
 * A boolean bound to obj[key]. Ticked writes true; unticked writes false when the key was in the
 * loaded document (or `explicit`: false means something else than a missing key), and otherwise
 * removes it again.
 * @param {(() => Obj) | Holder} obj @param {string} key @param {{ explicit?: boolean }} [options]
 */
export function boolOf(obj, key, options = {}) {
  const o = asHolder(obj);
  const keep = options.explicit || o.read()?.[key] !== undefined;
  return {
    get: () => o.read()?.[key] === true,
    set: (/** @type {boolean} */ checked) => {
      if (checked || keep) o.write()[key] = checked;
      else if (o.read()) {
        delete o.read()?.[key];
        o.tidy();
      }
    },
  };
}

/**
 * A list of strings bound to obj[key] (for checkSet); an empty list removes the key.
 * @param {(() => Obj) | Holder} obj @param {string} key
 */
export function stringsOf(obj, key) {
  const o = asHolder(obj);
  return {
    get: () => (Array.isArray(o.read()?.[key]) ? /** @type {unknown[]} */ (o.read()?.[key]).map(String) : []),
    set: (/** @type {string[]} */ values) => {
      if (values.length) o.write()[key] = values;
      else if (o.read()) {
        delete o.read()?.[key];
        o.tidy();
      }
    },
  };
}

// ---- lists of objects ------------------------------------------------------------------------

/**
 * @typedef {object} ListSpec
 * @property {string} legend  the list's fieldset legend
 * @property {() => Path} path  the list's path
 * @property {Holder} parent  the object holding the list
 * @property {string} key  the list's key in `parent`
 * @property {string} itemLabel  rows are legended "<itemLabel> 1", "<itemLabel> 2"…
 * @property {string} addLabel  the add button's text
 * @property {() => Obj} create  a new item
 * @property {(item: Obj, path: () => Path) => Child[]} row  the item's controls
 * @property {string} [hint]
 * @property {string} [rowClass]  an extra class for each row (a layout)
 */

/**
 * A list of objects (useful links, videos, categories…), one fieldset per item with a remove
 * button, and an add button. Each row is registered under its item's path, the list under its own.
 * The list is created on the first add, and its key removed when the last item is removed.
 * @param {FieldRegistry} reg
 * @param {ListSpec} spec
 * @param {() => void} onChange
 */
export function objectList(reg, spec, onChange) {
  /** @returns {Obj[]} */
  const items = () => {
    const v = spec.parent.read()?.[spec.key];
    return Array.isArray(v) ? v : [];
  };
  const body = h('div', { class: 'list-rows' });
  const relabel = () => {
    body.querySelectorAll(':scope > fieldset').forEach((fs, i) => {
      const legend = fs.querySelector('legend');
      if (legend) legend.textContent = `${spec.itemLabel} ${i + 1}`;
    });
  };
  /** @param {Obj} item */
  function rowEl(item) {
    const path = () => /** @type {Path} */ ([...spec.path(), items().indexOf(item)]);
    const fs = group(
      reg,
      `${spec.itemLabel} ${items().indexOf(item) + 1}`,
      path,
      ...spec.row(item, path),
      h(
        'button',
        {
          type: 'button',
          class: 'danger small',
          onclick: () => {
            const list = items();
            list.splice(list.indexOf(item), 1);
            if (list.length === 0) {
              delete spec.parent.read()?.[spec.key];
              spec.parent.tidy();
            }
            fs.remove();
            relabel();
            reg.refresh();
            onChange();
            addButton.focus();
          },
        },
        `Remove this ${spec.itemLabel.toLowerCase()}`,
      ),
    );
    fs.classList.add('list-row');
    if (spec.rowClass) fs.classList.add(spec.rowClass);
    return fs;
  }
  const addButton = h(
    'button',
    {
      type: 'button',
      class: 'small',
      onclick: () => {
        const item = spec.create();
        const owner = spec.parent.write();
        if (!Array.isArray(owner[spec.key])) owner[spec.key] = [];
        owner[spec.key].push(item);
        const el = rowEl(item);
        body.append(el);
        reg.refresh();
        onChange();
        /** @type {HTMLElement | null} */ (el.querySelector('input, select, textarea'))?.focus();
      },
    },
    spec.addLabel,
  );
  for (const item of items()) body.append(rowEl(item));
  return group(reg, spec.legend, spec.path, spec.hint ? h('p', { class: 'hint' }, spec.hint) : null, body, addButton);
}
