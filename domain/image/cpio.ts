// A streaming reader of cpio "newc" archives (magic 070701, or 070702 with checksums), the format
// of Linux initramfs images: fed chunk by chunk, it reports each entry's name and size and skips
// the data, so memory stays at one header whatever the archive holds. Archives may follow each
// other (an early microcode archive, then the main one), with zero padding between them; whatever
// else follows is handed back as the start of the next layer (usually a compressed archive).

export class CpioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CpioError';
  }
}

export interface CpioEntry {
  name: string;
  mode: number;
  size: number;
}

const HEADER = 110;
const MAX_NAME = 4096;
const TRAILER = 'TRAILER!!!';
const pad4 = (n: number) => (4 - (n % 4)) % 4;

type State = 'between' | 'header' | 'name';

export class CpioReader {
  /** Set by the entry callback returning true: the caller has seen enough. */
  stopped = false;
  archives = 0;
  entries = 0;
  private state: State = 'between';
  private pending = Buffer.alloc(0);
  private skip = 0;
  private nameSize = 0;
  private fileSize = 0;
  private mode = 0;
  private offset = 0;

  constructor(
    private readonly onEntry: (e: CpioEntry) => boolean | void,
    private readonly maxEntries = 200_000,
  ) {}

  /** True between archives (after a trailer, or before the first): a clean place for the input to end. */
  get atBoundary(): boolean {
    return this.state === 'between' && this.pending.length === 0 && this.skip === 0;
  }

  /**
   * Consumes a chunk. Returns the bytes that follow the last archive when something other than an
   * archive or padding starts in this chunk; undefined while everything so far was cpio.
   */
  push(chunk: Buffer): Buffer | undefined {
    let at = 0;
    const take = (n: number): boolean => {
      const want = n - this.pending.length;
      const piece = chunk.subarray(at, at + want);
      this.pending = this.pending.length ? Buffer.concat([this.pending, piece]) : Buffer.from(piece);
      at += piece.length;
      this.offset += piece.length;
      return this.pending.length === n;
    };
    while (at < chunk.length && !this.stopped) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - at);
        this.skip -= n;
        at += n;
        this.offset += n;
        continue;
      }
      if (this.state === 'between') {
        if (this.pending.length === 0 && chunk[at] === 0) {
          at++;
          this.offset++;
          continue;
        }
        if (!take(6)) return undefined;
        const magic = this.pending.toString('latin1');
        if (magic === '070701' || magic === '070702') {
          this.state = 'header';
          this.archives++;
          continue;
        }
        const rest = Buffer.concat([this.pending, chunk.subarray(at)]);
        this.pending = Buffer.alloc(0);
        return rest;
      }
      if (this.state === 'header') {
        if (!take(HEADER)) return undefined;
        this.readHeader(this.pending);
        this.pending = Buffer.alloc(0);
        this.state = 'name';
        continue;
      }
      if (!take(this.nameSize + pad4(HEADER + this.nameSize))) return undefined;
      const name = this.pending.toString('utf8', 0, this.nameSize).replace(/\0+$/, '');
      this.pending = Buffer.alloc(0);
      if (name === TRAILER) {
        this.state = 'between';
        continue;
      }
      if (++this.entries > this.maxEntries)
        throw new CpioError(`The archive holds more than ${this.maxEntries} entries.`);
      this.skip = this.fileSize + pad4(this.fileSize);
      this.state = 'header';
      if (this.onEntry({ name, mode: this.mode, size: this.fileSize }) === true) this.stopped = true;
    }
    return undefined;
  }

  private readHeader(h: Buffer): void {
    const text = h.toString('latin1');
    if (!/^07070[12][0-9A-Fa-f]{104}$/.test(text))
      throw new CpioError(`Corrupt cpio header at byte ${this.offset - HEADER}: not 110 bytes of newc fields.`);
    const field = (i: number) => parseInt(text.slice(6 + i * 8, 14 + i * 8), 16);
    this.mode = field(1);
    this.fileSize = field(6);
    this.nameSize = field(11);
    if (this.nameSize < 1 || this.nameSize > MAX_NAME)
      throw new CpioError(`Corrupt cpio header at byte ${this.offset - HEADER}: a ${this.nameSize}-byte name.`);
  }
}
