// The one thing every image reader here needs: random access to bytes. A blob, a local file or
// an in-memory buffer all fit; readers never see where the bytes come from.

export interface ByteSource {
  /** Total readable bytes. */
  readonly size: number;
  /** Exactly `length` bytes at `offset`; callers stay inside [0, size). */
  read(offset: number, length: number): Promise<Buffer>;
}

/** A read outside a source (or a slice of it): a hostile image pointing past its own end. */
export class OutOfBounds extends RangeError {
  constructor(
    readonly offset: number,
    readonly length: number,
    readonly size: number,
    what = 'the image',
  ) {
    super(`A read of ${length} bytes at offset ${offset} falls outside ${what} (${size} bytes).`);
    this.name = 'OutOfBounds';
  }
}

export function checkRange(offset: number, length: number, size: number, what?: string): void {
  if (
    !Number.isSafeInteger(offset) ||
    !Number.isSafeInteger(length) ||
    offset < 0 ||
    length < 0 ||
    offset + length > size
  ) {
    throw new OutOfBounds(offset, length, size, what);
  }
}

/**
 * A window [start, start + size) of another source, e.g. one partition of a disk: offsets are
 * relative to the window and reads cannot escape it, whatever the partition's contents claim.
 */
export function sliceSource(inner: ByteSource, start: number, size: number, what = 'the partition'): ByteSource {
  checkRange(start, size, inner.size, what);
  return {
    size,
    read(offset, length) {
      checkRange(offset, length, size, what);
      return inner.read(start + offset, length);
    },
  };
}

/** An in-memory source (tests, and small images already in memory). */
export function bufferSource(buf: Buffer): ByteSource {
  return {
    size: buf.length,
    async read(offset, length) {
      checkRange(offset, length, buf.length);
      return Buffer.from(buf.subarray(offset, offset + length));
    },
  };
}
