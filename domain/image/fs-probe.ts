// What a partition holds, from its first bytes (as blkid does): the partition type byte is only
// a label, and a "Linux" partition may well hold swap or an LVM physical volume.
import { ByteSource } from './byte-source';
import { hasExtMagic, SUPERBLOCK_OFFSET } from './ext4-superblock';

export type FsKind = 'ext' | 'ntfs' | 'xfs' | 'btrfs' | 'swap' | 'lvm' | 'fat' | 'unknown';

export const FS_NAMES: Record<FsKind, string> = {
  ext: 'ext2/3/4',
  ntfs: 'NTFS',
  xfs: 'XFS',
  btrfs: 'Btrfs',
  swap: 'Linux swap',
  lvm: 'LVM physical volume',
  fat: 'FAT',
  unknown: 'no recognised filesystem',
};

const HEAD = 4096;

export async function probeFilesystem(part: ByteSource): Promise<FsKind> {
  if (part.size < HEAD) return 'unknown';
  const h = await part.read(0, HEAD);
  if (hasExtMagic(h.subarray(SUPERBLOCK_OFFSET))) return 'ext';
  if (h.toString('latin1', 3, 11) === 'NTFS    ') return 'ntfs';
  if (h.toString('latin1', 0, 4) === 'XFSB') return 'xfs';
  // Swap's signature ends the first page (4 KiB on x86-64).
  if (['SWAPSPACE2', 'SWAP-SPACE'].includes(h.toString('latin1', HEAD - 10, HEAD))) return 'swap';
  for (let s = 0; s < 4; s++) if (h.toString('latin1', s * 512, s * 512 + 8) === 'LABELONE') return 'lvm';
  if (h.toString('latin1', 0x36, 0x39) === 'FAT' || h.toString('latin1', 0x52, 0x57) === 'FAT32') return 'fat';
  if (part.size >= 0x10048 && (await part.read(0x10040, 8)).toString('latin1') === '_BHRfS_M') return 'btrfs';
  return 'unknown';
}
