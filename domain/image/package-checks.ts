// The self-test's package rows: OpenSSL ≥ 0.9.8 (TestID 44), Python ≥ 2.6 (45) and the glibc
// version behind GHOST, CVE-2015-0235 (50). Versions come from dpkg's database or versioned file
// names; when neither shows one, the row says it cannot be determined, and why.
import { compareVersions } from './config-files';
import { upstreamVersion } from './dpkg';
import { Ext4 } from './ext4';
import { CheckRow } from './footer-checks';
import { fileNameVersion, openPackageDb, PackageDb, packageVersion, rpmNote, VersionFound } from './packages';

export const MIN_OPENSSL = '0.9.8';
export const MIN_PYTHON = '2.6';
/** GHOST was fixed upstream in glibc 2.18; older ones are vulnerable unless the distribution patched them. */
export const GHOST_FIXED_GLIBC = '2.18';

const dbs = new WeakMap<Ext4, Promise<PackageDb>>();

/** One read of the package database per filesystem, shared by the rows that need it. */
export function packageDbOf(fs: Ext4): Promise<PackageDb> {
  let db = dbs.get(fs);
  if (!db) {
    db = openPackageDb(fs);
    dbs.set(fs, db);
  }
  return db;
}

interface Lookup {
  packages: RegExp;
  file: RegExp;
  dirs?: string[];
}

async function lookup(fs: Ext4, db: PackageDb, l: Lookup): Promise<VersionFound | undefined> {
  const pkg = packageVersion(db, l.packages);
  if (pkg) return { ...pkg, version: upstreamVersion(pkg.version) };
  return fileNameVersion(fs, l.file, l.dirs);
}

const cannot = (db: PackageDb, what: string) =>
  `cannot be determined: ${rpmNote(db)}, and no versioned ${what} was found`;

export async function opensslRow(fs: Ext4): Promise<CheckRow> {
  const base = { id: 'linux.openssl', name: 'OpenSSL version', expected: `OpenSSL ${MIN_OPENSSL} or later` };
  const fix = "Install or update the distribution's openssl / libssl package.";
  const db = await packageDbOf(fs);
  const v = await lookup(fs, db, {
    packages: /^(openssl|libssl[\d.]+(t64)?)(:.*)?$/,
    file: /^libssl\.so\.(\d+\.\d+\.\d+[a-z]*)$/,
  });
  if (!v)
    return db.kind === 'dpkg'
      ? { ...base, result: 'fail', actual: `no openssl or libssl package installed (${db.path})`, fix }
      : { ...base, result: 'manualReview', actual: cannot(db, 'libssl.so.*'), fix: 'Check by hand: openssl version.' };
  const ok = compareVersions(v.version, MIN_OPENSSL) >= 0;
  return { ...base, result: ok ? 'pass' : 'fail', actual: `${v.version} (${v.source})`, fix };
}

export async function pythonRow(fs: Ext4): Promise<CheckRow> {
  const base = { id: 'linux.python', name: 'Python version', expected: `Python ${MIN_PYTHON} or later` };
  const fix = "Install the distribution's python3 package (the Azure Linux Agent needs Python).";
  const db = await packageDbOf(fs);
  const v = await lookup(fs, db, {
    packages: /^python[23](\.\d+)?(-minimal)?(:.*)?$/,
    file: /^python(\d+\.\d+)$/,
    dirs: ['/usr/bin', '/bin', '/usr/local/bin'],
  });
  if (!v)
    return db.kind === 'dpkg'
      ? { ...base, result: 'fail', actual: `no Python installed (${db.path}, /usr/bin/python*)`, fix }
      : {
          ...base,
          result: 'manualReview',
          actual: cannot(db, '/usr/bin/python*'),
          fix: 'Check by hand: python3 --version.',
        };
  const ok = compareVersions(v.version, MIN_PYTHON) >= 0;
  return { ...base, result: ok ? 'pass' : 'fail', actual: `${v.version} (${v.source})`, fix };
}

export async function ghostRow(fs: Ext4): Promise<CheckRow> {
  const base = {
    id: 'linux.ghost',
    name: 'glibc not affected by GHOST (CVE-2015-0235)',
    expected: `glibc ${GHOST_FIXED_GLIBC} or later, or a distribution build with the fix`,
  };
  const fix =
    "Update glibc (libc6 / glibc package) to the distribution's fixed build; if it already carries the CVE-2015-0235 patch, say so when submitting.";
  const db = await packageDbOf(fs);
  const v = await lookup(fs, db, { packages: /^libc6(:.*)?$/, file: /^libc-(\d+\.\d+(?:\.\d+)?)\.so$/ });
  if (!v) {
    // glibc 2.34 stopped installing libc-2.x.so: a bare libc.so.6 means a release long after the fix.
    const bare = await fileNameVersion(fs, /^(libc)\.so\.6$/);
    if (bare)
      return { ...base, result: 'pass', actual: `${bare.source} without a versioned libc-2.x.so: glibc 2.34 or later` };
    return { ...base, result: 'manualReview', actual: cannot(db, 'libc-*.so'), fix: 'Check by hand: ldd --version.' };
  }
  if (compareVersions(v.version, GHOST_FIXED_GLIBC) >= 0)
    return { ...base, result: 'pass', actual: `${v.version} (${v.source})` };
  // The self-test only warns: distributions backported the fix into older glibc versions.
  return {
    ...base,
    result: 'warning',
    actual: `${v.version} (${v.source}): older than ${GHOST_FIXED_GLIBC}, affected unless patched`,
    fix,
  };
}
