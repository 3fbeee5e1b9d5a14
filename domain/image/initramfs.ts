// The file names inside an initramfs: uncompressed cpio archives (early microcode) possibly followed
// by a compressed main archive, as the kernel unpacks them. Only names are collected, and the scan
// stops once everything asked for is found. Input is read in chunks and output is bounded, so a
// compression bomb or an endless archive ends in a result that says so, not in memory or time.
import { Readable, Transform, pipeline } from 'node:stream';
import zlib from 'node:zlib';
import { CpioEntry, CpioError, CpioReader } from './cpio';
import { createZstdDecoder } from './zstd-stream';

export type Compression = 'gzip' | 'xz' | 'zstd' | 'lz4' | 'bzip2' | 'lzma' | 'lzo' | 'unknown';

/** Decompressors available here; the others are reported as not readable, never as passing. */
const DECOMPRESSORS: Partial<Record<Compression, () => Transform>> = {
  gzip: () => zlib.createGunzip(),
  zstd: createZstdDecoder,
};

export function compressionOf(b: Buffer): Compression {
  const hex = b.subarray(0, 6).toString('hex');
  if (hex.startsWith('1f8b')) return 'gzip';
  if (hex === 'fd377a585a00') return 'xz';
  if (hex.startsWith('28b52ffd')) return 'zstd';
  if (hex.startsWith('02214c18') || hex.startsWith('04224d18')) return 'lz4';
  if (hex.startsWith('425a68')) return 'bzip2';
  if (hex.startsWith('5d0000')) return 'lzma';
  if (hex.startsWith('894c5a')) return 'lzo';
  return 'unknown';
}

export interface InitramfsLimits {
  /** Uncompressed bytes produced before giving up (a bomb guard). */
  maxOutput: number;
  maxEntries: number;
}

export const DEFAULT_INITRAMFS_LIMITS: InitramfsLimits = { maxOutput: 512 * 1024 * 1024, maxEntries: 200_000 };

export interface InitramfsScan {
  /** The layers read, e.g. ['cpio', 'gzip'] for an early archive then a gzip one. */
  layers: string[];
  entries: number;
  /** Every layer read to its end (false when stopped early because everything was found). */
  complete: boolean;
  /** A compressed layer this checker cannot decompress. */
  unsupported?: Compression;
  /** Why the scan could not go on (corrupt data, limits). */
  error?: string;
}

const message = (e: unknown): string => {
  const m = (e as { message?: unknown } | null)?.message;
  return typeof m === 'string' ? m : String(e);
};

/**
 * Feeds every entry to `onEntry` (return true to stop). Errors of the input itself (the image
 * read) propagate; what is wrong with the initramfs bytes ends up in `error`.
 */
export async function scanInitramfs(
  input: AsyncIterable<Buffer>,
  onEntry: (e: CpioEntry) => boolean | void,
  limits: InitramfsLimits = DEFAULT_INITRAMFS_LIMITS,
): Promise<InitramfsScan> {
  const scan: InitramfsScan = { layers: [], entries: 0, complete: false };
  const it = input[Symbol.asyncIterator]();
  const raw = new CpioReader(onEntry, limits.maxEntries);
  let rest: Buffer | undefined;
  try {
    for (let r = await it.next(); !r.done; r = await it.next()) {
      rest = raw.push(r.value);
      if (raw.stopped || rest) break;
    }
  } catch (e) {
    if (!(e instanceof CpioError)) throw e;
    scan.error = message(e);
  }
  if (raw.archives) scan.layers.push(`cpio${raw.archives > 1 ? ` ×${raw.archives}` : ''}`);
  scan.entries = raw.entries;
  if (scan.error || raw.stopped) return finish(scan, it);
  if (!rest) {
    scan.complete = raw.atBoundary;
    if (!raw.atBoundary) scan.error = 'the archive ends in the middle of an entry (truncated)';
    else if (!raw.archives) scan.error = 'empty: no cpio archive';
    return scan;
  }
  // The magic of the next layer may straddle a chunk boundary.
  while (rest.length < 6) {
    const r = await it.next();
    if (r.done) break;
    rest = Buffer.concat([rest, r.value]);
  }
  const kind = compressionOf(rest);
  scan.layers.push(kind);
  const make = DECOMPRESSORS[kind];
  if (!make) {
    scan.unsupported = kind;
    return finish(scan, it);
  }
  return decompressLayer(scan, rest, it, make(), onEntry, limits);
}

async function decompressLayer(
  scan: InitramfsScan,
  first: Buffer,
  it: AsyncIterator<Buffer>,
  decoder: Transform,
  onEntry: (e: CpioEntry) => boolean | void,
  limits: InitramfsLimits,
): Promise<InitramfsScan> {
  const inner = new CpioReader(onEntry, limits.maxEntries);
  async function* source(): AsyncGenerator<Buffer> {
    yield first;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
  }
  const src = Readable.from(source());
  // pipeline() forwards a failing read of the image into the decoder, so the loop below ends.
  pipeline(src, decoder, () => undefined);
  let produced = 0;
  const before = scan.entries;
  try {
    for await (const piece of decoder as AsyncIterable<Buffer>) {
      produced += piece.length;
      if (produced > limits.maxOutput) {
        scan.error = `more than ${Math.round(limits.maxOutput / 2 ** 20)} MiB uncompressed (a compression bomb?)`;
        break;
      }
      const after = inner.push(piece);
      if (inner.stopped) break;
      // Anything after the main archive (a further layer) is not unpacked by this checker.
      if (after) break;
    }
    if (!scan.error && !inner.stopped) {
      scan.complete = inner.atBoundary && inner.archives > 0;
      if (!inner.archives) scan.error = 'the decompressed data is not a cpio archive';
      else if (!inner.atBoundary) scan.error = 'the archive ends in the middle of an entry (truncated)';
    }
  } catch (e) {
    if (e instanceof CpioError || isCodecError(e))
      scan.error = `corrupt ${scan.layers[scan.layers.length - 1]} data: ${message(e)}`;
    else throw e;
  } finally {
    src.destroy();
    decoder.destroy();
  }
  scan.entries = before + inner.entries;
  return scan;
}

/**
 * zlib's errors carry a Z_* code. Checked by shape, not instanceof: errors made inside Node's core
 * need not share the caller's Error constructor (a vm context, a test sandbox).
 */
const isCodecError = (e: unknown): boolean => {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^Z_|^ERR_/.test(code);
};

async function finish(scan: InitramfsScan, it: AsyncIterator<Buffer>): Promise<InitramfsScan> {
  await it.return?.();
  return scan;
}

/** Why a layer was not read, in words a partner can act on. */
export function unreadReason(c: Compression): string {
  return c === 'unknown'
    ? 'the main archive is in a format this checker does not recognise'
    : `the main archive is ${c}-compressed, which this checker does not decompress`;
}
