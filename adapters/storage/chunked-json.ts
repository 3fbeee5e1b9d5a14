// A table string property holds 32K UTF-16 characters and an entity 1 MiB; documents are split into
// numbered columns so one entity (one atomic, ETag-guarded write) holds the whole document.
const CHUNK = 30_000;
const MAX_CHUNKS = 15;

export class DocumentTooLarge extends Error {}

/** A table column read as text: strings as they are, numbers and booleans printed, anything else empty. */
export function textColumn(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

export function toChunks(value: unknown): Record<string, string | number> {
  const text = JSON.stringify(value);
  const n = Math.ceil(text.length / CHUNK) || 1;
  if (n > MAX_CHUNKS)
    throw new DocumentTooLarge(`The document is ${text.length} characters; at most ${CHUNK * MAX_CHUNKS} are stored.`);
  const out: Record<string, string | number> = { DocChunks: n };
  for (let i = 0; i < n; i++) out[`Doc${i}`] = text.slice(i * CHUNK, (i + 1) * CHUNK);
  return out;
}

export function fromChunks<T>(entity: Record<string, unknown>): T {
  const n = Number(entity.DocChunks ?? 0);
  let text = '';
  for (let i = 0; i < n; i++) text += textColumn(entity[`Doc${i}`]);
  return JSON.parse(text) as T;
}
