// Installed package versions, from the package database where this checker can read it (dpkg),
// else from versioned file names the packages install (libssl.so.3.0.7, python3.9, libc-2.17.so).
// The RPM database is SQLite (rpmdb.sqlite) or Berkeley DB (Packages) and is not read: a version
// that no evidence shows is "cannot be determined", naming the database, never a pass.
import { TextDecoder } from 'node:util';
import { DpkgPackage, DpkgStatusReader } from './dpkg';
import { Ext4 } from './ext4';
import { isNotFound } from './ext4-errors';
import { listOptional } from './linux-file-checks';

const DPKG_STATUS = '/var/lib/dpkg/status';
const MAX_STATUS_BYTES = 32 * 1024 * 1024;
const RPM_DBS = [
  '/var/lib/rpm/rpmdb.sqlite',
  '/usr/lib/sysimage/rpm/rpmdb.sqlite',
  '/var/lib/rpm/Packages',
  '/usr/lib/sysimage/rpm/Packages.db',
  '/var/lib/rpm/Packages.db',
];
const WANTED = /^(openssl|libssl[\d.]+(t64)?|python[\d.]*(-minimal)?|libc6|linux-image-.+)$/;

export type PackageDb =
  { kind: 'dpkg'; path: string; packages: Map<string, DpkgPackage> } | { kind: 'rpm'; path: string } | { kind: 'none' };

export async function openPackageDb(fs: Ext4): Promise<PackageDb> {
  let size: number | undefined;
  try {
    size = (await fs.stat(DPKG_STATUS)).size;
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  if (size !== undefined) {
    if (size > MAX_STATUS_BYTES)
      throw new RangeError(`${DPKG_STATUS} is ${size} bytes, more than ${MAX_STATUS_BYTES}.`);
    const reader = new DpkgStatusReader((n) => WANTED.test(n.replace(/:.*$/, '')));
    const decoder = new TextDecoder('utf-8');
    const chunk = 1024 * 1024;
    for (let at = 0; at < size; at += chunk)
      reader.push(decoder.decode(await fs.readRange(DPKG_STATUS, at, Math.min(chunk, size - at)), { stream: true }));
    return { kind: 'dpkg', path: DPKG_STATUS, packages: reader.end() };
  }
  for (const path of RPM_DBS) if (await fs.exists(path)) return { kind: 'rpm', path };
  return { kind: 'none' };
}

export interface VersionFound {
  version: string;
  /** Where it was read: a package, or a file name. */
  source: string;
}

/** The installed package among `names` with the highest version (dpkg only). */
export function packageVersion(db: PackageDb, names: RegExp): VersionFound | undefined {
  if (db.kind !== 'dpkg') return undefined;
  const hits = [...db.packages.values()].filter((p) => names.test(p.name));
  hits.sort((a, b) => compareLoose(b.version, a.version));
  return hits[0] && { version: hits[0].version, source: `package ${hits[0].name} ${hits[0].version} (${db.path})` };
}

/** Loose numeric ordering of version strings ("3.10.12-1" > "3.9.2"). */
export function compareLoose(a: string, b: string): number {
  const pa = a
    .replace(/^\d+:/, '')
    .split(/[^0-9]+/)
    .filter(Boolean)
    .map(Number);
  const pb = b
    .replace(/^\d+:/, '')
    .split(/[^0-9]+/)
    .filter(Boolean)
    .map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

const LIB_DIRS = [
  '/usr/lib64',
  '/lib64',
  '/usr/lib/x86_64-linux-gnu',
  '/usr/lib/aarch64-linux-gnu',
  '/usr/lib',
  '/lib',
];

/** The highest version a versioned file name shows, e.g. /^libssl\.so\.(\d[\w.]*)$/ in the library folders. */
export async function fileNameVersion(fs: Ext4, pattern: RegExp, dirs = LIB_DIRS): Promise<VersionFound | undefined> {
  let best: VersionFound | undefined;
  const seen = new Set<string>();
  for (const dir of dirs) {
    let real: string;
    try {
      real = (await fs.stat(dir)).path;
    } catch (e) {
      if (isNotFound(e)) continue;
      throw e;
    }
    // /lib64 is often a symlink to /usr/lib64: list each directory once.
    if (seen.has(real)) continue;
    seen.add(real);
    for (const name of await listOptional(fs, dir)) {
      const m = pattern.exec(name);
      if (m && (!best || compareLoose(m[1], best.version) > 0)) best = { version: m[1], source: `${dir}/${name}` };
    }
  }
  return best;
}

export const rpmNote = (db: PackageDb): string =>
  db.kind === 'rpm'
    ? `the RPM database ${db.path} is not read by this checker (${db.path.endsWith('.sqlite') ? 'SQLite' : 'Berkeley DB / NDB'})`
    : db.kind === 'none'
      ? 'no package database found (/var/lib/dpkg/status, /var/lib/rpm)'
      : `not in ${db.path}`;
