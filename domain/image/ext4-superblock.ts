// The ext2/3/4 superblock (1024 bytes at byte 1024 of the filesystem): geometry and features.
// Every field later used as a size, count or offset is validated here, against the partition
// holding the filesystem, so a corrupt superblock fails once with a clear message instead of
// sending the reader far outside the image.
import { crc32cRaw } from './crc32c';
import { Ext4Error } from './ext4-errors';

export const SUPERBLOCK_OFFSET = 1024;
export const SUPERBLOCK_SIZE = 1024;
export const EXT4_MAGIC = 0xef53;
export const ROOT_INO = 2;

// Keys are the names e2fsprogs (dumpe2fs, mkfs -O) uses, so reports read familiar.
export const COMPAT = {
  has_journal: 0x4,
  ext_attr: 0x8,
  resize_inode: 0x10,
  dir_index: 0x20,
  sparse_super2: 0x200,
} as const;
export const INCOMPAT = {
  compression: 0x1,
  filetype: 0x2,
  needs_recovery: 0x4,
  journal_dev: 0x8,
  meta_bg: 0x10,
  extent: 0x40,
  '64bit': 0x80,
  mmp: 0x100,
  flex_bg: 0x200,
  ea_inode: 0x400,
  dirdata: 0x1000,
  metadata_csum_seed: 0x2000,
  large_dir: 0x4000,
  inline_data: 0x8000,
  encrypt: 0x10000,
  casefold: 0x20000,
} as const;
export const RO_COMPAT = {
  sparse_super: 0x1,
  large_file: 0x2,
  huge_file: 0x8,
  uninit_bg: 0x10,
  dir_nlink: 0x20,
  extra_isize: 0x40,
  quota: 0x100,
  bigalloc: 0x200,
  metadata_csum: 0x400,
} as const;

/** Incompatible features this reader cannot interpret; anything unknown is refused too, as the kernel does. */
const UNREADABLE = INCOMPAT.compression | INCOMPAT.journal_dev | INCOMPAT.dirdata;
const KNOWN_INCOMPAT = Object.values(INCOMPAT).reduce((a, b) => a | b, 0);

export interface Superblock {
  inodesCount: number;
  blocksCount: number;
  firstDataBlock: number;
  blockSize: number;
  blocksPerGroup: number;
  inodesPerGroup: number;
  inodeSize: number;
  firstIno: number;
  revLevel: number;
  compat: number;
  incompat: number;
  roCompat: number;
  /** Bytes per group descriptor: 32, or s_desc_size with the 64bit feature. */
  descSize: number;
  groupCount: number;
  firstMetaBg: number;
  volumeName: string;
  /** "ext2", "ext3" or "ext4", from the features (as blkid names them). */
  flavour: 'ext2' | 'ext3' | 'ext4';
  /** Names of the features worth reporting. */
  features: string[];
  /** The journal has to be replayed: the image was not cleanly shut down. */
  needsRecovery: boolean;
}

const bad = (msg: string) => new Ext4Error('badSuperblock', `Corrupt ext2/3/4 superblock: ${msg}`);
const isPow2 = (n: number) => n > 0 && (n & (n - 1)) === 0;

/** Is there an ext2/3/4 magic number in this superblock buffer? (No other validation.) */
export const hasExtMagic = (sb: Buffer): boolean => sb.length >= 0x3a && sb.readUInt16LE(0x38) === EXT4_MAGIC;

/** Parses and validates a superblock; `deviceBytes` is the size of the partition holding it. */
export function parseSuperblock(b: Buffer, deviceBytes: number): Superblock {
  if (b.length < SUPERBLOCK_SIZE) throw bad(`only ${b.length} bytes.`);
  if (!hasExtMagic(b))
    throw new Ext4Error(
      'badSuperblock',
      `No ext2/3/4 filesystem: magic 0x${b.readUInt16LE(0x38).toString(16)} instead of 0xef53.`,
    );
  const compat = b.readUInt32LE(0x5c);
  const incompat = b.readUInt32LE(0x60);
  const roCompat = b.readUInt32LE(0x64);
  if (roCompat & RO_COMPAT.metadata_csum) {
    const stored = b.readUInt32LE(0x3fc);
    const computed = crc32cRaw(b.subarray(0, 0x3fc));
    if (stored !== computed)
      throw bad(`checksum 0x${stored.toString(16)} does not match the contents (0x${computed.toString(16)}).`);
  }
  const logBlock = b.readUInt32LE(0x18);
  if (logBlock > 6) throw bad(`block size 2^(10+${logBlock}) is not between 1 KiB and 64 KiB.`);
  const blockSize = 1024 << logBlock;
  const is64 = (incompat & INCOMPAT['64bit']) !== 0;
  const blocksCount = b.readUInt32LE(0x04) + (is64 ? b.readUInt32LE(0x150) * 2 ** 32 : 0);
  const firstDataBlock = b.readUInt32LE(0x14);
  const blocksPerGroup = b.readUInt32LE(0x20);
  const inodesPerGroup = b.readUInt32LE(0x28);
  const inodesCount = b.readUInt32LE(0x00);
  const revLevel = b.readUInt32LE(0x4c);
  const inodeSize = revLevel === 0 ? 128 : b.readUInt16LE(0x58);
  const firstIno = revLevel === 0 ? 11 : b.readUInt32LE(0x54);
  const descSize = is64 ? b.readUInt16LE(0xfe) : 32;
  const logCluster = b.readUInt32LE(0x1c);
  const clusterRatio = roCompat & RO_COMPAT.bigalloc ? 2 ** Math.max(0, Math.min(logCluster - logBlock, 16)) : 1;

  if (blocksCount === 0) throw bad('zero blocks.');
  if (blocksCount * blockSize > deviceBytes)
    throw bad(
      `it claims ${blocksCount} blocks of ${blockSize} bytes (${blocksCount * blockSize} bytes), more than the ${deviceBytes}-byte partition.`,
    );
  if (firstDataBlock > 1 || firstDataBlock >= blocksCount) throw bad(`first data block ${firstDataBlock}.`);
  if (blocksPerGroup < 8 || blocksPerGroup > 8 * blockSize * clusterRatio)
    throw bad(
      `${blocksPerGroup} blocks per group (a ${blockSize}-byte bitmap holds at most ${8 * blockSize * clusterRatio}).`,
    );
  if (inodesPerGroup < 1 || inodesPerGroup > 8 * blockSize) throw bad(`${inodesPerGroup} inodes per group.`);
  if (!isPow2(inodeSize) || inodeSize < 128 || inodeSize > blockSize) throw bad(`inode size ${inodeSize}.`);
  if (firstIno < 11 || firstIno > inodesCount) throw bad(`first non-reserved inode ${firstIno}.`);
  if (!isPow2(descSize) || descSize < 32 || descSize > 1024 || (is64 && descSize < 64))
    throw bad(`group descriptor size ${descSize}.`);
  const groupCount = Math.ceil((blocksCount - firstDataBlock) / blocksPerGroup);
  if (inodesCount !== inodesPerGroup * groupCount)
    throw bad(
      `${inodesCount} inodes, but ${groupCount} groups of ${inodesPerGroup} inodes make ${inodesPerGroup * groupCount}.`,
    );
  if (incompat & ~KNOWN_INCOMPAT)
    throw new Ext4Error(
      'unsupported',
      `The filesystem uses unknown incompatible features (0x${(incompat & ~KNOWN_INCOMPAT).toString(16)}); it cannot be read safely.`,
    );
  if (incompat & UNREADABLE)
    throw new Ext4Error(
      'unsupported',
      `The filesystem uses features this checker cannot read (${featureNames(0, incompat & UNREADABLE, 0).join(', ')}).`,
    );

  return {
    inodesCount,
    blocksCount,
    firstDataBlock,
    blockSize,
    blocksPerGroup,
    inodesPerGroup,
    inodeSize,
    firstIno,
    revLevel,
    compat,
    incompat,
    roCompat,
    descSize,
    groupCount,
    firstMetaBg: b.readUInt32LE(0x104),
    volumeName: b
      .toString('latin1', 0x78, 0x88)
      .replace(/\0.*$/s, '')
      .replace(/[^\x20-\x7e]/g, '?'),
    flavour:
      incompat & (INCOMPAT.extent | INCOMPAT['64bit'] | INCOMPAT.flex_bg) ||
      roCompat & (RO_COMPAT.huge_file | RO_COMPAT.metadata_csum)
        ? 'ext4'
        : compat & COMPAT.has_journal
          ? 'ext3'
          : 'ext2',
    features: featureNames(compat, incompat, roCompat),
    needsRecovery: (incompat & INCOMPAT.needs_recovery) !== 0,
  };
}

export function featureNames(compat: number, incompat: number, roCompat: number): string[] {
  const names: string[] = [];
  const add = (set: Record<string, number>, bits: number) => {
    for (const [name, bit] of Object.entries(set)) if (bits & bit) names.push(name);
  };
  add(COMPAT, compat);
  add(INCOMPAT, incompat);
  add(RO_COMPAT, roCompat);
  return names;
}

/** Groups holding a superblock backup (and so, without meta_bg, a descriptor table copy). */
export function groupHasSuper(sb: Superblock, group: number): boolean {
  if (group <= 1 || !(sb.roCompat & RO_COMPAT.sparse_super)) return true;
  for (const base of [3, 5, 7]) {
    let n = base;
    while (n < group) n *= base;
    if (n === group) return true;
  }
  return false;
}
