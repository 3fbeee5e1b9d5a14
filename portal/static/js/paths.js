// @ts-check
// Document paths as the API names them in warnings and errors:
// `definition.plans[0].microsoft-azure-virtualmachines.vmImages.1.0.0.osVhdUrl` — keys joined
// with dots even when they contain dots, list indexes in brackets (domain/offer/document.ts).

/** @typedef {(string | number)[]} Path */

/** @param {Path} segments */
export function formatPath(segments) {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else out += (out === '' ? '' : '.') + s;
  }
  return out === '' ? '(document)' : out;
}

/**
 * Whether `path` is `prefix` or lies inside it (at a key or index boundary).
 * @param {string} path
 * @param {string} prefix
 */
export function isWithin(path, prefix) {
  return path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
}
