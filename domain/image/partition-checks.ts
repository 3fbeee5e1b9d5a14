// Certification rows about the partition layout of an OS disk (Generation 1: MBR, first
// partition at 1 MiB; Linux: no swap, no LVM, a single root partition).
import { ByteSource, sliceSource } from './byte-source';
import { CheckRow } from './footer-checks';
import { FS_NAMES, FsKind, probeFilesystem } from './fs-probe';
import { gptType } from './gpt-types';
import {
  describe,
  FIRST_PARTITION_LBA,
  firstPartition,
  isExtended,
  Partition,
  PartitionTable,
  SECTOR,
  TYPE,
} from './partitions';

export interface ProbedPartition extends Partition {
  fs: FsKind;
  /** The partition's bytes; undefined when the entry lies outside the disk. */
  source?: ByteSource;
}

/** Probes what each (non-extended, in-bounds) partition holds. */
export async function probePartitions(disk: ByteSource, table: PartitionTable): Promise<ProbedPartition[]> {
  const out: ProbedPartition[] = [];
  for (const p of table.partitions) {
    if (isExtended(p)) continue;
    const start = p.startLba * SECTOR;
    const size = p.sectors * SECTOR;
    if (p.startLba < 1 || p.sectors < 1 || start + size > disk.size) {
      out.push({ ...p, fs: 'unknown' });
      continue;
    }
    const source = sliceSource(disk, start, size, `partition ${p.number}`);
    out.push({ ...p, fs: await probeFilesystem(source), source });
  }
  return out;
}

const bytes = (n: number) => (n % 2 ** 20 === 0 ? `${n / 2 ** 20} MiB` : `${(n / 1024).toFixed(1)} KiB`);
const list = (ps: Partition[]) => ps.map((p) => describe(p)).join('; ');

export function gen1PartitionRows(table: PartitionTable): CheckRow[] {
  const rows: CheckRow[] = [];
  const name = 'MBR partition table (Generation 1)';
  const expected = 'an MBR (msdos) partition table';
  if (table.scheme === 'gpt') {
    const why = table.gptHeader
      ? 'a GPT header ("EFI PART") at sector 1'
      : 'a GPT protective entry (type 0xEE) in the MBR';
    rows.push({
      id: 'partition.table',
      name,
      result: 'fail',
      actual: `GPT (${why})`,
      expected,
      fix: 'Generation 1 VMs boot from MBR disks only: convert the table (sgdisk --gpttombr=1 disk.raw, then reinstall GRUB for BIOS) or repartition with an msdos label, then rebuild the VHD.',
    });
    return rows;
  }
  if (table.scheme === 'none') {
    rows.push({
      id: 'partition.table',
      name,
      result: 'fail',
      actual: 'no partition table (sector 0 has no 0x55AA signature)',
      expected,
      fix: 'The OS disk must be partitioned: create an msdos label with one partition at 1 MiB (parted -s disk.raw mklabel msdos mkpart primary ext4 1MiB 100%).',
    });
    return rows;
  }
  rows.push({
    id: 'partition.table',
    name,
    result: 'pass',
    actual: `MBR with ${table.partitions.length} partition(s)`,
    expected,
  });
  rows.push({
    id: 'partition.bounds',
    name: 'Partitions inside the disk, not overlapping',
    result: table.problems.length ? 'fail' : 'pass',
    actual: table.problems.length ? table.problems.join(' ') : 'all entries valid',
    expected: 'every partition after the MBR, inside the disk, no overlaps',
    fix: 'The partition table is corrupt or was written for another disk size: rewrite it (sfdisk/parted) for this disk and rebuild the VHD.',
  });
  const first = firstPartition(table.partitions);
  rows.push({
    id: 'partition.firstStart',
    name: 'First partition starts at 1 MiB',
    result: first?.startLba === FIRST_PARTITION_LBA ? 'pass' : 'fail',
    actual: first ? `sector ${first.startLba} (${bytes(first.startLba * SECTOR)})` : 'no partitions',
    expected: `sector ${FIRST_PARTITION_LBA} (1 MiB)`,
    fix: 'Align the first partition at 1 MiB: recreate it with parted -a optimal … mkpart primary 1MiB … (older tools started it at sector 63).',
  });
  return rows;
}

export function linuxPartitionRows(parts: ProbedPartition[]): CheckRow[] {
  const swap = parts.filter((p) => p.type === TYPE.swap || p.fs === 'swap');
  const lvm = parts.filter((p) => p.type === TYPE.lvm || p.fs === 'lvm');
  // A UEFI disk's EFI system partition and a BIOS boot partition hold boot code, not the system.
  const boot = parts.filter((p) => p.typeGuid !== undefined && ['esp', 'biosBoot'].includes(gptType(p.typeGuid).role));
  const others = parts.filter((p) => !swap.includes(p) && !lvm.includes(p) && !boot.includes(p));
  const linux = others.filter((p) => p.type === TYPE.linux);
  return [
    {
      id: 'partition.noSwap',
      name: 'No swap partition on the OS disk',
      result: swap.length ? 'fail' : 'pass',
      actual: swap.length ? list(swap) : 'none',
      expected: 'no swap partition (swap belongs on the resource disk)',
      fix: 'Remove the swap partition (and its /etc/fstab entry) and set ResourceDisk.EnableSwap=y and ResourceDisk.SwapSizeMB in /etc/waagent.conf so the agent creates swap on the resource disk.',
    },
    {
      id: 'partition.noLvm',
      name: 'No LVM on the OS disk',
      result: lvm.length ? 'fail' : 'pass',
      actual: lvm.length ? list(lvm) : 'none',
      expected: 'plain partitions, no LVM physical volume',
      fix: 'Install the image on a plain ext4 partition instead of an LVM volume group and rebuild the VHD.',
    },
    {
      id: 'partition.singleRoot',
      name: 'A single root partition',
      result: others.length === 1 && linux.length === 1 ? 'pass' : 'fail',
      actual: others.length
        ? `${others.length} partition(s): ${others.map((p) => `${describe(p)} holding ${FS_NAMES[p.fs]}`).join('; ')}`
        : 'no data partition',
      expected:
        'exactly one Linux partition holding / (0x83, or a Linux GPT type; EFI system and BIOS boot partitions aside)',
      fix: 'Put the whole system (including /boot) on one Linux partition starting at 1 MiB; move data to data disks.',
    },
  ];
}
