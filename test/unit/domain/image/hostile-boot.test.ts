// Hostile GPTs, EFI system partitions, initramfs images and package databases: each ends in a row
// that says what is wrong — never a throw, a hang or an unbounded read — like the ext4 cases in
// hostile-images.test.ts.
import fs from 'node:fs';
import zlib from 'node:zlib';
import { Readable } from 'node:stream';
import { crc32 } from '../../../../domain/image/crc32';
import { scanInitramfs } from '../../../../domain/image/initramfs';
import { cpioNewc, fillerFiles, hvModules, initramfs, uefiImage } from '../../../support/boot-fixtures';
import { certifyBuilt, rowOf } from '../../../support/certify-file';
import {
  buildImage,
  compliantTree,
  DEFAULT_PACKAGES,
  dpkgStatus,
  ImageSpec,
  KERNEL,
  kernelConfigText,
  tempDir,
} from '../../../support/image-fixtures';

const MAX_READS = 40;
let dir: string;
let n = 0;
let gen2: string;
let header: Buffer;
let entries: Buffer;

beforeAll(() => {
  dir = tempDir('hostile-boot-');
  gen2 = buildImage(dir, 'gen2', uefiImage({ fatBits: 16 })).path;
  const fd = fs.openSync(gen2, 'r');
  header = Buffer.alloc(512);
  entries = Buffer.alloc(16384);
  fs.readSync(fd, header, 0, 512, 512);
  fs.readSync(fd, entries, 0, 16384, 1024);
  fs.closeSync(fd);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const certify = async (spec: ImageSpec) => certifyBuilt(buildImage(dir, `h${n++}`, spec), { imageTypes: ['x64Gen2'] });

/** The Gen2 disk with its primary GPT header edited (and its CRC made valid again unless told not to). */
function withHeader(edit: (h: Buffer) => void, fixCrc = true): ImageSpec {
  const h = Buffer.from(header);
  edit(h);
  if (fixCrc) {
    h.writeUInt32LE(0, 16);
    h.writeUInt32LE(crc32(h.subarray(0, h.readUInt32LE(12))), 16);
  }
  return { ...uefiImage({ fatBits: 16 }), raw: [{ offset: 512, data: h }] };
}

function expectBounded(r: Awaited<ReturnType<typeof certifyBuilt>>) {
  expect(r.stats.reads).toBeLessThanOrEqual(MAX_READS);
  expect(r.stats.bytes).toBeLessThan(8 * 2 ** 20);
  expect(r.stats.ms).toBeLessThan(3000);
}

describe('the GPT', () => {
  it('a header claiming 4 billion entries is refused before anything is read', async () => {
    const r = await certify(withHeader((h) => h.writeUInt32LE(0xffffffff, 80)));
    expect(rowOf(r.rows, 'partition.bounds')).toMatchObject({
      result: 'fail',
      actual: expect.stringMatching(/declares 4294967295 entries of 128 bytes, more than 1048576 bytes/),
    });
    // The backup header still describes the disk, so the rest is checked from it.
    expect(rowOf(r.rows, 'linux.rootFs').result).toBe('pass');
    expectBounded(r);
  });

  it('a header with a wrong CRC32, and entries with a wrong CRC32', async () => {
    const bad = await certify(withHeader((h) => (h[60] ^= 1), false));
    expect(rowOf(bad.rows, 'partition.bounds').actual).toMatch(/primary GPT header at sector 1 fails its CRC32/);
    const e = Buffer.from(entries);
    e[56] ^= 1; // the first entry's name
    const badEntries = await certify({ ...uefiImage({ fatBits: 16 }), raw: [{ offset: 1024, data: e }] });
    expect(rowOf(badEntries.rows, 'partition.bounds').actual).toMatch(
      /^The partition entries of the primary GPT header fail their CRC32 \(stored 0x[0-9a-f]+, computed 0x[0-9a-f]+\)\.$/,
    );
    expectBounded(badEntries);
  });

  it('a backup header that is not at the end of the disk (grown without sgdisk -e)', async () => {
    const r = await certify(withHeader((h) => h.writeBigUInt64LE(BigInt(30 * 2048 * 1024 - 100), 32)));
    expect(rowOf(r.rows, 'partition.bounds').actual).toMatch(
      /puts its backup at sector 62914460, not at the disk's last sector/,
    );
  });

  it('entries pointing past the usable sectors, the entry array past the disk', async () => {
    const e = Buffer.from(entries);
    e.writeBigUInt64LE(2n ** 40n, 128 + 40); // partition 2 ends far beyond the disk
    const h = Buffer.from(header);
    h.writeUInt32LE(crc32(e), 88);
    h.writeUInt32LE(0, 16);
    h.writeUInt32LE(crc32(h.subarray(0, 92)), 16);
    const r = await certify({
      ...uefiImage({ fatBits: 16 }),
      raw: [
        { offset: 512, data: h },
        { offset: 1024, data: e },
      ],
    });
    expect(rowOf(r.rows, 'partition.bounds').actual).toMatch(
      /GPT partition 2 \(sectors \d+–1099511627776\) lies outside the usable sectors 2048–62914526/,
    );
    const far = await certify(withHeader((h2) => h2.writeBigUInt64LE(2n ** 50n, 72)));
    expect(rowOf(far.rows, 'partition.bounds').actual).toMatch(
      /partition entries at sector 1125899906842624 lie outside the disk/,
    );
    expectBounded(far);
  });
});

describe('the EFI system partition', () => {
  /** Where the FAT16 ESP's first FAT starts: its reserved sectors after the boot sector. */
  const fatOffset = () => {
    const boot = Buffer.alloc(512);
    const fd = fs.openSync(gen2, 'r');
    fs.readSync(fd, boot, 0, 512, 2048 * 512);
    fs.closeSync(fd);
    return 2048 * 512 + boot.readUInt16LE(0x0e) * 512;
  };

  it('a FAT whose chains all loop back to themselves', async () => {
    const fat = Buffer.alloc(2 * 4096);
    for (let c = 2; c < 4096; c++) fat.writeUInt16LE(c, c * 2);
    fat.writeUInt16LE(0xfff8, 0);
    fat.writeUInt16LE(0xffff, 2);
    const r = await certify({ ...uefiImage({ fatBits: 16 }), raw: [{ offset: fatOffset(), data: fat }] });
    expect(rowOf(r.rows, 'efi.esp')).toMatchObject({
      result: 'fail',
      actual: expect.stringMatching(/loops back to cluster/),
    });
    expectBounded(r);
  });

  it('a FAT pointing at clusters beyond the partition', async () => {
    const fat = Buffer.alloc(2 * 4096, 0xf0);
    const r = await certify({ ...uefiImage({ fatBits: 16 }), raw: [{ offset: fatOffset() + 4, data: fat }] });
    expect(rowOf(r.rows, 'efi.esp').actual).toMatch(/points at cluster 61680, outside 2–/);
  });

  it('a boot sector claiming more sectors than the partition holds', async () => {
    const boot = Buffer.alloc(512);
    const fd = fs.openSync(gen2, 'r');
    fs.readSync(fd, boot, 0, 512, 2048 * 512);
    fs.closeSync(fd);
    boot.writeUInt16LE(0, 0x13);
    boot.writeUInt32LE(0xffffffff, 0x20);
    const r = await certify({ ...uefiImage({ fatBits: 16 }), raw: [{ offset: 2048 * 512, data: boot }] });
    expect(rowOf(r.rows, 'efi.esp').actual).toMatch(/Corrupt FAT boot sector: it claims 2199023255040 bytes/);
  });
});

describe('the initramfs', () => {
  async function* chunks(b: Buffer, size = 4096) {
    for (let at = 0; at < b.length; at += size) yield b.subarray(at, at + size);
  }

  it('a compression bomb stops at the output limit', async () => {
    // One entry claiming a 1 GiB file of zeros: tiny compressed, endless uncompressed.
    const head = Buffer.from(cpioNewc([{ name: 'a', data: '' }]).subarray(0, 112));
    head.write('40000000', 6 + 6 * 8, 'latin1');
    const bomb = zlib.gzipSync(Buffer.concat([head, Buffer.alloc(64 * 2 ** 20)]));
    expect(bomb.length).toBeLessThan(2 ** 20);
    const t0 = Date.now();
    const scan = await scanInitramfs(chunks(bomb), () => false, { maxOutput: 16 * 2 ** 20, maxEntries: 1000 });
    expect(scan.error).toMatch(/more than 16 MiB uncompressed/);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('a cpio header with a name of 2^32 bytes, and more entries than allowed', async () => {
    const bad = Buffer.from(`070701${'0'.repeat(88)}FFFFFFFF${'0'.repeat(8)}`, 'latin1');
    expect((await scanInitramfs(chunks(bad), () => false)).error).toMatch(/a 4294967295-byte name/);
    const many = cpioNewc(fillerFiles(50));
    expect((await scanInitramfs(chunks(many), () => false, { maxOutput: 2 ** 20, maxEntries: 10 })).error).toMatch(
      /more than 10 entries/,
    );
  });

  it('garbage after the main archive and a truncated archive', async () => {
    const archive = cpioNewc(hvModules(KERNEL));
    const trailing = await scanInitramfs(
      chunks(zlib.gzipSync(Buffer.concat([archive, Buffer.from('junk junk')]))),
      () => false,
    );
    expect(trailing).toMatchObject({ complete: true, entries: 3, layers: ['gzip'] });
    const cut = await scanInitramfs(chunks(archive.subarray(0, archive.length - 200)), () => false);
    expect(cut.error).toMatch(/truncated/);
  });

  it('an initramfs claiming 1 TiB is not read, and says so', async () => {
    const tree = {
      ...compliantTree(),
      [`boot/config-${KERNEL}`]: kernelConfigText('m'),
      [`boot/initrd.img-${KERNEL}`]: initramfs({ main: hvModules(KERNEL) }),
    };
    const r = await certifyBuilt(
      buildImage(dir, `h${n++}`, { tree, debugfs: [`sif /boot/initrd.img-${KERNEL} size 0x10000000000`] }),
    );
    expect(rowOf(r.rows, 'linux.hyperv')).toMatchObject({
      result: 'manualReview',
      actual: expect.stringMatching(
        /is 1099511627776 bytes, more than the 50331648-byte limit for reading an initramfs; not read/,
      ),
    });
    expect(r.stats.bytes).toBeLessThan(2 * 2 ** 20);
  });

  it('a stream that fails mid-way is an error of the read, not a hang', async () => {
    async function* failing() {
      yield zlib.gzipSync(cpioNewc(fillerFiles(100))).subarray(0, 3000);
      throw new Error('storage went away');
    }
    await expect(scanInitramfs(failing(), () => false)).rejects.toThrow('storage went away');
    await expect(scanInitramfs(Readable.from([Buffer.alloc(0)]), () => false)).resolves.toMatchObject({
      error: 'empty: no cpio archive',
    });
  });
});

describe('the dpkg database', () => {
  it('a stanza that never ends fails the package rows with the reason, and nothing else breaks', async () => {
    const status = `${dpkgStatus(DEFAULT_PACKAGES)}\nPackage: huge\nDescription: ${'x'.repeat(2 * 2 ** 20)}\n`;
    const r = await certifyBuilt(
      buildImage(dir, `h${n++}`, { tree: { ...compliantTree(), 'var/lib/dpkg/status': status }, fsMiB: 24 }),
    );
    for (const id of ['linux.openssl', 'linux.python', 'linux.ghost'])
      expect(rowOf(r.rows, id)).toMatchObject({
        result: 'fail',
        actual: expect.stringMatching(/longer than 1048576 bytes/),
      });
    expect(rowOf(r.rows, 'linux.distro').result).toBe('pass');
    expect(r.stats.bytes).toBeLessThan(6 * 2 ** 20);
  });
});
