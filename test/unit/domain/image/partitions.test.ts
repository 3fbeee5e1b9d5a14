import fs from 'node:fs';
import { bufferSource, sliceSource } from '../../../../domain/image/byte-source';
import { firstPartition, readPartitionTable } from '../../../../domain/image/partitions';
import { buildImage, mbr, openFile, tempDir } from '../../../support/image-fixtures';

const SECTORS = 100_000;
const disk = (...sectors: { lba: number; data: Buffer }[]) => {
  const b = Buffer.alloc(SECTORS * 512);
  for (const s of sectors) s.data.copy(b, s.lba * 512);
  return bufferSource(b);
};

describe('readPartitionTable', () => {
  it('reads the four MBR entries', async () => {
    const t = await readPartitionTable(
      disk({
        lba: 0,
        data: mbr([
          { type: 0x83, start: 2048, sectors: 40_000, bootable: true },
          { type: 0x82, start: 42_048, sectors: 8000 },
        ]),
      }),
    );
    expect(t).toMatchObject({ scheme: 'mbr', signature: true, gptHeader: false, problems: [] });
    expect(t.partitions.map((p) => [p.number, p.typeName, p.bootable, p.startLba, p.sectors])).toEqual([
      [1, 'Linux', true, 2048, 40_000],
      [2, 'Linux swap', false, 42_048, 8000],
    ]);
    expect(firstPartition(t.partitions)?.startLba).toBe(2048);
  });

  it('reports no table without the 0x55AA signature', async () => {
    const t = await readPartitionTable(disk());
    expect(t).toMatchObject({ scheme: 'none', signature: false, partitions: [] });
  });

  it.each([
    ['beyond the end of the disk', [{ type: 0x83, start: 2048, sectors: SECTORS }], /ends beyond the end of the disk/],
    ['starting at sector 0', [{ type: 0x83, start: 0, sectors: 100 }], /starts at sector 0/],
    ['empty', [{ type: 0x83, start: 2048, sectors: 0 }], /has no sectors/],
    [
      'overlapping',
      [
        { type: 0x83, start: 2048, sectors: 10_000 },
        { type: 0x83, start: 4096, sectors: 100 },
      ],
      /partition 2 .* overlaps partition 1/,
    ],
    [
      'two overlapping one big entry',
      [
        { type: 0x83, start: 2048, sectors: 50_000 },
        { type: 0x07, start: 3000, sectors: 10 },
        { type: 0x07, start: 4000, sectors: 10 },
      ],
      /partition 3 .* overlaps partition 1/,
    ],
    ['wrapping past 2^32 sectors', [{ type: 0x83, start: 0xfffff000, sectors: 0xfffff000 }], /beyond the end/],
  ])('flags entries %s', async (_, entries, message) => {
    const t = await readPartitionTable(disk({ lba: 0, data: mbr(entries) }));
    expect(t.problems.join(' ')).toMatch(message);
  });

  it('follows logical partitions in an extended partition (sfdisk)', async () => {
    const dir = tempDir('mbr-');
    try {
      const img = buildImage(dir, 'ext', {
        partitions: [
          { start: 2048, sectors: 32_768, type: '83' },
          { start: 34_816, sectors: 40_000, type: '5' },
          { start: 36_864, sectors: 8192, type: '82' },
          { start: 47_104, sectors: 8192, type: '83' },
        ],
        diskSize: 64 * 2 ** 20,
      });
      const file = await openFile(img.path);
      const t = await readPartitionTable(sliceSource(file, 0, file.size - 512));
      await file.close();
      expect(t.problems).toEqual([]);
      expect(t.partitions.map((p) => [p.number, p.type, p.startLba, p.logical])).toEqual([
        [1, 0x83, 2048, false],
        [2, 0x05, 34_816, false],
        [5, 0x82, 36_864, true],
        [6, 0x83, 47_104, true],
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops at a loop in the chain of logical partitions', async () => {
    const ebr = mbr([
      { type: 0x83, start: 2048, sectors: 100 },
      { type: 0x05, start: 0, sectors: 10_000 },
    ]); // next EBR = itself
    const t = await readPartitionTable(
      disk({ lba: 0, data: mbr([{ type: 0x0f, start: 10_000, sectors: 20_000 }]) }, { lba: 10_000, data: ebr }),
    );
    expect(t.problems.join(' ')).toMatch(/loops back to sector 10000/);
    expect(t.partitions.filter((p) => p.logical)).toHaveLength(1);
  });

  it('detects GPT by its protective entry and by its header', async () => {
    expect(
      (await readPartitionTable(disk({ lba: 0, data: mbr([{ type: 0xee, start: 1, sectors: SECTORS - 1 }]) }))).scheme,
    ).toBe('gpt');
    const header = Buffer.from('EFI PART');
    const t = await readPartitionTable(
      disk({ lba: 0, data: mbr([{ type: 0x83, start: 2048, sectors: 100 }]) }, { lba: 1, data: header }),
    );
    expect(t).toMatchObject({ scheme: 'gpt', gptHeader: true });
    expect((await readPartitionTable(disk({ lba: 1, data: header }))).scheme).toBe('gpt');
  });
});
