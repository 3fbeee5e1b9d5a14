// Which fields a save changed, as document paths (the form the API's errors use:
// `definition.plans[0].microsoft-azure-virtualmachines.vmImages.1.0.0.osVhdUrl`). Only paths, never
// values: a lead destination's secret may be among them.

const MAX_LISTED = 50;

type Json = unknown;

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

function same(a: Json, b: Json): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function isObjectList(v: Json): v is Record<string, Json>[] {
  return Array.isArray(v) && (v as Json[]).every(isObject);
}

/** A list of plain values (categories, regions) counts as one field; a list of objects is walked per item. */
function walk(before: Json, after: Json, path: string, out: string[]): void {
  if (same(before, after)) return;
  if (isObject(before) && isObject(after)) {
    for (const k of new Set([...Object.keys(before), ...Object.keys(after)]))
      walk(before[k], after[k], join(path, k), out);
    return;
  }
  if (isObjectList(before) && isObjectList(after)) {
    for (let i = 0; i < Math.max(before.length, after.length); i++) walk(before[i], after[i], join(path, i), out);
    return;
  }
  out.push(path === '' ? '(document)' : path);
}

/** The changed paths (at most 50 listed, the rest counted) between two versions of a document. */
export function changedFields(before: Json, after: Json): { changedFields: string[]; moreFields?: number } {
  const all: string[] = [];
  walk(before, after, '', all);
  return all.length > MAX_LISTED
    ? { changedFields: all.slice(0, MAX_LISTED), moreFields: all.length - MAX_LISTED }
    : { changedFields: all };
}
