// Checks on an image's SAS URL (marketplace.md: the `.vhd` blob, read+list only, started a day
// before submission, valid three more weeks, full datetimes). The signature is a credential:
// it is never part of any row, and URLs shown are redacted.
import { CheckRow } from './footer-checks';

export interface SasCheckOptions {
  now: Date;
  /** Hosts (host or host:port) of local development storage (Azurite), where http is allowed. */
  devStorageHosts?: string[];
}

const DAY = 24 * 3600 * 1000;
export const MIN_START_AGE_MS = DAY;
export const MIN_VALIDITY_MS = 21 * DAY;

/** Full ISO 8601 UTC datetimes, the forms SAS accepts; date-only values are refused. */
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?(Z)$/;

/** The URL with the signature (and any other secret-looking parameter) replaced. */
export function redactSasUrl(url: string): string {
  try {
    const u = new URL(url);
    for (const key of [...u.searchParams.keys()])
      if (/^(sig|signature)$/i.test(key)) u.searchParams.set(key, 'REDACTED');
    return u.toString();
  } catch {
    return '(not a valid URL)';
  }
}

export function parseSasDate(v: string): Date | undefined {
  const m = DATETIME.exec(v);
  if (!m) return undefined;
  // Normalise the fraction to milliseconds: SAS allows 7 digits, Date.parse wants 3.
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}.${(m[7] ?? '').padEnd(3, '0').slice(0, 3)}${m[8]}`;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

const fmtDays = (ms: number) => `${(ms / DAY).toFixed(1)} days`;

export function checkSasUrl(url: string, opts: SasCheckOptions): CheckRow[] {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return [
      {
        id: 'sas.url',
        name: 'Image URL',
        result: 'fail',
        actual: 'not a valid URL',
        expected: 'https://<account>.blob.core.windows.net/<container>/<name>.vhd?<SAS>',
        fix: 'Copy the full SAS URL of the .vhd blob (Storage Explorer → Get Shared Access Signature).',
      },
    ];
  }
  const q = u.searchParams;
  const rows: CheckRow[] = [];
  const now = opts.now.getTime();
  const dev = (opts.devStorageHosts ?? []).some(
    (h) => h.toLowerCase() === u.host.toLowerCase() || h.toLowerCase() === u.hostname.toLowerCase(),
  );
  const https = u.protocol === 'https:';
  rows.push({
    id: 'sas.https',
    name: 'SAS URL uses HTTPS',
    result: https || (u.protocol === 'http:' && dev) ? 'pass' : 'fail',
    actual: https
      ? 'https'
      : dev
        ? `${u.protocol.replace(':', '')} to ${u.host} (local development storage)`
        : `${u.protocol.replace(':', '')} to ${u.host}`,
    expected: 'https',
    fix: 'Use the https:// form of the blob URL.',
  });
  const blobPath = decodeURIComponent(u.pathname);
  rows.push({
    id: 'sas.vhdPath',
    name: 'SAS URL points at the .vhd blob',
    result: /\.vhd$/i.test(blobPath) ? 'pass' : 'fail',
    actual: blobPath || '/',
    expected: 'a path ending in .vhd',
    fix: 'Create the SAS URL for the .vhd blob itself (a container SAS must be completed with /<name>.vhd before the "?").',
  });
  const sp = q.get('sp');
  const perms = sp ? [...sp] : [];
  const extra = perms.filter((c) => c !== 'r' && c !== 'l');
  const missing = ['r', 'l'].filter((c) => !perms.includes(c));
  const dup = perms.length !== new Set(perms).size;
  rows.push({
    id: 'sas.permissions',
    name: 'SAS permissions are exactly read + list',
    result: sp && !extra.length && !missing.length && !dup ? 'pass' : 'fail',
    actual:
      sp === null
        ? 'no sp parameter'
        : `sp=${sp}${extra.length ? ` (also grants ${extra.join(', ')})` : ''}${missing.length ? ` (lacks ${missing.join(', ')})` : ''}`,
    expected: 'sp=rl',
    fix: 'Generate the SAS with only Read and List permissions (sp=rl): no write, delete, add or create.',
  });
  const st = q.get('st');
  const start = st ? parseSasDate(st) : undefined;
  rows.push({
    id: 'sas.start',
    name: 'SAS start time at least a day before submission',
    result: start && now - start.getTime() >= MIN_START_AGE_MS ? 'pass' : 'fail',
    actual:
      st === null
        ? 'no st parameter'
        : !start
          ? `st=${st} is not a full UTC date and time`
          : `st=${st} (${fmtDays(now - start.getTime())} before now)`,
    expected: 'a full UTC date and time ≥ 1 day before now (e.g. 2024-01-01T00:00:00Z)',
    fix: 'Set the start time at least one day in the past, with a time of day (YYYY-MM-DDThh:mm:ssZ), so clock skew cannot make the SAS not yet valid.',
  });
  const se = q.get('se');
  const expiry = se ? parseSasDate(se) : undefined;
  rows.push({
    id: 'sas.expiry',
    name: 'SAS valid for at least three more weeks',
    result: expiry && expiry.getTime() - now >= MIN_VALIDITY_MS ? 'pass' : 'fail',
    actual:
      se === null
        ? 'no se parameter'
        : !expiry
          ? `se=${se} is not a full UTC date and time`
          : `se=${se} (${fmtDays(expiry.getTime() - now)} from now)`,
    expected: 'a full UTC date and time ≥ 21 days after now',
    fix: 'Set the expiry at least three weeks ahead (a month is safer), with a time of day (YYYY-MM-DDThh:mm:ssZ): certification and publishing read the image until the offer is live.',
  });
  rows.push({
    id: 'sas.signature',
    name: 'SAS signature present',
    result: q.get('sig') ? 'pass' : 'fail',
    actual: q.get('sig') ? 'present (not shown)' : 'no sig parameter',
    expected: 'a signed SAS URL',
    fix: 'Paste the complete SAS URL, including its sig= parameter.',
  });
  return rows;
}
