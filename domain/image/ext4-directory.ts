// Linear ext2/3/4 directory blocks. Hashed (htree) directories are readable the same way: their
// index blocks look like one empty entry spanning the block, and the checksum tail of
// metadata_csum directories is an entry with inode 0; both are skipped like deleted entries.
import { Ext4Error } from './ext4-errors';

export interface DirEntry {
  name: string;
  ino: number;
  /** From the entry (filetype feature): 1 file, 2 dir, 7 symlink; 0 unknown. */
  fileType: number;
}

export const FILE_TYPE = { file: 1, dir: 2, symlink: 7 } as const;

export function parseDirBlock(block: Buffer, where: string, hasFileType: boolean, inodesCount: number): DirEntry[] {
  const out: DirEntry[] = [];
  const bad = (at: number, msg: string) =>
    new Ext4Error('badDirectory', `Corrupt directory ${where} at byte ${at}: ${msg}`);
  let pos = 0;
  while (pos < block.length) {
    if (pos + 8 > block.length) throw bad(pos, 'an entry header crosses the end of the block.');
    const ino = block.readUInt32LE(pos);
    const recLen = recLenFromDisk(block.readUInt16LE(pos + 4), block.length);
    const nameLen = hasFileType ? block[pos + 6] : block.readUInt16LE(pos + 6);
    // rec_len must move forward: a zero or tiny rec_len is how a corrupt block would loop forever.
    if (recLen < 12 || recLen % 4 !== 0 || pos + recLen > block.length)
      throw bad(pos, `record length ${recLen} is invalid.`);
    if (ino !== 0) {
      if (8 + nameLen > recLen || nameLen === 0)
        throw bad(pos, `name length ${nameLen} does not fit its ${recLen}-byte record.`);
      if (ino > inodesCount)
        throw bad(pos, `entry points at inode ${ino}, beyond the ${inodesCount} inodes of the filesystem.`);
      const raw = block.subarray(pos + 8, pos + 8 + nameLen);
      if (raw.includes(0x2f) || raw.includes(0)) throw bad(pos, 'a name contains "/" or a NUL byte.');
      out.push({ name: raw.toString('utf8'), ino, fileType: hasFileType ? block[pos + 7] : 0 });
    }
    pos += recLen;
  }
  return out;
}

/** 64 KiB blocks cannot store a 65536 rec_len in 16 bits; ext4 encodes it (as e2fsprogs decodes it). */
function recLenFromDisk(len: number, blockSize: number): number {
  if (blockSize < 65536) return len;
  if (len === 65535 || len === 0) return blockSize;
  return (len & 65532) | ((len & 3) << 16);
}
