// Text helpers shared by the commands: sizes, tables, status words and API errors for a terminal.
import { ApiFailure, ErrorDetail } from './api-client';

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}

/** Status messages arrive as HTML (for the portal); a terminal wants plain text on one line. */
export function stripHtml(html: string): string {
  return html
    .replace(/<(br|\/p|\/li|\/div)\s*\/?>/gi, ' ')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

const STEP_WORDS: Record<string, string> = {
  notStarted: 'not started',
  inProgress: 'in progress',
  waitingForPublisherReview: 'waiting for sign-off',
  waitingForApproval: 'waiting for approval',
};

const OFFER_WORDS: Record<string, string> = {
  neverPublished: 'never published',
  notStarted: 'not started',
  waitingForPublisherReview: 'waiting for sign-off',
  succeeded: 'live',
};

export const stepWord = (s: string): string => STEP_WORDS[s] ?? s;
export const offerWord = (s: string): string => OFFER_WORDS[s] ?? s;

/** Columns padded to their widest cell; the last column is not padded (no trailing blanks). */
export function renderTable(headers: string[], rows: string[][]): string {
  const all = [headers, ...rows];
  const widths = headers.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((cell, c) => (c === r.length - 1 ? cell : (cell ?? '').padEnd(widths[c])))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

/** `error <code>: <message>` and one indented line per detail (field path, rule, message). */
export function formatApiFailure(e: ApiFailure): string {
  const lines = [`error ${e.code}: ${e.message}`];
  for (const d of e.details) lines.push(`  - ${formatDetail(d)}`);
  if (e.hint) lines.push(`hint: ${e.hint}`);
  return lines.join('\n') + '\n';
}

export function formatDetail(d: unknown): string {
  if (d && typeof d === 'object') {
    const x = d as ErrorDetail;
    if (typeof x.message === 'string' && (typeof x.path === 'string' || typeof x.rule === 'string')) {
      return `${x.path ?? '(document)'}${x.rule ? ` [${x.rule}]` : ''}: ${x.message}`;
    }
  }
  return typeof d === 'string' ? d : JSON.stringify(d);
}
