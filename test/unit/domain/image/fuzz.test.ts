// Property-based: mutate the bytes of a valid image's ext4 structures (superblock, group
// descriptors, inode table, directory blocks) and certify it. Whatever the bytes, certification
// must end with a verdict — no throw, no hang — within the read budget and the deadline.
import fc from 'fast-check';
import fs from 'node:fs';
import { certifyDisk, verdictOf } from '../../../../domain/image/certify';
import { buildImage, firstDataBlock, GiB, inodeOffset, sparseSource, tempDir } from '../../../support/image-fixtures';
import { buildFixedVhdFooter } from '../../../../domain/image/vhd-footer';
import type { ByteSource } from '../../../../domain/image/byte-source';

const NOW = new Date('2025-03-01T12:00:00Z');
const BUDGET = { maxReads: 300, deadlineMs: 5000 };
const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
const RESULTS = new Set(['pass', 'fail', 'warning', 'manualReview']);

interface Subject {
  name: string;
  fsImage: Buffer;
  disk: ByteSource;
  regions: Record<string, [number, number]>;
}

let dir: string;
const subjects: Subject[] = [];

/** A 30 GiB disk in memory: the MBR, the filesystem at 1 MiB (mutated in place), the footer. */
function subject(name: string, mkfs: string[], blockSize: number): Subject {
  const img = buildImage(dir, name, { mkfs, fsMiB: 8 });
  const fsImage = fs.readFileSync(img.fsPath);
  const size = 30 * GiB;
  const head = Buffer.alloc(512);
  const fd = fs.openSync(img.path, 'r');
  fs.readSync(fd, head, 0, 512, 0);
  fs.closeSync(fd);
  const disk = sparseSource(size + 512, [
    { offset: 0, data: head },
    { offset: img.fsOffset, data: fsImage },
    { offset: size, data: buildFixedVhdFooter(BigInt(size)) },
  ]);
  const itable = inodeOffset(img.fsPath, '<1>');
  const block = (p: string): [number, number] => {
    const b = firstDataBlock(img.fsPath, p);
    return [b * blockSize, (b + 1) * blockSize];
  };
  const gdt = blockSize === 1024 ? 2048 : 4096;
  return {
    name,
    fsImage,
    disk,
    regions: {
      superblock: [1024, 2048],
      'group descriptors': [gdt, gdt + 256],
      'inode table': [itable, itable + 64 * 256],
      'root directory': block('/'),
      '/etc directory': block('/etc'),
      '/home directory': block('/home'),
    },
  };
}

beforeAll(() => {
  dir = tempDir('fuzz-');
  // Without metadata_csum, so mutations reach the validation and the reader instead of stopping
  // at the superblock checksum; the second image uses classic block maps and 1 KiB blocks.
  subjects.push(subject('ext4', ['-O', '^metadata_csum'], 4096));
  subjects.push(subject('ext2', ['-t', 'ext2', '-b', '1024'], 1024));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const byteValue = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0, 1, 0x7f, 0x80, 0xff));
const wordValue = fc.oneof(fc.nat(), fc.constantFrom(0, 1, 2, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff));
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('byte' as const), at: fc.nat(), value: byteValue }),
  fc.record({ kind: fc.constant('word' as const), at: fc.nat(), value: wordValue }),
);

async function certifyMutated(
  s: Subject,
  [start, end]: [number, number],
  muts: { kind: 'byte' | 'word'; at: number; value: number }[],
) {
  const saved = Buffer.from(s.fsImage.subarray(start, end));
  try {
    for (const m of muts) {
      if (m.kind === 'byte') s.fsImage[start + (m.at % (end - start))] = m.value;
      else s.fsImage.writeUInt32LE(m.value >>> 0, start + (m.at % ((end - start) / 4)) * 4);
    }
    const t0 = Date.now();
    const report = await certifyDisk(s.disk, { role: 'os', now: NOW, budget: BUDGET });
    return { report, ms: Date.now() - t0 };
  } finally {
    saved.copy(s.fsImage, start);
  }
}

it('the unmutated images pass', async () => {
  for (const s of subjects) {
    const report = await certifyDisk(s.disk, { role: 'os', now: NOW, budget: BUDGET });
    expect(report.rows.filter((r) => r.result !== 'pass')).toEqual([]);
  }
});

describe.each(['ext4', 'ext2'])('%s', (name) => {
  it.each(['superblock', 'group descriptors', 'inode table', 'root directory', '/etc directory', '/home directory'])(
    'mutated %s: a verdict within budget',
    async (region) => {
      const s = subjects.find((x) => x.name === name)!;
      await fc.assert(
        fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 8 }), async (muts) => {
          const { report, ms } = await certifyMutated(s, s.regions[region], muts);
          expect(report.rows.length).toBeGreaterThan(5);
          for (const r of report.rows) {
            expect(RESULTS.has(r.result)).toBe(true);
            expect(typeof r.actual).toBe('string');
            if (r.result === 'fail') expect(r.fix).toBeTruthy();
          }
          expect(['pass', 'fail']).toContain(verdictOf(report.rows));
          // The container and the partition table were not touched.
          expect(
            report.rows
              .filter((r) => r.id.startsWith('vhd.') || r.id.startsWith('partition.'))
              .every((r) => r.result === 'pass'),
          ).toBe(true);
          expect(report.stats.reads).toBeLessThanOrEqual(BUDGET.maxReads);
          expect(ms).toBeLessThan(BUDGET.deadlineMs + 500);
        }),
        { numRuns: RUNS },
      );
    },
  );
});
