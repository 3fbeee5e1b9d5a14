// The partition table against the plan's image types: a Generation 1 disk is MBR (BIOS boot), a
// Generation 2 or Arm64 disk is GPT with a protective MBR and an EFI system partition. A disk that
// does not fit what its plan declares fails naming both, so the partner knows which side to fix.
import { BootLoader, uefiTypeOf } from './efi-checks';
import { CheckRow } from './footer-checks';
import { declaredLabel, ImageType, IMAGE_TYPE_LABELS, wantsUefi, withArticle } from './image-types';
import { gen1PartitionRows } from './partition-checks';
import { FIRST_PARTITION_LBA, firstPartition, PartitionTable, SECTOR } from './partitions';

const TABLE_NAME = "Partition table for the plan's image types";

/** The disk's own type in words, from its table and its ESP's boot loaders. */
export function diskKind(table: PartitionTable, loaders: BootLoader[]): string {
  if (table.scheme !== 'gpt') return `${withArticle(IMAGE_TYPE_LABELS.x64Gen1)} (MBR, BIOS boot) disk`;
  const uefi = uefiTypeOf(loaders);
  const loader = loaders.find((l) => l.machine === (uefi === 'arm64' ? 'Arm64' : 'x64'));
  return uefi && loader
    ? `${withArticle(IMAGE_TYPE_LABELS[uefi])} disk (GPT, ${loader.path})`
    : 'a UEFI disk (GPT) without a boot loader in its EFI system partition';
}

function gptTableRows(table: PartitionTable, types: readonly ImageType[], loaders: BootLoader[]): CheckRow[] {
  const why = table.gptHeader
    ? 'a GPT header ("EFI PART") at sector 1'
    : 'a GPT protective entry (type 0xEE) in the MBR';
  if (!wantsUefi(types))
    return [
      {
        id: 'partition.table',
        name: TABLE_NAME,
        result: 'fail',
        actual: `GPT (${why}): ${diskKind(table, loaders)}; ${declaredLabel(types)}`,
        expected: 'an MBR (msdos) partition table',
        fix: "Either declare the plan's image type as x64 Generation 2 (or Arm64) to match the disk, or, for Generation 1, convert the table (sgdisk --gpttombr=1 disk.raw, then reinstall GRUB for BIOS) or repartition with an msdos label, and rebuild the VHD.",
      },
    ];
  const protective = table.gpt?.protectiveMbr ?? 'missing';
  const first = firstPartition(table.partitions);
  return [
    {
      id: 'partition.table',
      name: TABLE_NAME,
      result: 'pass',
      actual: `GPT with ${table.partitions.length} partition(s)`,
      expected: `a GPT partition table (${declaredLabel(types)})`,
    },
    {
      id: 'partition.protectiveMbr',
      name: 'Protective MBR in front of the GPT',
      result: protective === 'ok' ? 'pass' : protective === 'hybrid' ? 'warning' : 'fail',
      actual:
        protective === 'ok'
          ? 'one 0xEE entry'
          : protective === 'hybrid'
            ? 'a hybrid MBR: the 0xEE entry beside other partitions'
            : 'sector 0 has no 0xEE entry (or no 0x55AA signature)',
      expected: 'sector 0 holding a single 0xEE entry from sector 1',
      fix: 'Rewrite the protective MBR (sgdisk -m is for hybrids; gdisk → x → n writes a fresh protective MBR) and rebuild the VHD.',
    },
    {
      id: 'partition.bounds',
      name: 'GPT headers, checksums and partitions inside the disk',
      result: table.problems.length ? 'fail' : 'pass',
      actual: table.problems.length ? table.problems.join(' ') : 'primary and backup headers and entries valid',
      expected: 'valid CRC32s, the backup header at the last sector, partitions inside the usable sectors, no overlaps',
      fix: 'Repair the GPT for this disk size (sgdisk -e moves the backup header to the end; gdisk → v verifies) and rebuild the VHD.',
    },
    {
      id: 'partition.firstStart',
      name: 'First MiB left free',
      result: first && first.startLba >= FIRST_PARTITION_LBA ? 'pass' : 'fail',
      actual: first
        ? `first partition at sector ${first.startLba} (${((first.startLba * SECTOR) / 1024).toFixed(0)} KiB)`
        : 'no partitions',
      expected: `no partition before sector ${FIRST_PARTITION_LBA} (1 MiB)`,
      fix: 'Azure keeps the first MiB of a GPT OS disk for its own metadata: start the first partition at 1 MiB (sgdisk -n 1:2048:…).',
    },
  ];
}

/** The partition-table rows of an OS disk, judged against the plan's declared image types. */
export function tableRows(table: PartitionTable, types: readonly ImageType[], loaders: BootLoader[]): CheckRow[] {
  if (table.scheme === 'gpt') return gptTableRows(table, types, loaders);
  const rows = gen1PartitionRows(table);
  if (types.includes('x64Gen1')) return rows;
  // An MBR disk on a UEFI-only plan: the table itself may be sound, but not for this plan.
  return rows.map((r) =>
    r.id === 'partition.table'
      ? {
          ...r,
          name: TABLE_NAME,
          result: 'fail' as const,
          actual: `${r.result === 'pass' ? r.actual : 'no GPT'}: ${diskKind(table, loaders)}; ${declaredLabel(types)}`,
          expected: 'a GPT partition table with an EFI system partition',
          fix: "Either declare the plan's image type as x64 Generation 1 to match the disk, or rebuild the image for UEFI: a GPT disk (sgdisk -g converts) with an EFI system partition holding the boot loader.",
        }
      : r,
  );
}
