// The ext2/3/4 reader against filesystems made by mkfs.ext4 -d (and tweaked by debugfs or by
// hand), read through the budgeted block cache: layouts it must read, and corruptions it must
// refuse with a typed error — quickly, in a bounded number of reads.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BlockSource } from '../../../../domain/image/block-source';
import { crc32cRaw } from '../../../../domain/image/crc32c';
import { Ext4, MAX_FILE_BYTES, MAX_SYMLINKS } from '../../../../domain/image/ext4';
import { Ext4Error, Ext4ErrorCode } from '../../../../domain/image/ext4-errors';
import { INODE_FLAGS } from '../../../../domain/image/ext4-inode';
import {
  buildFs,
  firstDataBlock,
  ImageSpec,
  inodeOffset,
  openFile,
  tempDir,
  Tree,
} from '../../../support/image-fixtures';

let dir: string;
const opened: { close(): Promise<void> }[] = [];

beforeAll(() => {
  dir = tempDir('ext4-');
});
afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
  fs.rmSync(dir, { recursive: true, force: true });
});

let counter = 0;
function make(tree: Tree, spec: Omit<ImageSpec, 'tree'> = {}): string {
  return buildFs(dir, `fs${counter++}`, { tree, fsMiB: spec.fsMiB ?? 8, ...spec });
}

async function open(fsPath: string): Promise<{ fs: Ext4; src: BlockSource }> {
  const file = await openFile(fsPath);
  opened.push(file);
  const src = new BlockSource(file, { budget: { maxReads: 200, deadlineMs: 5000 } });
  return { fs: await Ext4.open(src), src };
}

async function code(p: Promise<unknown>): Promise<Ext4ErrorCode> {
  try {
    await p;
  } catch (e) {
    if (e instanceof Ext4Error) return e.code;
    throw e;
  }
  throw new Error('expected an Ext4Error');
}

/** A buffer whose bytes differ per position, to catch misplaced blocks. */
const pattern = (n: number, seed = 1) =>
  Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed * 7 + (i >> 12)) & 0xff));

const LONG_TARGET = `../${'long-directory-name/'.repeat(4)}target`;

describe('reading', () => {
  let fsx: Ext4;
  let src: BlockSource;
  const big = pattern(3 * 1024 * 1024);
  // 64 KiB of data, 64 KiB of zeros, repeated: mkfs -d leaves the zeros as holes, so the file
  // has more extents than fit in the inode and needs an extent tree of depth 1.
  const fragmented = Buffer.concat(
    Array.from({ length: 24 }, (_, i) => (i % 2 ? Buffer.alloc(65536) : pattern(65536, i))),
  );

  beforeAll(async () => {
    const p = make(
      {
        'etc/hostname': 'image\n',
        'etc/abs-link': { symlink: '/etc/hostname' },
        'etc/slow-link': { symlink: LONG_TARGET },
        'long-directory-name/long-directory-name/long-directory-name/long-directory-name/target': 'slow\n',
        'data/big.bin': big,
        'data/fragmented.bin': fragmented,
        'data/empty': '',
        bin: { symlink: 'usr/bin' },
        'usr/bin/tool': 'tool',
      },
      { fsMiB: 16 },
    );
    ({ fs: fsx, src } = await open(p));
  });

  it('reads the superblock', () => {
    expect(fsx.sb).toMatchObject({ blockSize: 4096, flavour: 'ext4', volumeName: 'rootfs', descSize: 64 });
    expect(fsx.sb.features).toEqual(expect.arrayContaining(['extent', '64bit', 'flex_bg', 'metadata_csum']));
  });

  it('reads files, directories and symlinks', async () => {
    expect(await fsx.readText('/etc/hostname')).toBe('image\n');
    expect(await fsx.readText('/etc/abs-link')).toBe('image\n');
    expect(await fsx.readlink('/etc/abs-link')).toBe('/etc/hostname');
    expect(await fsx.readText('/etc/slow-link')).toBe('slow\n');
    expect((await fsx.lstat('/etc/slow-link')).type).toBe('symlink');
    expect(await fsx.readText('/bin/tool')).toBe('tool');
    expect(await fsx.readText('/data/empty')).toBe('');
    expect((await fsx.readdir('/etc')).map((e) => e.name).sort()).toEqual(['abs-link', 'hostname', 'slow-link']);
    expect(await fsx.stat('/bin/tool')).toMatchObject({ type: 'file', size: 4, path: '/usr/bin/tool' });
    expect(await fsx.exists('/nope')).toBe(false);
  });

  it('resolves .. and absolute links inside the image, never above its root', async () => {
    expect(await fsx.readText('/../../etc/./hostname')).toBe('image\n');
    expect(await fsx.readText('/usr/bin/../../etc/hostname')).toBe('image\n');
  });

  it('reads ranges of files larger than the readFile cap', async () => {
    expect(big.length).toBeGreaterThan(MAX_FILE_BYTES);
    expect(await code(fsx.readFile('/data/big.bin'))).toBe('fileTooLarge');
    expect((await fsx.readRange('/data/big.bin', 0, 64)).equals(big.subarray(0, 64))).toBe(true);
    expect((await fsx.readRange('/data/big.bin', 2_000_000, 10_000)).equals(big.subarray(2_000_000, 2_010_000))).toBe(
      true,
    );
    expect((await fsx.readFile('/data/big.bin', 4 * 1024 * 1024)).equals(big)).toBe(true);
  });

  it('follows an extent tree of depth 1, with holes', async () => {
    const st = await fsx.stat('/data/fragmented.bin');
    const inode = await fsx.inode(st.ino);
    expect(inode.flags & INODE_FLAGS.extents).toBeTruthy();
    expect(inode.iBlock.readUInt16LE(6)).toBeGreaterThanOrEqual(1);
    expect((await fsx.readFile('/data/fragmented.bin', 2 * 1024 * 1024)).equals(fragmented)).toBe(true);
  });

  it('fails clearly on missing paths and wrong types', async () => {
    expect(await code(fsx.stat('/etc/missing'))).toBe('notFound');
    expect(await code(fsx.stat('/etc/hostname/x'))).toBe('notDirectory');
    expect(await code(fsx.readFile('/etc'))).toBe('notFile');
    expect(await code(fsx.readlink('/etc/hostname'))).toBe('badSymlink');
  });

  it('used few reads for all of that', () => {
    expect(src.stats.reads).toBeLessThan(120);
  });
});

describe('layouts', () => {
  it('ext2 with 1 KiB blocks: direct, indirect and double-indirect block maps', async () => {
    const data = pattern(400 * 1024);
    const { fs: fsx } = await open(make({ 'f.bin': data, 'etc/x': 'x' }, { mkfs: ['-t', 'ext2', '-b', '1024'] }));
    expect(fsx.sb.flavour).toBe('ext2');
    expect(fsx.sb.blockSize).toBe(1024);
    expect((await fsx.readFile('/f.bin')).equals(data)).toBe(true);
    expect(await fsx.readText('/etc/x')).toBe('x');
  });

  it('ext3', async () => {
    const { fs: fsx } = await open(make({ 'etc/x': 'x' }, { mkfs: ['-t', 'ext3'] }));
    expect(fsx.sb.flavour).toBe('ext3');
    expect(await fsx.readText('/etc/x')).toBe('x');
  });

  it('32-byte group descriptors (no 64bit) and inodes in later groups', async () => {
    const tree: Tree = {};
    for (let i = 0; i < 60; i++) tree[`d/f${i}`] = `file ${i}\n`;
    const { fs: fsx } = await open(make(tree, { fsMiB: 16, mkfs: ['-b', '1024', '-O', '^64bit', '-N', '128'] }));
    expect(fsx.sb.descSize).toBe(32);
    expect(fsx.sb.groupCount).toBeGreaterThan(1);
    const last = await fsx.stat('/d/f59');
    expect(last.ino).toBeGreaterThan(fsx.sb.inodesPerGroup);
    for (let i = 0; i < 60; i++) expect(await fsx.readText(`/d/f${i}`)).toBe(`file ${i}\n`);
  });

  it('meta_bg descriptors beyond the first meta group', async () => {
    const tree: Tree = {};
    for (let i = 0; i < 300; i++) tree[`d${i % 10}/f${i}`] = `file ${i}\n`;
    const { fs: fsx } = await open(
      make(tree, { fsMiB: 32, mkfs: ['-b', '1024', '-g', '1024', '-N', '512', '-O', 'meta_bg,^resize_inode'] }),
    );
    expect(fsx.sb.features).toContain('meta_bg');
    const perMetaGroup = fsx.sb.blockSize / fsx.sb.descSize;
    const ino = (await fsx.stat('/d9/f299')).ino;
    expect(Math.floor((ino - 1) / fsx.sb.inodesPerGroup)).toBeGreaterThanOrEqual(perMetaGroup);
    for (let i = 0; i < 300; i += 37) expect(await fsx.readText(`/d${i % 10}/f${i}`)).toBe(`file ${i}\n`);
  });

  it('inline data', async () => {
    const { fs: fsx } = await open(make({ 'etc/x': 'tiny file' }, { mkfs: ['-O', 'inline_data'] }));
    const inode = await fsx.inode((await fsx.stat('/etc/x')).ino);
    expect(inode.flags & INODE_FLAGS.inlineData).toBeTruthy();
    expect(await fsx.readText('/etc/x')).toBe('tiny file');
  });

  it('hashed (htree) directories read linearly', async () => {
    const tree: Tree = {};
    for (let i = 0; i < 400; i++) tree[`many/a-fairly-long-file-name-to-fill-blocks-${i}`] = String(i);
    const p = make(tree);
    // e2fsck -D builds the hash index mkfs -d leaves out.
    try {
      execFileSync('e2fsck', ['-fyD', p], { stdio: 'ignore' });
    } catch (e) {
      if ((e as { status?: number }).status !== 1) throw e; // 1 = "errors corrected" (the optimisation)
    }
    const { fs: fsx } = await open(p);
    const d = await fsx.inode((await fsx.stat('/many')).ino);
    expect(d.flags & INODE_FLAGS.index).toBeTruthy();
    const names = (await fsx.readdir('/many')).map((e) => e.name);
    expect(names).toHaveLength(400);
    expect(await fsx.readText('/many/a-fairly-long-file-name-to-fill-blocks-399')).toBe('399');
  });
});

/** Rewrites the superblock checksum after an edit, so validation (not the checksum) is what fails. */
function resum(img: Buffer): void {
  img.writeUInt32LE(crc32cRaw(img.subarray(1024, 1024 + 0x3fc)), 1024 + 0x3fc);
}

describe('corrupt and hostile filesystems', () => {
  const base: Tree = { 'etc/hostname': 'image\n', 'home/alice/.profile': 'x', 'etc/target': 't' };
  const hostile = async (spec: Omit<ImageSpec, 'tree'>, tree: Tree = base) => {
    const started = Date.now();
    const { fs: fsx, src } = await open(make(tree, spec)).catch((e) => {
      throw e;
    });
    return { fsx, src, started };
  };
  const openFails = async (spec: Omit<ImageSpec, 'tree'>): Promise<Ext4Error> => {
    const file = await openFile(make(base, spec));
    opened.push(file);
    const src = new BlockSource(file, { budget: { maxReads: 50 } });
    try {
      await Ext4.open(src);
    } catch (e) {
      expect(src.stats.reads).toBeLessThanOrEqual(3);
      return e as Ext4Error;
    }
    throw new Error('Ext4.open accepted a corrupt filesystem');
  };

  it.each<[string, (img: Buffer) => void, RegExp]>([
    ['bad magic', (img) => img.writeUInt16LE(0x1234, 1024 + 0x38), /magic 0x1234/],
    ['a flipped byte (checksum)', (img) => (img[1024 + 0x10] ^= 0xff), /checksum/],
    ['block size 2^17 KiB', (img) => (img.writeUInt32LE(17, 1024 + 0x18), resum(img)), /block size/],
    [
      'more blocks than the partition',
      (img) => (img.writeUInt32LE(0x7fffffff, 1024 + 0x04), resum(img)),
      /more than the \d+-byte partition/,
    ],
    ['zero inodes per group', (img) => (img.writeUInt32LE(0, 1024 + 0x28), resum(img)), /0 inodes per group/],
    ['inode size 100', (img) => (img.writeUInt16LE(100, 1024 + 0x58), resum(img)), /inode size 100/],
    ['descriptor size 48', (img) => (img.writeUInt16LE(48, 1024 + 0xfe), resum(img)), /group descriptor size 48/],
    [
      'inode count not matching the groups',
      (img) => (img.writeUInt32LE(img.readUInt32LE(1024) + 1, 1024), resum(img)),
      /inodes, but/,
    ],
  ])('superblock: %s', async (_, patch, message) => {
    const e = await openFails({ patchFs: patch });
    expect(e.code).toBe('badSuperblock');
    expect(e.message).toMatch(message);
  });

  it('unknown incompatible features are refused', async () => {
    const e = await openFails({
      patchFs: (img) => (img.writeUInt32LE(img.readUInt32LE(1024 + 0x60) | 0x40000000, 1024 + 0x60), resum(img)),
    });
    expect(e.code).toBe('unsupported');
  });

  it('a group descriptor pointing outside the filesystem', async () => {
    const e = await openFails({ patchFs: (img) => img.writeUInt32LE(0xfffffff0, 4096 + 0x08) });
    expect(e.code).toBe('badGroupDescriptor');
  });

  it('an inode loop: an extent tree whose node points back to itself', async () => {
    const { fsx, src } = await hostile({
      patchFs: (img, p) => {
        const ino = inodeOffset(p, '/etc/hostname');
        const node = firstDataBlock(p, '/etc/hostname');
        const header = (b: Buffer, at: number, max: number, depth: number) => {
          b.writeUInt16LE(0xf30a, at);
          b.writeUInt16LE(1, at + 2);
          b.writeUInt16LE(max, at + 4);
          b.writeUInt16LE(depth, at + 6);
          b.writeUInt32LE(0, at + 12); // ei_block
          b.writeUInt32LE(node, at + 16); // ei_leaf_lo
          b.writeUInt16LE(0, at + 20);
        };
        header(img, ino + 0x28, 4, 2);
        header(img, node * 4096, 340, 1);
      },
    });
    const err = await fsx.readFile('/etc/hostname').catch((e: Ext4Error) => e);
    expect(err).toMatchObject({ code: 'extentLoop', message: expect.stringMatching(/reached twice \(a loop\)/) });
    expect(src.stats.reads).toBeLessThan(20);
  });

  it('an extent pointing outside the filesystem', async () => {
    const { fsx } = await hostile({
      patchFs: (img, p) => img.writeUInt32LE(0x7ffffff0, inodeOffset(p, '/etc/hostname') + 0x28 + 12 + 8),
    });
    expect(await code(fsx.readFile('/etc/hostname'))).toBe('badExtentTree');
  });

  it('a directory loop: /home/loop is the root directory again', async () => {
    const { fsx, src } = await hostile({ debugfs: ['ln / /home/loop'] });
    const seen: string[] = [];
    const err = await fsx.walk('/', (e) => void seen.push(e.path)).catch((e: Ext4Error) => e);
    expect(err).toMatchObject({ code: 'directoryLoop', message: expect.stringContaining('/home/loop is inode 2') });
    expect(seen.length).toBeLessThan(20);
    // Plain lookups through the loop are finite and still work.
    expect(await fsx.readText('/home/loop/home/loop/etc/hostname')).toBe('image\n');
    expect(src.stats.reads).toBeLessThan(30);
  });

  it.each<[string, Tree]>([
    ['a link to itself', { 'etc/a': { symlink: 'a' } }],
    ['two links to each other', { 'etc/a': { symlink: 'b' }, 'etc/b': { symlink: '/etc/a' } }],
    ['a directory link looping through ..', { 'etc/a': { symlink: '../etc/a/x' } }],
    [
      `a chain longer than ${MAX_SYMLINKS}`,
      Object.fromEntries(
        Array.from({ length: 45 }, (_, i) => [`etc/l${i}`, { symlink: i === 44 ? 'target' : `l${i + 1}` }]),
      ),
    ],
  ])('symlink loop: %s', async (_, tree) => {
    const { fsx, src } = await hostile({}, { ...base, ...tree });
    const e = await fsx.readFile(tree['etc/a'] ? '/etc/a' : '/etc/l0').catch((x: Ext4Error) => x);
    expect(e).toMatchObject({
      code: 'symlinkLoop',
      message: expect.stringMatching(/Too many levels of symbolic links/),
    });
    expect(src.stats.reads).toBeLessThan(30);
  });

  it(`a chain of exactly ${MAX_SYMLINKS} links resolves`, async () => {
    const tree: Tree = Object.fromEntries(
      Array.from({ length: MAX_SYMLINKS }, (_, i) => [
        `etc/l${i}`,
        { symlink: i === MAX_SYMLINKS - 1 ? 'target' : `l${i + 1}` },
      ]),
    );
    const { fsx } = await hostile({}, { ...base, ...tree });
    expect(await fsx.readText('/etc/l0')).toBe('t');
  });

  it('absurd file and directory sizes', async () => {
    const { fsx, src } = await hostile({
      debugfs: ['sif /etc/hostname size 0x10000000000', 'sif /home size 0xffffffffff'],
    });
    expect((await fsx.stat('/etc/hostname')).size).toBe(2 ** 40);
    const e = await fsx.readFile('/etc/hostname').catch((x: Ext4Error) => x);
    expect(e).toMatchObject({
      code: 'fileTooLarge',
      message: expect.stringMatching(/1099511627776 bytes, more than the 1048576-byte limit/),
    });
    expect(await code(fsx.readdir('/home'))).toBe('badDirectory');
    expect(src.stats.bytes).toBeLessThan(2 * 1024 * 1024);
  });

  it('directory blocks: a zero rec_len, an inode beyond the table, a deleted inode', async () => {
    const zeroRecLen = await hostile({
      patchFs: (img, p) => img.writeUInt16LE(0, firstDataBlock(p, '/etc') * 4096 + 4),
    });
    expect(await code(zeroRecLen.fsx.readdir('/etc'))).toBe('badDirectory');

    const farInode = await hostile({
      patchFs: (img, p) => img.writeUInt32LE(0x7fffffff, firstDataBlock(p, '/etc') * 4096 + 24),
    });
    const e = await farInode.fsx.readdir('/etc').catch((x: Ext4Error) => x);
    expect(e).toMatchObject({ code: 'badDirectory', message: expect.stringMatching(/inode 2147483647, beyond/) });

    const deleted = await hostile({ debugfs: ['clri /etc/hostname'] });
    expect(await code(deleted.fsx.readFile('/etc/hostname'))).toBe('badInode');
  });

  it('the root inode not being a directory', async () => {
    const e = await openFails({ patchFs: (img, p) => img.writeUInt16LE(0o100644, inodeOffset(p, '<2>')) });
    expect(e.code).toBe('badInode');
  });
});

it('fixture check: debugfs sees what the reader sees', async () => {
  const p = make({ 'etc/hostname': 'image\n' });
  expect(
    execFileSync('debugfs', ['-R', 'cat /etc/hostname', p], { stdio: ['ignore', 'pipe', 'ignore'] }).toString(),
  ).toBe('image\n');
  expect(path.basename(p)).toMatch(/\.ext4$/);
});
