// A caching, budgeted view of a slow source (ranged GETs on a 30 GiB blob). Readers ask for small
// pieces (a 512-byte sector, a 256-byte inode, a 4 KiB directory block); fetching whole 64 KiB
// blocks turns hundreds of those into a handful of requests. The budget is the safety net for
// hostile images: whatever a corrupt structure claims, the checker stops after a bounded number of
// requests, bytes and milliseconds instead of reading the whole disk or looping forever.
import { ByteSource, checkRange } from './byte-source';

export interface Budget {
  /** Bytes fetched from the inner source (cache hits are free). */
  maxBytes: number;
  /** Requests to the inner source. */
  maxReads: number;
  /** Calls to read(), cached or not: bounds loops that only ever hit the cache. */
  maxCalls: number;
  /** Wall-clock time from construction. */
  deadlineMs: number;
}

export const DEFAULT_BUDGET: Budget = {
  maxBytes: 64 * 1024 * 1024,
  maxReads: 2000,
  maxCalls: 200_000,
  deadlineMs: 60_000,
};

export type BudgetLimit = 'bytes' | 'reads' | 'calls' | 'time';

export class BudgetExceeded extends Error {
  constructor(
    readonly limit: BudgetLimit,
    message: string,
  ) {
    super(message);
    this.name = 'BudgetExceeded';
  }
}

export interface BlockSourceOptions {
  /** Bytes per cached block; a power of two (default 64 KiB). */
  blockSize?: number;
  /** Cached blocks kept (default 128, i.e. 8 MiB). */
  maxBlocks?: number;
  budget?: Partial<Budget>;
  /** Milliseconds clock (tests). */
  now?: () => number;
}

export interface BlockSourceStats {
  /** Requests made to the inner source. */
  reads: number;
  /** Bytes fetched from the inner source. */
  bytes: number;
  /** read() calls answered entirely from the cache. */
  hits: number;
  /** read() calls. */
  calls: number;
}

export class BlockSource implements ByteSource {
  readonly size: number;
  readonly stats: BlockSourceStats = { reads: 0, bytes: 0, hits: 0, calls: 0 };
  readonly budget: Budget;
  private readonly blockSize: number;
  private readonly maxBlocks: number;
  /** Insertion order = recency: a Map re-inserted on use is a small LRU. */
  private readonly cache = new Map<number, Buffer>();
  private readonly now: () => number;
  private readonly started: number;

  constructor(
    private readonly inner: ByteSource,
    opts: BlockSourceOptions = {},
  ) {
    this.size = inner.size;
    this.blockSize = opts.blockSize ?? 64 * 1024;
    if (this.blockSize < 512 || (this.blockSize & (this.blockSize - 1)) !== 0)
      throw new RangeError(`Block size ${this.blockSize} is not a power of two ≥ 512.`);
    this.maxBlocks = Math.max(1, opts.maxBlocks ?? 128);
    this.budget = { ...DEFAULT_BUDGET, ...opts.budget };
    this.now = opts.now ?? Date.now;
    this.started = this.now();
  }

  get elapsedMs(): number {
    return this.now() - this.started;
  }

  async read(offset: number, length: number): Promise<Buffer> {
    checkRange(offset, length, this.size);
    this.stats.calls++;
    if (this.stats.calls > this.budget.maxCalls)
      throw new BudgetExceeded(
        'calls',
        `Gave up after ${this.budget.maxCalls} reads of the image structures (a loop in a corrupt image?).`,
      );
    this.checkDeadline();
    if (length === 0) return Buffer.alloc(0);
    const bs = this.blockSize;
    const first = Math.floor(offset / bs);
    const last = Math.floor((offset + length - 1) / bs);
    const blocks = new Map<number, Buffer>();
    let missing = false;
    for (let b = first; b <= last; b++) {
      const hit = this.cache.get(b);
      if (hit) {
        this.cache.delete(b);
        this.cache.set(b, hit);
        blocks.set(b, hit);
      } else missing = true;
    }
    if (!missing) this.stats.hits++;
    // One request per run of consecutive missing blocks.
    for (let b = first; b <= last;) {
      if (blocks.has(b)) {
        b++;
        continue;
      }
      let end = b;
      while (end + 1 <= last && !blocks.has(end + 1)) end++;
      const start = b * bs;
      const stop = Math.min((end + 1) * bs, this.size);
      const data = await this.fetch(start, stop - start);
      for (let k = b; k <= end; k++) {
        const piece = data.subarray((k - b) * bs, Math.min((k - b + 1) * bs, data.length));
        blocks.set(k, piece);
        this.remember(k, piece);
      }
      b = end + 1;
    }
    const out = Buffer.allocUnsafe(length);
    for (let b = first; b <= last; b++) {
      const block = blocks.get(b)!;
      const blockStart = b * bs;
      const from = Math.max(offset, blockStart) - blockStart;
      const to = Math.min(offset + length, blockStart + block.length) - blockStart;
      block.copy(out, blockStart + from - offset, from, to);
    }
    return out;
  }

  private remember(block: number, data: Buffer): void {
    this.cache.set(block, data);
    while (this.cache.size > this.maxBlocks) this.cache.delete(this.cache.keys().next().value!);
  }

  private checkDeadline(): void {
    if (this.elapsedMs > this.budget.deadlineMs)
      throw new BudgetExceeded('time', `Gave up after ${this.budget.deadlineMs} ms reading the image.`);
  }

  private async fetch(offset: number, length: number): Promise<Buffer> {
    if (this.stats.reads + 1 > this.budget.maxReads)
      throw new BudgetExceeded('reads', `Gave up after ${this.budget.maxReads} reads from the image.`);
    if (this.stats.bytes + length > this.budget.maxBytes) {
      throw new BudgetExceeded(
        'bytes',
        `Gave up: reading ${length} more bytes would exceed the ${this.budget.maxBytes}-byte budget for this image (${this.stats.bytes} read so far).`,
      );
    }
    this.checkDeadline();
    this.stats.reads++;
    this.stats.bytes += length;
    const remaining = Math.max(1, this.budget.deadlineMs - this.elapsedMs);
    let timer: NodeJS.Timeout | undefined;
    // A stalled source must not outlive the deadline either.
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new BudgetExceeded(
              'time',
              `Gave up after ${this.budget.deadlineMs} ms reading the image (a read of ${length} bytes at ${offset} did not finish).`,
            ),
          ),
        remaining,
      );
    });
    try {
      const data = await Promise.race([this.inner.read(offset, length), timeout]);
      if (data.length !== length)
        throw new Error(
          `The image source returned ${data.length} bytes for a ${length}-byte read at offset ${offset}.`,
        );
      return data;
    } finally {
      clearTimeout(timer);
    }
  }
}
