// One ext2/3/4 inode record: type, size, flags and the 60-byte i_block area that holds the
// extent tree root, the classic block map, a fast symlink's target or inline data.
import { Ext4Error } from './ext4-errors';

export const INODE_FLAGS = { index: 0x1000, hugeFile: 0x40000, extents: 0x80000, inlineData: 0x10000000 } as const;
export const I_BLOCK_OFFSET = 0x28;
export const I_BLOCK_SIZE = 60;

export type InodeType = 'file' | 'dir' | 'symlink' | 'other';

export interface Inode {
  ino: number;
  mode: number;
  type: InodeType;
  /** Bytes, as the inode claims (may be absurd: callers cap what they read). */
  size: number;
  linksCount: number;
  flags: number;
  /** i_blocks in 512-byte units (fs blocks with huge_file's per-inode flag). */
  blocks: number;
  fileAcl: number;
  iBlock: Buffer;
}

const TYPES: Record<number, InodeType> = { 0x4000: 'dir', 0x8000: 'file', 0xa000: 'symlink' };
const OTHER = new Set([0x1000, 0x2000, 0x6000, 0xc000]);

export function parseInode(ino: number, raw: Buffer): Inode {
  const mode = raw.readUInt16LE(0x00);
  const linksCount = raw.readUInt16LE(0x1a);
  const fmt = mode & 0xf000;
  const type = TYPES[fmt] ?? (OTHER.has(fmt) ? 'other' : undefined);
  if (mode === 0 && linksCount === 0)
    throw new Ext4Error('badInode', `Inode ${ino} is not in use (a directory entry points at a deleted inode).`);
  if (!type) throw new Ext4Error('badInode', `Inode ${ino} has an invalid file type (mode 0o${mode.toString(8)}).`);
  return {
    ino,
    mode,
    type,
    size: raw.readUInt32LE(0x04) + raw.readUInt32LE(0x6c) * 2 ** 32,
    linksCount,
    flags: raw.readUInt32LE(0x20),
    blocks: raw.readUInt32LE(0x1c) + raw.readUInt16LE(0x74) * 2 ** 32,
    fileAcl: raw.readUInt32LE(0x68) + raw.readUInt16LE(0x76) * 2 ** 32,
    iBlock: Buffer.from(raw.subarray(I_BLOCK_OFFSET, I_BLOCK_OFFSET + I_BLOCK_SIZE)),
  };
}

export const hasExtents = (i: Inode): boolean => (i.flags & INODE_FLAGS.extents) !== 0;
export const hasInlineData = (i: Inode): boolean => (i.flags & INODE_FLAGS.inlineData) !== 0;

/**
 * A fast symlink keeps its target in i_block and owns no data block (only an extended-attribute
 * block may be counted in i_blocks), as the kernel decides it.
 */
export function isFastSymlink(i: Inode, blockSize: number): boolean {
  if (i.type !== 'symlink' || hasInlineData(i)) return false;
  const eaBlocks = i.fileAcl ? blockSize / 512 : 0;
  return i.size < I_BLOCK_SIZE && i.blocks - eaBlocks === 0;
}
