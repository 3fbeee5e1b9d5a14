// Property-based, like fuzz.test.ts for ext4: mutate the bytes of a Generation 2 disk's GPT
// (primary header, entries, backup) and of its FAT EFI system partition (boot sector, FAT, root
// directory), and feed arbitrary and re-chunked bytes to the cpio/initramfs and dpkg readers.
// Whatever the bytes: a verdict (or a reader's result), no throw, no hang, within the budget.
import fc from 'fast-check';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { certifyDisk, verdictOf } from '../../../../domain/image/certify';
import { DpkgStatusReader } from '../../../../domain/image/dpkg';
import { scanInitramfs } from '../../../../domain/image/initramfs';
import { fillerFiles, hvModules, initramfs, uefiImage } from '../../../support/boot-fixtures';
import {
  buildImage,
  DEFAULT_PACKAGES,
  dpkgStatus,
  KERNEL,
  sparseSource,
  tempDir,
} from '../../../support/image-fixtures';

const NOW = new Date('2025-03-01T12:00:00Z');
const BUDGET = { maxReads: 300, deadlineMs: 5000 };
const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
const RESULTS = new Set(['pass', 'fail', 'warning', 'manualReview']);

let dir: string;
/** The disk's written bytes: [0, end of the root partition), and the last 33 sectors + footer. */
let head: Buffer;
let tail: Buffer;
let size: number;
let regions: Record<string, [number, number]>;

beforeAll(() => {
  dir = tempDir('fuzz-boot-');
  const img = buildImage(dir, 'gen2', uefiImage({ fatBits: 16 }));
  size = img.size;
  const fd = fs.openSync(img.path, 'r');
  head = Buffer.alloc((2048 + 16 * 2048 + 16 * 2048) * 512);
  fs.readSync(fd, head, 0, head.length, 0);
  tail = Buffer.alloc(34 * 512);
  fs.readSync(fd, tail, 0, tail.length, size - tail.length);
  fs.closeSync(fd);
  const esp = 2048 * 512;
  const fat = esp + head.readUInt16LE(esp + 0x0e) * 512;
  const root = fat + head[esp + 0x10] * head.readUInt16LE(esp + 0x16) * 512;
  regions = {
    'GPT header': [512, 1024],
    'GPT entries': [1024, 1024 + 4 * 128],
    'backup GPT header': [size - tail.length, size - 512],
    'FAT boot sector': [esp, esp + 512],
    FAT: [fat, fat + 1024],
    'ESP root directory': [root, root + 16 * 32],
  };
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const byteValue = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0, 1, 0x7f, 0x80, 0xff));
const wordValue = fc.oneof(fc.nat(), fc.constantFrom(0, 1, 2, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff));
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('byte' as const), at: fc.nat(), value: byteValue }),
  fc.record({ kind: fc.constant('word' as const), at: fc.nat(), value: wordValue }),
);

function mutated([start, end]: [number, number], muts: { kind: 'byte' | 'word'; at: number; value: number }[]) {
  const inTail = start >= size - tail.length;
  const base = inTail ? tail : head;
  const offset = inTail ? size - tail.length : 0;
  const region = Buffer.from(base.subarray(start - offset, end - offset));
  for (const m of muts) {
    if (m.kind === 'byte') region[m.at % region.length] = m.value;
    else region.writeUInt32LE(m.value >>> 0, (m.at % (region.length / 4)) * 4);
  }
  // Later pieces win: the mutated region over the image.
  return sparseSource(size, [
    { offset: 0, data: head },
    { offset: size - tail.length, data: tail },
    { offset: start, data: region },
  ]);
}

it('the unmutated disk passes as x64 Generation 2', async () => {
  const report = await certifyDisk(mutated(regions['GPT header'], []), {
    role: 'os',
    now: NOW,
    imageTypes: ['x64Gen2'],
  });
  expect(report.rows.filter((r) => r.result !== 'pass')).toEqual([]);
});

it.each(['GPT header', 'GPT entries', 'backup GPT header', 'FAT boot sector', 'FAT', 'ESP root directory'])(
  'mutated %s: a verdict within budget',
  async (region) => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 8 }), async (muts) => {
        const t0 = Date.now();
        const report = await certifyDisk(mutated(regions[region], muts), {
          role: 'os',
          now: NOW,
          budget: BUDGET,
          imageTypes: ['x64Gen2'],
        });
        for (const r of report.rows) {
          expect(RESULTS.has(r.result)).toBe(true);
          expect(typeof r.actual).toBe('string');
          if (r.result === 'fail') expect(r.fix).toBeTruthy();
        }
        expect(['pass', 'fail']).toContain(verdictOf(report.rows));
        expect(report.rows.some((r) => r.id === 'image.readable')).toBe(false);
        expect(report.stats.reads).toBeLessThanOrEqual(BUDGET.maxReads);
        expect(Date.now() - t0).toBeLessThan(BUDGET.deadlineMs + 500);
      }),
      { numRuns: RUNS },
    );
  },
);

async function* split(b: Buffer, cuts: number[]) {
  let at = 0;
  for (const c of [...cuts.map((x) => x % (b.length + 1))].sort((x, y) => x - y)) {
    yield b.subarray(at, Math.max(at, c));
    at = Math.max(at, c);
  }
  yield b.subarray(at);
}

describe('initramfs', () => {
  const good = initramfs({
    early: [{ name: 'early/ucode', data: 'u' }],
    main: [...fillerFiles(30), ...hvModules(KERNEL)],
  });
  const names = async (b: Buffer, cuts: number[]) => {
    const seen: string[] = [];
    const scan = await scanInitramfs(split(b, cuts), (e) => void seen.push(e.name), {
      maxOutput: 4 * 2 ** 20,
      maxEntries: 500,
    });
    return { seen, scan };
  };

  it('reads the same names however the input is cut into chunks', async () => {
    const whole = await names(good, []);
    expect(whole.scan).toMatchObject({ complete: true, layers: ['cpio', 'gzip'] });
    expect(whole.seen).toHaveLength(34);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { maxLength: 12 }), async (cuts) => {
        expect((await names(good, cuts)).seen).toEqual(whole.seen);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('mutated or arbitrary bytes: a result, never a throw', async () => {
    const plain = Buffer.concat([
      initramfs({ main: fillerFiles(5), compression: 'none' }),
      zlib.gzipSync(Buffer.alloc(10)),
    ]);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(good, plain),
        fc.array(fc.record({ at: fc.nat(), value: byteValue }), { maxLength: 10 }),
        fc.uint8Array({ maxLength: 300 }),
        fc.array(fc.nat(), { maxLength: 5 }),
        async (base, muts, junk, cuts) => {
          const b = Buffer.concat([base, Buffer.from(junk)]);
          for (const m of muts) b[m.at % b.length] = m.value;
          const { scan } = await names(b, cuts);
          expect(scan.complete || scan.error !== undefined || scan.unsupported !== undefined).toBe(true);
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });
});

describe('dpkg status', () => {
  const status = dpkgStatus(DEFAULT_PACKAGES);
  const read = (text: string, cuts: number[]) => {
    const r = new DpkgStatusReader(() => true);
    let at = 0;
    for (const c of [...cuts.map((x) => x % (text.length + 1))].sort((x, y) => x - y)) {
      r.push(text.slice(at, Math.max(at, c)));
      at = Math.max(at, c);
    }
    r.push(text.slice(at));
    return [...r.end().values()];
  };

  it('the same packages however the file is cut into chunks', () => {
    const whole = read(status, []);
    expect(whole.map((p) => p.name)).toEqual(Object.keys(DEFAULT_PACKAGES));
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 12 }), (cuts) => expect(read(status, cuts)).toEqual(whole)),
      {
        numRuns: RUNS * 2,
      },
    );
  });

  it('arbitrary text never throws and never invents an installed package', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), fc.array(fc.nat(), { maxLength: 5 }), (text, cuts) => {
        for (const p of read(text, cuts)) {
          expect(text).toContain(`Package: ${p.name}`);
          expect(text).toMatch(/installed/);
        }
      }),
      { numRuns: RUNS * 5 },
    );
  });
});
