// Broken and hostile disk images through the whole certification: each must end in a failing
// row that says what is wrong — never a throw, a crash or a hang — within a bounded number of
// reads and bounded time.
import fs from 'node:fs';
import path from 'node:path';
import { ByteSource } from '../../../../domain/image/byte-source';
import { certifyDisk, CertifyOptions, CheckRow, DiskReport } from '../../../../domain/image/certify';
import { buildFixedVhdFooter } from '../../../../domain/image/vhd-footer';
import {
  buildImage,
  compliantTree,
  firstDataBlock,
  GiB,
  ImageSpec,
  inodeOffset,
  mbr,
  openFile,
  tempDir,
} from '../../../support/image-fixtures';

const NOW = new Date('2025-03-01T12:00:00Z');
const MAX_READS = 40;
const MAX_MS = 2000;
let dir: string;
let n = 0;

beforeAll(() => {
  dir = tempDir('hostile-');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function certifyFile(file: string, opts: Partial<CertifyOptions> = {}): Promise<DiskReport> {
  const src = await openFile(file);
  try {
    return await certifyDisk(src, { role: 'os', now: NOW, ...opts });
  } finally {
    await src.close();
  }
}

async function certifyImage(spec: ImageSpec, opts: Partial<CertifyOptions> = {}): Promise<DiskReport> {
  return certifyFile(buildImage(dir, `h${n++}`, spec).path, opts);
}

function expectFailure(report: DiskReport, id: string, message: RegExp): CheckRow {
  const row = report.rows.find((r) => r.id === id && r.result === 'fail');
  if (!row)
    throw new Error(
      `no failing ${id} row in ${JSON.stringify(
        report.rows.filter((r) => r.result !== 'pass'),
        null,
        1,
      )}`,
    );
  expect(row.actual).toMatch(message);
  expect(row.fix).toBeTruthy();
  expect(report.stats.reads).toBeLessThanOrEqual(MAX_READS);
  expect(report.stats.ms).toBeLessThan(MAX_MS);
  return row;
}

describe('the VHD container', () => {
  it('a truncated upload', async () => {
    expectFailure(await certifyImage({ truncateTo: 20 * 2 ** 20 }), 'vhd.cookie', /^"/);
  });

  it('a wrong cookie', async () => {
    expectFailure(
      await certifyImage({ patchFooter: (f) => f.write('cxsparse', 0, 'latin1') }),
      'vhd.cookie',
      /"cxsparse"/,
    );
  });

  it('a bad checksum (the rest is still checked)', async () => {
    const r = await certifyImage({ patchFooter: (f) => (f[100] ^= 1) });
    expectFailure(r, 'vhd.checksum', /^0x/);
    expect(r.rows.find((x) => x.id === 'linux.distro')?.result).toBe('pass');
  });

  it('a footer claiming 1 TiB on a 1 MiB file, with a partition to match', async () => {
    const file = path.join(dir, 'tiny.vhd');
    const body = Buffer.alloc(2 ** 20);
    mbr([{ type: 0x83, start: 2048, sectors: 2 ** 31 }]).copy(body);
    fs.writeFileSync(file, Buffer.concat([body, buildFixedVhdFooter(2n ** 40n)]));
    const r = await certifyFile(file);
    expectFailure(r, 'vhd.length', /1049088 bytes/);
    expectFailure(r, 'partition.bounds', /ends beyond the end of the disk \(2048 sectors\)/);
    expectFailure(r, 'linux.rootFs', /no recognised filesystem/);
    expect(r.stats.bytes).toBeLessThan(2 ** 21);
  });

  it('a file smaller than a footer', async () => {
    const file = path.join(dir, 'crumb.vhd');
    fs.writeFileSync(file, 'not a disk');
    expectFailure(await certifyFile(file), 'vhd.length', /10 bytes/);
  });
});

describe('the partition table', () => {
  const table = (entries: Parameters<typeof mbr>[0]) => ({
    partitions: [],
    fsAt: 2048 * 512,
    raw: [{ offset: 0, data: mbr(entries) }],
  });

  it('entries out of range', async () => {
    expectFailure(
      await certifyImage(
        table([
          { type: 0x83, start: 2048, sectors: 32768 },
          { type: 0x83, start: 0xfff00000, sectors: 0x1000 },
        ]),
      ),
      'partition.bounds',
      /partition 2 .* ends beyond the end of the disk/,
    );
  });

  it('overlapping entries', async () => {
    expectFailure(
      await certifyImage(
        table([
          { type: 0x83, start: 2048, sectors: 32768 },
          { type: 0x82, start: 4096, sectors: 1000 },
        ]),
      ),
      'partition.bounds',
      /overlaps partition 1/,
    );
  });
});

describe('the root filesystem', () => {
  it('a corrupt superblock', async () => {
    expectFailure(
      await certifyImage({ patchFs: (img) => img.writeUInt32LE(30, 1024 + 0x18) }),
      'linux.rootFs',
      /Corrupt ext2\/3\/4 superblock: checksum/,
    );
  });

  it('an inode loop: /etc/waagent.conf has an extent tree that points back at itself', async () => {
    const loop = (img: Buffer, p: string) => {
      const ino = inodeOffset(p, '/etc/waagent.conf');
      const node = firstDataBlock(p, '/etc/waagent.conf');
      for (const [at, max, depth] of [
        [ino + 0x28, 4, 2],
        [node * 4096, 340, 1],
      ]) {
        img.writeUInt16LE(0xf30a, at);
        img.writeUInt16LE(1, at + 2);
        img.writeUInt16LE(max, at + 4);
        img.writeUInt16LE(depth, at + 6);
        img.writeUInt32LE(0, at + 12);
        img.writeUInt32LE(node, at + 16);
        img.writeUInt16LE(0, at + 20);
      }
    };
    const r = await certifyImage({ patchFs: loop });
    expectFailure(
      r,
      'linux.waagentConf',
      /could not be checked: Corrupt extent tree in inode \d+: block \d+ is reached twice \(a loop\)/,
    );
  });

  it('a directory loop: /home/loop is / again', async () => {
    expectFailure(
      await certifyImage({ debugfs: ['ln / /home/loop'] }),
      'linux.bashHistory',
      /Directory loop: \/home\/loop is inode 2/,
    );
  });

  it('symlink loops: /etc/waagent.conf → itself, /bin → /bin', async () => {
    const tree = { ...compliantTree(), 'etc/waagent.conf': { symlink: 'waagent.conf' }, bin: { symlink: '/bin' } };
    const r = await certifyImage({ tree });
    expectFailure(r, 'linux.waagentConf', /Too many levels of symbolic links resolving \/etc\/waagent\.conf/);
    // /bin/sh loops, so the check falls back to /usr/bin/bash.
    expect(r.rows.find((x) => x.id === 'linux.arch64')?.actual).toMatch(/^\/usr\/bin\/bash: ELF 64-bit/);
  });

  it('absurd sizes: a 1 TiB waagent.conf, a 1 TiB /etc/ssh directory', async () => {
    const r = await certifyImage({
      debugfs: ['sif /etc/waagent.conf size 0x10000000000', 'sif /etc/ssh size 0x10000000000'],
    });
    expectFailure(
      r,
      'linux.waagentConf',
      /\/etc\/waagent\.conf claims 1099511627776 bytes, more than the 1048576-byte limit/,
    );
    expectFailure(r, 'linux.sshClientAlive', /Directory \/etc\/ssh claims 1099511627776 bytes/);
    expect(r.stats.bytes).toBeLessThan(2 * 2 ** 20);
  });

  it('an /etc/shadow of 1 MiB + 1 byte is refused, not read', async () => {
    const r = await certifyImage({
      tree: { ...compliantTree(), 'etc/shadow': 'root:*:1::\n'.padEnd(2 ** 20 + 1, '#') },
    });
    expectFailure(r, 'linux.rootPasswordLocked', /claims 1048577 bytes/);
  });
});

describe('the source and the budget', () => {
  let good: string;
  beforeAll(() => {
    good = buildImage(dir, 'good').path;
  });

  it('a read budget too small for the image ends in a budget row, keeping the rows so far', async () => {
    const r = await certifyFile(good, { budget: { maxReads: 3 } });
    expectFailure(r, 'image.budget', /Gave up after 3 reads/);
    expect(r.rows.find((x) => x.id === 'vhd.cookie')?.result).toBe('pass');
    expect(r.stats.reads).toBe(3);
  });

  it('a source that stops answering ends at the deadline', async () => {
    const src = await openFile(good);
    let reads = 0;
    const stalling: ByteSource = {
      size: src.size,
      read: (o, l) => (++reads > 2 ? new Promise(() => undefined) : src.read(o, l)),
    };
    const t0 = Date.now();
    const r = await certifyDisk(stalling, { role: 'os', now: NOW, budget: { deadlineMs: 300 } });
    await src.close();
    expectFailure(r, 'image.budget', /Gave up after 300 ms/);
    expect(Date.now() - t0).toBeLessThan(1500);
  });

  it('a source that fails becomes an "image readable" row, or is rethrown when the caller says it is transient', async () => {
    const broken: ByteSource = { size: 31 * GiB, read: async () => Promise.reject(new Error('connection reset')) };
    expectFailure(await certifyDisk(broken, { role: 'os', now: NOW }), 'image.readable', /connection reset/);
    await expect(certifyDisk(broken, { role: 'os', now: NOW, isTransient: () => true })).rejects.toThrow(
      'connection reset',
    );
  });
});
