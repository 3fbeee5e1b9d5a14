// @ts-check
// Preview audience import: subscription ids (GUIDs) with an optional description, one per line.
// Accepts "id,description" rows, Partner Center's "SubscriptionId,id,description" rows, a header
// line, quoted cells and ";" or tab separators.

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * @typedef {{ subscriptionId: string, description?: string }} AudienceEntry
 * @typedef {{ entries: AudienceEntry[], problems: string[] }} ImportResult
 */

/**
 * Splits CSV text into rows of cells (RFC 4180 quoting; the separator is guessed per file).
 * @param {string} text
 * @returns {string[][]}
 */
export function parseCsv(text) {
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const sep = firstLine.includes('\t') ? '\t' : firstLine.includes(';') && !firstLine.includes(',') ? ';' : ',';
  /** @type {string[][]} */
  const rows = [];
  /** @type {string[]} */
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
    } else if (c === sep) {
      row.push(cell.trim());
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell.trim());
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell.trim());
    rows.push(row);
  }
  return rows.filter((r) => r.some((c) => c !== ''));
}

/**
 * The preview audience entries in CSV text, and a readable line for each row that was skipped.
 * @param {string} text
 * @returns {ImportResult}
 */
export function importAudience(text) {
  /** @type {AudienceEntry[]} */
  const entries = [];
  /** @type {string[]} */
  const problems = [];
  const seen = new Set();
  parseCsv(text).forEach((cells, i) => {
    const line = i + 1;
    let [id, description] = cells;
    if (/^subscription\s*id$/i.test(cells[0] ?? '') && cells.length >= 2 && GUID.test(cells[1]))
      [, id, description] = cells;
    if (!GUID.test(id ?? '')) {
      // A header row ("Subscription id,Description") is expected, not a problem.
      if (line === 1 && /subscription|identifier|^id$/i.test(id ?? '')) return;
      problems.push(
        `Line ${line}: "${(id ?? '').slice(0, 60)}" is not a subscription id (a GUID like 6f1f9c2e-3b1a-4c55-9f0e-2d7b8a1c4e90); skipped.`,
      );
      return;
    }
    const key = id.toLowerCase();
    if (seen.has(key)) {
      problems.push(`Line ${line}: ${id} is listed twice; the repeat was skipped.`);
      return;
    }
    seen.add(key);
    entries.push(description ? { subscriptionId: id, description } : { subscriptionId: id });
  });
  return { entries, problems };
}

/** @param {string} value */
export const isSubscriptionId = (value) => GUID.test(value.trim());
