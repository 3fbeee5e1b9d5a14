import { BlockSource, BudgetExceeded } from '../../../../domain/image/block-source';
import { bufferSource, ByteSource, OutOfBounds, sliceSource } from '../../../../domain/image/byte-source';

const data = Buffer.from(Array.from({ length: 1_000_000 }, (_, i) => (i * 7) & 0xff));

function counting(src: ByteSource) {
  const calls: [number, number][] = [];
  return { size: src.size, calls, read: (o: number, l: number) => (calls.push([o, l]), src.read(o, l)) };
}

describe('BlockSource', () => {
  it('returns exactly the bytes asked for, across block boundaries and at the end', async () => {
    const bs = new BlockSource(bufferSource(data), { blockSize: 4096 });
    for (const [o, l] of [
      [0, 1],
      [4095, 2],
      [10_000, 50_000],
      [data.length - 3, 3],
      [123, 0],
    ]) {
      expect((await bs.read(o, l)).equals(data.subarray(o, o + l))).toBe(true);
    }
  });

  it('caches whole blocks and fetches runs of missing blocks in one read', async () => {
    const inner = counting(bufferSource(data));
    const bs = new BlockSource(inner, { blockSize: 4096 });
    await bs.read(100, 10);
    await bs.read(200, 10);
    await bs.read(4000, 200); // block 0 cached, block 1 fetched
    expect(inner.calls).toEqual([
      [0, 4096],
      [4096, 4096],
    ]);
    await bs.read(0, 5 * 4096); // blocks 2–4 in one request
    expect(inner.calls[2]).toEqual([8192, 3 * 4096]);
    expect(bs.stats).toMatchObject({ reads: 3, bytes: 5 * 4096, calls: 4, hits: 1 });
  });

  it('evicts the least recently used block', async () => {
    const inner = counting(bufferSource(data));
    const bs = new BlockSource(inner, { blockSize: 4096, maxBlocks: 2 });
    await bs.read(0, 1);
    await bs.read(4096, 1);
    await bs.read(0, 1); // block 0 is now the most recent
    await bs.read(8192, 1); // evicts block 1
    await bs.read(0, 1);
    expect(inner.calls.length).toBe(3);
    await bs.read(4096, 1);
    expect(inner.calls.length).toBe(4);
  });

  it('refuses reads outside the source', async () => {
    const bs = new BlockSource(bufferSource(data));
    await expect(bs.read(data.length - 1, 2)).rejects.toBeInstanceOf(OutOfBounds);
    await expect(bs.read(-1, 1)).rejects.toBeInstanceOf(OutOfBounds);
    await expect(bs.read(0.5, 1)).rejects.toBeInstanceOf(OutOfBounds);
  });

  it.each([
    ['reads', { maxReads: 3 }, /after 3 reads/],
    ['bytes', { maxBytes: 3 * 4096 }, /byte budget/],
    ['calls', { maxCalls: 10 }, /after 10 reads of the image structures/],
  ] as const)('stops at its %s budget with BudgetExceeded', async (limit, budget, message) => {
    const bs = new BlockSource(bufferSource(data), { blockSize: 4096, budget });
    const err = await (async () => {
      for (let i = 0; ; i++) await bs.read((i % 200) * 4096, 1);
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BudgetExceeded);
    expect(err).toMatchObject({ limit, message: expect.stringMatching(message) });
  });

  it('stops at its deadline, even while a read hangs', async () => {
    const stalled: ByteSource = { size: 1 << 20, read: () => new Promise(() => undefined) };
    const bs = new BlockSource(stalled, { budget: { deadlineMs: 100 } });
    const t0 = Date.now();
    await expect(bs.read(0, 10)).rejects.toMatchObject({ limit: 'time' });
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('checks the deadline before every read, cached or not', async () => {
    let now = 0;
    const bs = new BlockSource(bufferSource(data), { budget: { deadlineMs: 1000 }, now: () => now });
    await bs.read(0, 10);
    now = 1001;
    await expect(bs.read(0, 10)).rejects.toMatchObject({ limit: 'time' });
  });

  it('rejects a source that returns short reads', async () => {
    const short: ByteSource = { size: 8192, read: async () => Buffer.alloc(10) };
    await expect(new BlockSource(short).read(0, 100)).rejects.toThrow(/returned 10 bytes/);
  });
});

describe('sliceSource', () => {
  it('offsets reads and keeps them inside the window', async () => {
    const s = sliceSource(bufferSource(data), 1000, 500);
    expect((await s.read(0, 10)).equals(data.subarray(1000, 1010))).toBe(true);
    expect(() => s.read(495, 10)).toThrow(OutOfBounds);
    expect(() => sliceSource(bufferSource(data), data.length - 10, 11)).toThrow(/falls outside/);
  });
});
