// A read-only ext2/3/4 reader over any ByteSource (a partition of a VHD blob): paths, stat,
// directories, symlinks and small files — what certification needs to look inside a Linux image
// without mounting it. Pure TypeScript, so a hostile image can at worst produce an Ext4Error:
// every loop (symlinks, directories, extent trees, rec_len) and every size is bounded.
import { ByteSource } from './byte-source';
import { BlockReader, mapBlocks } from './ext4-blockmap';
import { DirEntry, FILE_TYPE, parseDirBlock } from './ext4-directory';
import { Ext4Error } from './ext4-errors';
import { hasInlineData, I_BLOCK_SIZE, Inode, InodeType, isFastSymlink, parseInode } from './ext4-inode';
import {
  groupHasSuper,
  INCOMPAT,
  parseSuperblock,
  ROOT_INO,
  Superblock,
  SUPERBLOCK_OFFSET,
  SUPERBLOCK_SIZE,
} from './ext4-superblock';

/** The most readFile returns by default: configuration files are small; anything bigger is suspect. */
export const MAX_FILE_BYTES = 1024 * 1024;
/** As Linux (MAXSYMLINKS). */
export const MAX_SYMLINKS = 40;
const MAX_PATH_STEPS = 1024;
const MAX_SYMLINK_BYTES = 4096;
/** A directory of 32 MiB holds hundreds of thousands of names; more is corruption. */
const MAX_DIR_BYTES = 32 * 1024 * 1024;
const MAX_DIR_ENTRIES = 200_000;
/** Directory blocks mapped and read per step, so a lookup can stop early. */
const DIR_CHUNK_BLOCKS = 16;

export interface Stat {
  ino: number;
  type: InodeType;
  size: number;
  mode: number;
  /** The path after following symlinks (for lstat: the link itself). */
  path: string;
}

export interface WalkEntry extends Stat {
  depth: number;
}

export interface WalkOptions {
  /** 1 = only the entries of the starting directory. */
  maxDepth?: number;
  maxEntries?: number;
}

interface Resolved {
  inode: Inode;
  path: string;
  /** Inodes of the directories from the root down to (not including) the result. */
  ancestors: number[];
}

export class Ext4 implements BlockReader {
  private readonly tables = new Map<number, number>();

  private constructor(
    private readonly source: ByteSource,
    readonly sb: Superblock,
  ) {}

  /** Reads and validates the superblock and the root directory. */
  static async open(source: ByteSource): Promise<Ext4> {
    if (source.size < SUPERBLOCK_OFFSET + SUPERBLOCK_SIZE)
      throw new Ext4Error(
        'badSuperblock',
        `The partition is ${source.size} bytes: too small for an ext2/3/4 filesystem.`,
      );
    const sb = parseSuperblock(await source.read(SUPERBLOCK_OFFSET, SUPERBLOCK_SIZE), source.size);
    const fs = new Ext4(source, sb);
    const root = await fs.inode(ROOT_INO);
    if (root.type !== 'dir') throw new Ext4Error('badInode', `The root inode (${ROOT_INO}) is not a directory.`);
    return fs;
  }

  get blockSize(): number {
    return this.sb.blockSize;
  }

  get blocksCount(): number {
    return this.sb.blocksCount;
  }

  readBlock(block: number): Promise<Buffer> {
    return this.readBlocks(block, 1);
  }

  private readBlocks(block: number, count: number): Promise<Buffer> {
    if (!Number.isSafeInteger(block) || block < 0 || block + count > this.sb.blocksCount) {
      throw new Ext4Error('badBlockMap', `Block ${block} is outside the ${this.sb.blocksCount}-block filesystem.`);
    }
    return this.source.read(block * this.sb.blockSize, count * this.sb.blockSize);
  }

  /** The first block of a group's inode table, from its group descriptor. */
  private async inodeTable(group: number): Promise<number> {
    const known = this.tables.get(group);
    if (known !== undefined) return known;
    const { sb } = this;
    const perBlock = sb.blockSize / sb.descSize;
    const descBlockIndex = Math.floor(group / perBlock);
    let descBlock: number;
    if (sb.incompat & INCOMPAT.meta_bg && descBlockIndex >= sb.firstMetaBg) {
      // meta_bg: each run of `perBlock` groups keeps its descriptors in its own first group.
      const firstGroup = descBlockIndex * perBlock;
      descBlock = sb.firstDataBlock + firstGroup * sb.blocksPerGroup + (groupHasSuper(sb, firstGroup) ? 1 : 0);
    } else {
      descBlock = sb.firstDataBlock + 1 + descBlockIndex;
    }
    const d = (await this.readBlock(descBlock)).subarray((group % perBlock) * sb.descSize);
    const table = d.readUInt32LE(0x08) + (sb.descSize >= 64 ? d.readUInt32LE(0x28) * 2 ** 32 : 0);
    const tableBlocks = Math.ceil((sb.inodesPerGroup * sb.inodeSize) / sb.blockSize);
    if (table <= sb.firstDataBlock || table + tableBlocks > sb.blocksCount) {
      throw new Ext4Error(
        'badGroupDescriptor',
        `Corrupt group descriptor ${group}: its inode table at block ${table} is outside the filesystem.`,
      );
    }
    this.tables.set(group, table);
    return table;
  }

  async inode(ino: number): Promise<Inode> {
    const { sb } = this;
    if (!Number.isInteger(ino) || ino < 1 || ino > sb.inodesCount)
      throw new Ext4Error('badInode', `Inode number ${ino} is outside 1–${sb.inodesCount}.`);
    const group = Math.floor((ino - 1) / sb.inodesPerGroup);
    const table = await this.inodeTable(group);
    const offset = table * sb.blockSize + ((ino - 1) % sb.inodesPerGroup) * sb.inodeSize;
    return parseInode(ino, await this.source.read(offset, 128));
  }

  /** Bytes [offset, offset + length) of an inode's data; holes and unwritten extents read as zeros. */
  private async readData(inode: Inode, offset: number, length: number): Promise<Buffer> {
    if (length <= 0) return Buffer.alloc(0);
    if (hasInlineData(inode)) {
      if (inode.size > I_BLOCK_SIZE)
        throw new Ext4Error(
          'unsupported',
          `Inode ${inode.ino} keeps ${inode.size} bytes inline (in an extended attribute), which this checker does not read.`,
        );
      return Buffer.from(inode.iBlock.subarray(offset, Math.min(offset + length, I_BLOCK_SIZE)));
    }
    const bs = this.sb.blockSize;
    const first = Math.floor(offset / bs);
    const count = Math.floor((offset + length - 1) / bs) - first + 1;
    const out = Buffer.alloc(count * bs);
    for (const run of await mapBlocks(this, inode, first, count)) {
      if (run.physical === 0) continue;
      (await this.readBlocks(run.physical, run.length)).copy(out, (run.logical - first) * bs);
    }
    return out.subarray(offset - first * bs, offset - first * bs + length);
  }

  /** Entries of a directory inode, block by block, '.' and '..' included. */
  private async *entries(dir: Inode, where: string): AsyncGenerator<DirEntry> {
    if (dir.type !== 'dir') throw new Ext4Error('notDirectory', `${where} is not a directory.`);
    const hasFileType = (this.sb.incompat & INCOMPAT.filetype) !== 0;
    if (hasInlineData(dir)) {
      // Small inline directory: the parent's inode number, then entries in the rest of i_block.
      if (dir.size > I_BLOCK_SIZE)
        throw new Ext4Error(
          'unsupported',
          `Directory ${where} keeps entries in an extended attribute (inline data), which this checker does not read.`,
        );
      yield { name: '..', ino: dir.iBlock.readUInt32LE(0), fileType: FILE_TYPE.dir };
      yield* parseDirBlock(dir.iBlock.subarray(4), where, hasFileType, this.sb.inodesCount);
      return;
    }
    if (dir.size > MAX_DIR_BYTES)
      throw new Ext4Error('badDirectory', `Directory ${where} claims ${dir.size} bytes (more than ${MAX_DIR_BYTES}).`);
    const bs = this.sb.blockSize;
    const blocks = Math.ceil(dir.size / bs);
    for (let at = 0; at < blocks; at += DIR_CHUNK_BLOCKS) {
      for (const run of await mapBlocks(this, dir, at, Math.min(DIR_CHUNK_BLOCKS, blocks - at))) {
        if (run.physical === 0) continue; // a hole: nothing stored there
        const data = await this.readBlocks(run.physical, run.length);
        for (let k = 0; k < run.length; k++) {
          yield* parseDirBlock(
            data.subarray(k * bs, (k + 1) * bs),
            `${where} (block ${run.logical + k})`,
            hasFileType,
            this.sb.inodesCount,
          );
        }
      }
    }
  }

  private async find(dir: Inode, name: string, where: string): Promise<DirEntry | undefined> {
    for await (const e of this.entries(dir, where)) if (e.name === name) return e;
    return undefined;
  }

  /** Symlink target text (fast symlinks in the inode, slow ones in a data block). */
  private async linkTarget(inode: Inode, where: string): Promise<string> {
    if (inode.size === 0 || inode.size > MAX_SYMLINK_BYTES)
      throw new Ext4Error('badSymlink', `Symlink ${where} has an invalid length (${inode.size} bytes).`);
    const raw = isFastSymlink(inode, this.sb.blockSize)
      ? inode.iBlock.subarray(0, inode.size)
      : await this.readData(inode, 0, inode.size);
    if (raw.includes(0)) throw new Ext4Error('badSymlink', `Symlink ${where} has a NUL byte in its target.`);
    return raw.toString('utf8');
  }

  /**
   * Resolves a path inside the image, as the kernel would with the image as its root: '..'
   * stops at the root and absolute symlink targets start again from the image's root.
   */
  private async resolve(path: string, followLast: boolean): Promise<Resolved> {
    const root = await this.inode(ROOT_INO);
    let stack: { inode: Inode; name: string }[] = [{ inode: root, name: '' }];
    const pending = path.split('/');
    let links = 0;
    let steps = 0;
    const here = () => stack.map((s) => s.name).join('/') || '/';
    const child = (name: string) => `${stack.length > 1 ? here() : ''}/${name}`;
    while (pending.length) {
      if (++steps > MAX_PATH_STEPS)
        throw new Ext4Error('pathTooLong', `Resolving ${path} took more than ${MAX_PATH_STEPS} steps.`);
      const name = pending.shift()!;
      if (name === '' || name === '.') continue;
      if (name === '..') {
        if (stack.length > 1) stack.pop();
        continue;
      }
      const dir = stack[stack.length - 1];
      if (dir.inode.type !== 'dir')
        throw new Ext4Error('notDirectory', `${here()} is not a directory (resolving ${path}).`);
      const entry = await this.find(dir.inode, name, here());
      if (!entry) throw new Ext4Error('notFound', `${path} not found (no ${name} in ${here()}).`);
      const inode = await this.inode(entry.ino);
      if (inode.type === 'symlink' && (pending.length > 0 || followLast)) {
        if (++links > MAX_SYMLINKS)
          throw new Ext4Error(
            'symlinkLoop',
            `Too many levels of symbolic links resolving ${path} (a symlink loop at ${child(name)}?).`,
          );
        const target = await this.linkTarget(inode, child(name));
        if (target.startsWith('/')) stack = stack.slice(0, 1);
        pending.unshift(...target.split('/'));
        continue;
      }
      stack.push({ inode, name });
    }
    const last = stack[stack.length - 1];
    return { inode: last.inode, path: here(), ancestors: stack.slice(0, -1).map((s) => s.inode.ino) };
  }

  private static stat(r: Resolved): Stat {
    return { ino: r.inode.ino, type: r.inode.type, size: r.inode.size, mode: r.inode.mode, path: r.path };
  }

  /** Follows symlinks. Throws Ext4Error 'notFound' when the path does not exist. */
  async stat(path: string): Promise<Stat> {
    return Ext4.stat(await this.resolve(path, true));
  }

  /** Does not follow a final symlink. */
  async lstat(path: string): Promise<Stat> {
    return Ext4.stat(await this.resolve(path, false));
  }

  async exists(path: string): Promise<boolean> {
    try {
      await this.resolve(path, true);
      return true;
    } catch (e) {
      if (e instanceof Ext4Error && e.code === 'notFound') return false;
      throw e;
    }
  }

  async readlink(path: string): Promise<string> {
    const r = await this.resolve(path, false);
    if (r.inode.type !== 'symlink') throw new Ext4Error('badSymlink', `${r.path} is not a symlink.`);
    return this.linkTarget(r.inode, r.path);
  }

  /** A whole regular file; one larger than `maxBytes` is refused (Ext4Error 'fileTooLarge'). */
  async readFile(path: string, maxBytes = MAX_FILE_BYTES): Promise<Buffer> {
    const r = await this.resolveFile(path);
    if (r.inode.size > maxBytes) {
      throw new Ext4Error(
        'fileTooLarge',
        `${r.path} claims ${r.inode.size} bytes, more than the ${maxBytes}-byte limit for files read during certification.`,
      );
    }
    return this.readData(r.inode, 0, r.inode.size);
  }

  async readText(path: string, maxBytes = MAX_FILE_BYTES): Promise<string> {
    return (await this.readFile(path, maxBytes)).toString('utf8');
  }

  /** Up to `length` bytes (at most MAX_FILE_BYTES) from `offset` of a regular file of any size. */
  async readRange(path: string, offset: number, length: number): Promise<Buffer> {
    const r = await this.resolveFile(path);
    const len = Math.max(0, Math.min(length, MAX_FILE_BYTES, r.inode.size - offset));
    return this.readData(r.inode, offset, len);
  }

  private async resolveFile(path: string): Promise<Resolved> {
    const r = await this.resolve(path, true);
    if (r.inode.type !== 'file')
      throw new Ext4Error(
        'notFile',
        `${r.path} is a ${r.inode.type === 'dir' ? 'directory' : 'special file'}, not a regular file.`,
      );
    return r;
  }

  /** Names in a directory (without '.' and '..'). */
  async readdir(path: string): Promise<DirEntry[]> {
    const r = await this.resolve(path, true);
    const out: DirEntry[] = [];
    for await (const e of this.entries(r.inode, r.path)) {
      if (e.name === '.' || e.name === '..') continue;
      if (out.length >= MAX_DIR_ENTRIES)
        throw new Ext4Error('tooManyEntries', `${r.path} has more than ${MAX_DIR_ENTRIES} entries.`);
      out.push(e);
    }
    return out;
  }

  /**
   * Visits a directory tree depth-first. A subdirectory that is one of its own ancestors (a
   * corrupt or hostile hard link) fails with 'directoryLoop' instead of recursing forever.
   */
  async walk(path: string, visit: (e: WalkEntry) => void | Promise<void>, opts: WalkOptions = {}): Promise<void> {
    const maxDepth = opts.maxDepth ?? 8;
    const maxEntries = opts.maxEntries ?? 10_000;
    const start = await this.resolve(path, true);
    let seen = 0;
    const go = async (dir: Inode, dirPath: string, ancestors: Set<number>, depth: number): Promise<void> => {
      for await (const e of this.entries(dir, dirPath)) {
        if (e.name === '.' || e.name === '..') continue;
        if (++seen > maxEntries)
          throw new Ext4Error('tooManyEntries', `More than ${maxEntries} entries under ${start.path}.`);
        const childPath = `${dirPath === '/' ? '' : dirPath}/${e.name}`;
        const child = await this.inode(e.ino);
        await visit({ ino: child.ino, type: child.type, size: child.size, mode: child.mode, path: childPath, depth });
        if (child.type !== 'dir') continue;
        if (ancestors.has(child.ino)) {
          throw new Ext4Error(
            'directoryLoop',
            `Directory loop: ${childPath} is inode ${child.ino}, one of its own ancestors.`,
          );
        }
        if (depth < maxDepth) await go(child, childPath, new Set([...ancestors, child.ino]), depth + 1);
      }
    };
    await go(start.inode, start.path, new Set([...start.ancestors, start.inode.ino]), 1);
  }
}
