// Where a file's bytes live: logical block → physical block, through an ext4 extent tree (any
// depth) or the classic ext2/3 direct/indirect block map. Only the part of the file asked for is
// mapped, every node and pointer is bounds-checked, and a tree that revisits a block fails
// instead of looping.
import { Ext4Error } from './ext4-errors';
import { hasExtents, Inode } from './ext4-inode';

export interface BlockReader {
  blockSize: number;
  blocksCount: number;
  readBlock(block: number): Promise<Buffer>;
}

/** `length` blocks from `logical` on; `physical` 0 means zeros (a hole or an unwritten extent). */
export interface Run {
  logical: number;
  physical: number;
  length: number;
}

const EXTENT_MAGIC = 0xf30a;
/** The kernel's limit (ext4 trees are never deeper than 5). */
const MAX_DEPTH = 5;
/** Extent-tree blocks visited for one request; a real file needs a handful. */
const MAX_NODES = 4096;
/** ee_len above this marks an unwritten (preallocated, reads as zeros) extent. */
const INIT_MAX_LEN = 32768;

export async function mapBlocks(r: BlockReader, inode: Inode, first: number, count: number): Promise<Run[]> {
  if (count <= 0) return [];
  const runs = hasExtents(inode)
    ? await extentRuns(r, inode, first, count)
    : await indirectRuns(r, inode, first, count);
  return fillHoles(runs, first, count);
}

async function extentRuns(r: BlockReader, inode: Inode, first: number, count: number): Promise<Run[]> {
  const end = first + count;
  const out: Run[] = [];
  const visited = new Set<number>();
  const bad = (msg: string) => new Ext4Error('badExtentTree', `Corrupt extent tree in inode ${inode.ino}: ${msg}`);

  const visit = async (node: Buffer, where: string, expectedDepth: number | undefined): Promise<void> => {
    if (node.length < 12 || node.readUInt16LE(0) !== EXTENT_MAGIC) throw bad(`${where} has no extent header.`);
    const entries = node.readUInt16LE(2);
    const max = node.readUInt16LE(4);
    const depth = node.readUInt16LE(6);
    if (max * 12 + 12 > node.length || entries > max)
      throw bad(`${where} claims ${entries} of ${max} entries in ${node.length} bytes.`);
    if (depth > MAX_DEPTH) throw bad(`${where} has depth ${depth} (at most ${MAX_DEPTH}).`);
    if (expectedDepth !== undefined && depth !== expectedDepth)
      throw bad(`${where} has depth ${depth}, its parent says ${expectedDepth}.`);
    let prev = -1;
    for (let i = 0; i < entries; i++) {
      const e = 12 + i * 12;
      const lblock = node.readUInt32LE(e);
      if (lblock <= prev) throw bad(`${where} entries are not in increasing order.`);
      if (depth === 0) {
        let len = node.readUInt16LE(e + 4);
        const unwritten = len > INIT_MAX_LEN;
        if (unwritten) len -= INIT_MAX_LEN;
        const start = node.readUInt16LE(e + 6) * 2 ** 32 + node.readUInt32LE(e + 8);
        if (len === 0) throw bad(`${where} has an empty extent.`);
        if (lblock + len > 2 ** 32) throw bad(`${where} maps blocks past the largest file.`);
        if (start === 0 || start + len > r.blocksCount)
          throw bad(
            `${where} points at blocks ${start}–${start + len - 1}, outside the ${r.blocksCount}-block filesystem.`,
          );
        prev = lblock + len - 1;
        const from = Math.max(lblock, first);
        const to = Math.min(lblock + len, end);
        if (from < to)
          out.push({ logical: from, physical: unwritten ? 0 : start + (from - lblock), length: to - from });
      } else {
        const next = i + 1 < entries ? node.readUInt32LE(e + 12) : Infinity;
        prev = lblock;
        if (next <= first || lblock >= end) continue; // this child only maps blocks nobody asked for
        const leaf = node.readUInt16LE(e + 8) * 2 ** 32 + node.readUInt32LE(e + 4);
        if (leaf === 0 || leaf >= r.blocksCount) throw bad(`${where} points at block ${leaf}, outside the filesystem.`);
        if (visited.has(leaf))
          throw new Ext4Error(
            'extentLoop',
            `Corrupt extent tree in inode ${inode.ino}: block ${leaf} is reached twice (a loop).`,
          );
        visited.add(leaf);
        if (visited.size > MAX_NODES) throw bad(`more than ${MAX_NODES} tree blocks.`);
        await visit(await r.readBlock(leaf), `block ${leaf}`, depth - 1);
      }
    }
  };
  await visit(inode.iBlock, 'the inode', undefined);
  return out;
}

async function indirectRuns(r: BlockReader, inode: Inode, first: number, count: number): Promise<Run[]> {
  const perBlock = r.blockSize / 4;
  const blocks = new Map<number, Buffer>();
  const bad = (msg: string) => new Ext4Error('badBlockMap', `Corrupt block map in inode ${inode.ino}: ${msg}`);
  const pointer = async (table: number, index: number): Promise<number> => {
    let b = blocks.get(table);
    if (!b) {
      b = await r.readBlock(table);
      blocks.set(table, b);
    }
    return b.readUInt32LE(index * 4);
  };
  const check = (p: number) => {
    if (p >= r.blocksCount) throw bad(`pointer to block ${p}, outside the ${r.blocksCount}-block filesystem.`);
    return p;
  };
  const resolve = async (l: number): Promise<number> => {
    if (l < 12) return check(inode.iBlock.readUInt32LE(l * 4));
    // Levels of indirection below i_block[12], [13], [14]: the path of indexes to follow.
    let rest = l - 12;
    let span = perBlock;
    for (let level = 1; level <= 3; level++, span *= perBlock) {
      if (rest < span) {
        let p = check(inode.iBlock.readUInt32LE((11 + level) * 4));
        for (let unit = span / perBlock; p !== 0; unit /= perBlock) {
          p = check(await pointer(p, Math.floor(rest / unit) % perBlock));
          if (unit === 1) return p;
        }
        return 0;
      }
      rest -= span;
    }
    throw bad(`block ${l} is beyond what a triple-indirect map can hold.`);
  };
  const out: Run[] = [];
  for (let l = first; l < first + count; l++) {
    const p = await resolve(l);
    const last = out[out.length - 1];
    if (last && last.physical !== 0 && p === last.physical + last.length) last.length++;
    else if (last && last.physical === 0 && p === 0) last.length++;
    else out.push({ logical: l, physical: p, length: 1 });
  }
  return out;
}

/** Sorted runs covering exactly [first, first + count), gaps as holes. */
function fillHoles(runs: Run[], first: number, count: number): Run[] {
  const out: Run[] = [];
  let at = first;
  for (const r of [...runs].sort((a, b) => a.logical - b.logical)) {
    if (r.logical > at) out.push({ logical: at, physical: 0, length: r.logical - at });
    out.push(r);
    at = r.logical + r.length;
  }
  if (at < first + count) out.push({ logical: at, physical: 0, length: first + count - at });
  return out;
}
