// Finds the parts of a chunk worth sending to a page blob: a new page blob reads as zeros, so an
// all-zero 512-byte page need not travel. A 30 GiB OS disk is mostly such pages.

export const PAGE_SIZE = 512;
/** The most one Put Page call may carry. */
export const MAX_PUT_PAGES = 4 * 1024 * 1024;

export interface ByteRange {
  /** Offset of the first byte, relative to the buffer. */
  start: number;
  /** Offset just past the last byte. */
  end: number;
}

const ZERO_PAGE = Buffer.alloc(PAGE_SIZE);
let zeroChunk = Buffer.alloc(0);

function allZero(buf: Buffer, start: number, end: number): boolean {
  if (zeroChunk.length < end - start) zeroChunk = Buffer.alloc(end - start);
  // Buffer.compare is a memcmp: far faster than a JavaScript loop over the bytes.
  return buf.compare(zeroChunk, 0, end - start, start, end) === 0;
}

/**
 * The runs of non-zero pages in `buf[0, length)`, adjacent pages coalesced, each run at most
 * `maxRun` bytes. `length` must be a multiple of the page size.
 */
export function nonZeroRanges(buf: Buffer, length = buf.length, maxRun = MAX_PUT_PAGES): ByteRange[] {
  if (length % PAGE_SIZE !== 0) throw new RangeError(`length ${length} is not a multiple of ${PAGE_SIZE}`);
  if (maxRun < PAGE_SIZE || maxRun % PAGE_SIZE !== 0)
    throw new RangeError(`maxRun ${maxRun} is not a positive multiple of ${PAGE_SIZE}`);
  // Most chunks of a sparse disk are wholly zero: one comparison settles them.
  if (allZero(buf, 0, length)) return [];
  const ranges: ByteRange[] = [];
  let run: ByteRange | undefined;
  for (let off = 0; off < length; off += PAGE_SIZE) {
    const zero = buf.compare(ZERO_PAGE, 0, PAGE_SIZE, off, off + PAGE_SIZE) === 0;
    if (zero) {
      run = undefined;
      continue;
    }
    if (run && run.end === off && run.end - run.start < maxRun) run.end = off + PAGE_SIZE;
    else {
      run = { start: off, end: off + PAGE_SIZE };
      ranges.push(run);
    }
  }
  return ranges;
}
