// Certification checks on the VHD container itself (marketplace.md "What certification can check").
import { DISK_TYPES, parseVhdFooter } from './vhd-footer';

export type CheckResult = 'pass' | 'fail' | 'warning' | 'manualReview';

export interface CheckRow {
  id: string;
  /** Microsoft's self-test TestID for the same rule (test-ids.ts), where there is one. */
  testId?: string;
  name: string;
  result: CheckResult;
  actual: string;
  expected: string;
  /** How to fix it, for a failed check. */
  fix?: string;
}

const MiB = 1024n * 1024n;
const GiB = 1024n * MiB;
const fmt = (n: bigint) => (n % GiB === 0n ? `${n / GiB} GiB` : n % MiB === 0n ? `${n / MiB} MiB` : `${n} bytes`);

export interface DiskRole {
  kind: 'os' | 'data';
  osFamily?: 'Linux' | 'Windows';
}

/** Checks the footer against the blob it came from; `blobLength` is the whole blob's size. */
export function checkFooter(footerBytes: Uint8Array, blobLength: number, role: DiskRole): CheckRow[] {
  const rows: CheckRow[] = [];
  const f = parseVhdFooter(footerBytes);
  const cookieOk = f.cookie === 'conectix';
  rows.push({
    id: 'vhd.cookie',
    name: 'VHD footer cookie',
    result: cookieOk ? 'pass' : 'fail',
    actual: JSON.stringify(f.cookie),
    expected: '"conectix" in the last 512 bytes',
    fix: 'The file is not a VHD (a VHDX, raw or qcow2 image?). Convert it: qemu-img convert -O vpc -o subformat=fixed,force_size=on disk.img disk.vhd',
  });
  if (!cookieOk) return rows;
  rows.push({
    id: 'vhd.checksum',
    name: 'VHD footer checksum',
    result: f.checksum === f.computedChecksum ? 'pass' : 'fail',
    actual: `0x${f.checksum.toString(16)}`,
    expected: `0x${f.computedChecksum.toString(16)}`,
    fix: 'The footer is corrupt: upload the VHD again, or recreate it with qemu-img or Hyper-V.',
  });
  rows.push({
    id: 'vhd.diskType',
    name: 'Fixed-size disk',
    result: f.diskType === 2 ? 'pass' : 'fail',
    actual: DISK_TYPES[f.diskType] ?? `unknown (${f.diskType})`,
    expected: 'fixed',
    fix: 'Dynamic and differencing VHDs are not accepted. Convert: qemu-img convert -O vpc -o subformat=fixed,force_size=on in.vhd out.vhd (or Convert-VHD -VHDType Fixed).',
  });
  const size = f.currentSize;
  rows.push({
    id: 'vhd.sizeAlignment',
    name: 'Virtual size is a whole number of MiB',
    result: size > 0n && size % MiB === 0n ? 'pass' : 'fail',
    actual: `${size} bytes`,
    expected: 'a multiple of 1 MiB (1,048,576 bytes)',
    fix: 'Resize the raw disk to a whole number of MiB before converting (qemu-img resize -f raw disk.raw <n>M).',
  });
  rows.push({
    id: 'vhd.length',
    name: 'Blob length = virtual size + 512',
    result: BigInt(blobLength) === size + 512n ? 'pass' : 'fail',
    actual: `${blobLength} bytes`,
    expected: `${size + 512n} bytes`,
    fix: 'The blob is truncated or padded: upload the complete fixed VHD as a page blob.',
  });
  const [min, max] =
    role.kind === 'data'
      ? [1n * GiB, 1023n * GiB]
      : role.osFamily === 'Windows'
        ? [30n * GiB, 250n * GiB]
        : [30n * GiB, 1023n * GiB];
  rows.push({
    id: role.kind === 'data' ? 'vhd.dataDiskSize' : 'vhd.osDiskSize',
    name: role.kind === 'data' ? 'Data disk size' : `${role.osFamily ?? 'Linux'} OS disk size`,
    result: size >= min && size <= max ? 'pass' : 'fail',
    actual: fmt(size),
    expected: `${fmt(min)} – ${fmt(max)}`,
    fix: `Resize the disk to between ${fmt(min)} and ${fmt(max)}.`,
  });
  return rows;
}
