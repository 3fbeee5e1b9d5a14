// Certification of a Windows OS disk. What can be seen statically is the NTFS system partition;
// sysprep, RDP and the base image live in the registry and the build history, so those rows are
// explicitly 'manualReview' — labelled as not checked, never passed.
import { ByteSource } from './byte-source';
import { CheckRow } from './footer-checks';
import { gen1PartitionRows, probePartitions } from './partition-checks';
import { describe, PartitionTable } from './partitions';

const MANUAL = 'not checked automatically: needs a review of the image (registry / build record)';

export const WINDOWS_MANUAL_ROWS: CheckRow[] = [
  {
    id: 'windows.sysprep',
    name: 'Generalized with Sysprep',
    result: 'manualReview',
    actual: MANUAL,
    expected: 'sysprep /generalize /oobe /shutdown run before the VHD was captured',
    fix: 'Run %WINDIR%\\system32\\sysprep\\sysprep.exe /generalize /oobe /shutdown, then capture the VHD without booting it again.',
  },
  {
    id: 'windows.rdp',
    name: 'Remote Desktop enabled',
    result: 'manualReview',
    actual: MANUAL,
    expected: 'fDenyTSConnections = 0 and the RDP firewall rule enabled',
    fix: 'Enable Remote Desktop (System Properties → Remote) and its firewall rule before running Sysprep.',
  },
  {
    id: 'windows.baseImage',
    name: 'Built on an approved Windows Server base image',
    result: 'manualReview',
    actual: MANUAL,
    expected: 'an Azure-approved Windows Server base image (64-bit)',
    fix: 'Build from a Windows Server image published in Azure (e.g. the MicrosoftWindowsServer publisher) and record its version.',
  },
];

/** Appends the OS disk's rows to `rows`. */
export async function checkWindowsOsDisk(disk: ByteSource, table: PartitionTable, rows: CheckRow[]): Promise<void> {
  rows.push(...gen1PartitionRows(table));
  const parts = table.scheme === 'mbr' ? await probePartitions(disk, table) : [];
  const ntfs = parts.filter((p) => p.fs === 'ntfs');
  rows.push({
    id: 'windows.ntfs',
    name: 'NTFS system partition',
    result: ntfs.length ? 'pass' : 'fail',
    actual: ntfs.length
      ? `NTFS ("NTFS    " boot sector) on ${ntfs.map(describe).join('; ')}`
      : table.scheme === 'mbr'
        ? 'no partition with an NTFS boot sector'
        : 'not searched: no MBR partition table',
    expected: 'an NTFS partition holding Windows',
    fix: "The disk does not look like a Windows OS disk: upload the VHD of the generalized Windows VM's OS disk.",
  });
  rows.push(...WINDOWS_MANUAL_ROWS.map((r) => ({ ...r })));
}

/** Does the disk look like Windows (an NTFS partition)? Used when the OS family is not given. */
export async function looksLikeWindows(disk: ByteSource, table: PartitionTable): Promise<boolean> {
  if (table.scheme !== 'mbr') return false;
  return (await probePartitions(disk, table)).some((p) => p.fs === 'ntfs');
}
