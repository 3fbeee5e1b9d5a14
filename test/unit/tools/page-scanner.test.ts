import { nonZeroRanges, PAGE_SIZE } from '../../../tools/cli/upload/page-scanner';

/** A buffer of `pages` pages where the listed pages hold non-zero bytes. */
function pagesBuffer(pages: number, nonZero: number[]): Buffer {
  const b = Buffer.alloc(pages * PAGE_SIZE);
  for (const p of nonZero) b[p * PAGE_SIZE + ((p * 37) % PAGE_SIZE)] = 1 + (p % 255); // one byte anywhere in the page is enough
  return b;
}

const pages = (ranges: { start: number; end: number }[]) => ranges.map((r) => [r.start / PAGE_SIZE, r.end / PAGE_SIZE]);

describe('nonZeroRanges', () => {
  it('an all-zero buffer has nothing to send', () => {
    expect(nonZeroRanges(Buffer.alloc(4 * 1024 * 1024))).toEqual([]);
  });

  it('returns the exact byte ranges of the non-zero pages, adjacent pages coalesced', () => {
    const buf = pagesBuffer(16, [0, 1, 2, 5, 9, 10, 15]);
    expect(nonZeroRanges(buf)).toEqual([
      { start: 0, end: 3 * 512 },
      { start: 5 * 512, end: 6 * 512 },
      { start: 9 * 512, end: 11 * 512 },
      { start: 15 * 512, end: 16 * 512 },
    ]);
  });

  it('a single non-zero byte at the very end of a page marks that page only', () => {
    const buf = Buffer.alloc(4 * 512);
    buf[2 * 512 - 1] = 0xff;
    expect(nonZeroRanges(buf)).toEqual([{ start: 512, end: 1024 }]);
  });

  it('looks only at the first `length` bytes (the short last chunk of a file)', () => {
    const buf = pagesBuffer(8, [1, 6]);
    expect(pages(nonZeroRanges(buf, 4 * 512))).toEqual([[1, 2]]);
  });

  it('splits runs longer than maxRun', () => {
    const buf = Buffer.alloc(10 * 512, 7);
    expect(pages(nonZeroRanges(buf, buf.length, 4 * 512))).toEqual([
      [0, 4],
      [4, 8],
      [8, 10],
    ]);
  });

  it('a dense 4 MiB chunk is one 4 MiB range', () => {
    expect(nonZeroRanges(Buffer.alloc(4 * 1024 * 1024, 1))).toEqual([{ start: 0, end: 4 * 1024 * 1024 }]);
  });

  it('refuses lengths that are not whole pages', () => {
    expect(() => nonZeroRanges(Buffer.alloc(1000))).toThrow(RangeError);
    expect(() => nonZeroRanges(Buffer.alloc(1024), 1024, 700)).toThrow(RangeError);
  });

  it('agrees with a page-by-page reference on random sparse buffers', () => {
    let seed = 42;
    const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (let round = 0; round < 50; round++) {
      const n = 1 + Math.floor(rnd() * 64);
      const nonZero = [...Array(n).keys()].filter(() => rnd() < 0.3);
      const expected: number[][] = [];
      for (const p of nonZero) {
        const last = expected[expected.length - 1];
        if (last && last[1] === p && last[1] - last[0] < 8) last[1] = p + 1;
        else expected.push([p, p + 1]);
      }
      expect(pages(nonZeroRanges(pagesBuffer(n, nonZero), n * 512, 8 * 512))).toEqual(expected);
    }
  });
});
