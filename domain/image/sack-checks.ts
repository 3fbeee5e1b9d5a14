// TestID 52: the TCP SACK panic fixes (CVE-2019-11477, -11478, -11479), judged by the boot kernel
// against the minimum kernels Microsoft's certification FAQ lists per distribution. Kernel lines
// from 5.2 on were released with the fix; an older kernel with no listed minimum for its
// distribution and line is for manual review, not passed.
import { parseOsRelease } from './config-files';
import { Ext4 } from './ext4';
import { CheckRow } from './footer-checks';
import { bootKernel, compareKernels } from './kernel';
import { readOptional } from './linux-file-checks';
import { packageDbOf } from './package-checks';

interface Minimum {
  ids: string[];
  /** VERSION_ID values this minimum is listed for; undefined: every version. */
  versions?: string[];
  /** A kernel release (uname -r form), or for Debian the linux-image package version. */
  min: string;
  /** Only kernels whose release contains this (Oracle's UEK). */
  flavour?: string;
}

const RHEL = ['rhel', 'centos', 'ol', 'rocky', 'almalinux'];

/** From the FAQ's table; SUSE releases in uname form (the package's last ".N" dropped). */
export const SACK_MINIMUMS: Minimum[] = [
  { ids: ['ubuntu'], versions: ['14.04'], min: '4.4.0-151' },
  { ids: ['ubuntu'], versions: ['14.04', '16.04'], min: '4.15.0-1049' },
  { ids: ['ubuntu'], versions: ['18.04', '18.10'], min: '4.18.0-1023' },
  { ids: ['ubuntu'], versions: ['18.04'], min: '5.0.0-1025' },
  { ids: ['ubuntu'], versions: ['19.04'], min: '5.0.0-1010' },
  { ids: ['ol'], min: '2.6.39-400.312.2', flavour: 'uek' },
  { ids: ['ol'], min: '3.8.13-118.35.2', flavour: 'uek' },
  { ids: ['ol'], min: '4.1.12-124.28.3', flavour: 'uek' },
  { ids: ['ol'], min: '4.14.35-1902.2.0', flavour: 'uek' },
  { ids: RHEL, versions: ['6.10'], min: '2.6.32-754.15.3' },
  { ids: RHEL, versions: ['7.2'], min: '3.10.0-327.79.2' },
  { ids: RHEL, versions: ['7.3'], min: '3.10.0-514.66.2' },
  { ids: RHEL, versions: ['7.4'], min: '3.10.0-693.50.3' },
  { ids: RHEL, versions: ['7.5'], min: '3.10.0-862.34.2' },
  { ids: RHEL, versions: ['7.6'], min: '3.10.0-957.21.3' },
  { ids: RHEL, versions: ['7.7', '7.8', '7.9'], min: '3.10.0-1062.1.1' },
  { ids: RHEL, versions: ['8.0'], min: '4.18.0-80.4.2' },
  { ids: RHEL, versions: ['8.1', '8.2', '8.3', '8.4', '8.5', '8.6', '8.7', '8.8', '8.9', '8.10'], min: '4.18.0-147' },
  { ids: ['sles', 'sles_sap'], versions: ['11.4'], min: '3.0.101-108.95' },
  { ids: ['sles_sap'], versions: ['12.1'], min: '3.12.74-60.64.115' },
  { ids: ['sles_sap'], versions: ['12.2'], min: '4.4.121-92.114' },
  { ids: ['sles'], versions: ['12.3'], min: '4.4.180-4.31' },
  { ids: ['sles_sap'], versions: ['12.3'], min: '4.4.180-94.97' },
  { ids: ['sles'], versions: ['12.4', '12.5'], min: '4.12.14-6.15' },
  { ids: ['sles_sap'], versions: ['12.4', '12.5'], min: '4.12.14-95.19' },
  { ids: ['sles', 'sles_sap'], versions: ['15', '15.1'], min: '4.12.14-5.30' },
  { ids: ['debian'], versions: ['8'], min: '3.16.68-2' },
  { ids: ['debian'], versions: ['9'], min: '4.9.168-1+deb9u3' },
  { ids: ['debian'], versions: ['10'], min: '4.19.37-5' },
];

const FIXED_LINE = '5.2';
/** The kernel line a release belongs to (4.19 for 4.19.0-5-cloud-amd64 and for package 4.19.37-5). */
const line = (release: string) => /^\d+\.\d+/.exec(release)?.[0] ?? release;

export async function sackRow(fs: Ext4): Promise<CheckRow> {
  const base = {
    id: 'linux.sack',
    name: 'Kernel patched for TCP SACK (CVE-2019-11477/11478/11479)',
    expected: `a kernel at or above the documented minimum for the distribution, or Linux ${FIXED_LINE} or later`,
  };
  const fix =
    "Update the kernel to the distribution's current build (at least the minimum listed in the certification FAQ for SACK), regenerate the boot configuration and capture the image again.";
  const kernel = await bootKernel(fs);
  if (!kernel)
    return {
      ...base,
      result: 'manualReview',
      actual: 'no kernel found in the GRUB configuration, /boot or /lib/modules',
      fix: 'Check by hand: uname -r.',
    };
  if (compareKernels(kernel.version, FIXED_LINE) >= 0)
    return {
      ...base,
      result: 'pass',
      actual: `kernel ${kernel.version}: Linux ${line(kernel.version)}, released with the fixes`,
    };
  const osr = parseOsRelease(
    (await readOptional(fs, '/etc/os-release')) ?? (await readOptional(fs, '/usr/lib/os-release')) ?? '',
  );
  const id = osr.get('ID') ?? '';
  const version = osr.get('VERSION_ID') ?? '';
  let release = kernel.version;
  let what = `kernel ${kernel.version}`;
  if (id === 'debian') {
    // Debian's uname (4.19.0-5-cloud-amd64) names the ABI, not the build: the package version does.
    const db = await packageDbOf(fs);
    const pkg = db.kind === 'dpkg' ? db.packages.get(`linux-image-${kernel.version}`) : undefined;
    if (!pkg)
      return {
        ...base,
        result: 'manualReview',
        actual: `kernel ${kernel.version}: no linux-image-${kernel.version} package in the dpkg database to tell its build`,
        fix,
      };
    release = pkg.version;
    what = `kernel ${kernel.version} (package ${pkg.version})`;
  }
  const candidates = SACK_MINIMUMS.filter(
    (m) =>
      m.ids.includes(id) &&
      (m.versions === undefined || m.versions.includes(version)) &&
      (m.flavour === undefined ? !kernel.version.includes('uek') : kernel.version.includes(m.flavour)) &&
      line(m.min) === line(release),
  );
  const distro = `${id || 'unknown distribution'} ${version}`.trim();
  if (!candidates.length)
    return {
      ...base,
      result: 'manualReview',
      actual: `${what} on ${distro}: no documented minimum for this kernel line`,
      fix: "Check the distribution's advisory for CVE-2019-11477/11478/11479 and that this kernel carries the fix.",
    };
  const min = candidates.map((m) => m.min).sort(compareKernels)[0];
  const ok = compareKernels(release, min) >= 0;
  return { ...base, result: ok ? 'pass' : 'fail', actual: `${what} on ${distro}; minimum ${min}`, fix };
}
