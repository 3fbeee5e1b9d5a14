// A read-only FAT12/16/32 reader (Microsoft's FAT specification: BPB, FAT, directories with long
// names) for the EFI system partition: enough to find a boot loader and read its first bytes.
// Every cluster number is range-checked and every chain is loop-checked, so a hostile table can
// make it fail with a FatError but never read outside the partition or run for long.
import { ByteSource } from './byte-source';

export type FatErrorCode = 'badBootSector' | 'badCluster' | 'chainLoop' | 'notFound' | 'notDirectory' | 'tooLarge';

export class FatError extends Error {
  constructor(
    readonly code: FatErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'FatError';
  }
}

export interface FatEntry {
  name: string;
  dir: boolean;
  size: number;
  cluster: number;
  /** Where it was found, with the case stored on disk. */
  path: string;
}

/** ESP directories hold a handful of entries; a MiB of them is corruption. */
const MAX_DIR_BYTES = 1024 * 1024;
const MAX_READ = 64 * 1024;
const ATTR_DIR = 0x10;
const ATTR_VOLUME = 0x08;
const ATTR_LFN = 0x0f;

export class Fat {
  private constructor(
    private readonly src: ByteSource,
    readonly bits: 12 | 16 | 32,
    private readonly bps: number,
    private readonly spc: number,
    private readonly fatStart: number,
    private readonly rootStart: number,
    private readonly rootEntries: number,
    private readonly dataStart: number,
    readonly clusterCount: number,
    private readonly rootCluster: number,
  ) {}

  get clusterBytes(): number {
    return this.bps * this.spc;
  }

  static async open(src: ByteSource): Promise<Fat> {
    if (src.size < 512) throw new FatError('badBootSector', `The partition is ${src.size} bytes: too small for FAT.`);
    const b = await src.read(0, 512);
    const bad = (why: string) => new FatError('badBootSector', `Corrupt FAT boot sector: ${why}.`);
    if (b[510] !== 0x55 || b[511] !== 0xaa) throw bad('no 0x55AA signature');
    const bps = b.readUInt16LE(0x0b);
    const spc = b[0x0d];
    const reserved = b.readUInt16LE(0x0e);
    const fats = b[0x10];
    const rootEntries = b.readUInt16LE(0x11);
    const total = b.readUInt16LE(0x13) || b.readUInt32LE(0x20);
    const fatSize = b.readUInt16LE(0x16) || b.readUInt32LE(0x24);
    if (![512, 1024, 2048, 4096].includes(bps)) throw bad(`${bps} bytes per sector`);
    if (spc === 0 || (spc & (spc - 1)) !== 0) throw bad(`${spc} sectors per cluster`);
    if (reserved < 1 || fats < 1 || fatSize < 1) throw bad(`reserved ${reserved}, ${fats} FATs of ${fatSize} sectors`);
    if (total * bps > src.size) throw bad(`it claims ${total * bps} bytes in a ${src.size}-byte partition`);
    const rootSectors = Math.ceil((rootEntries * 32) / bps);
    const dataSector = reserved + fats * fatSize + rootSectors;
    if (dataSector >= total) throw bad('no room for data after the FATs');
    const clusterCount = Math.floor((total - dataSector) / spc);
    const bits = clusterCount < 4085 ? 12 : clusterCount < 65525 ? 16 : 32;
    if ((bits === 32) !== (rootEntries === 0)) throw bad(`FAT${bits} with ${rootEntries} root directory entries`);
    // The FAT must be large enough to describe every cluster.
    if (Math.ceil(((clusterCount + 2) * bits) / 8) > fatSize * bps) throw bad('the FAT is too small for its clusters');
    const rootCluster = bits === 32 ? b.readUInt32LE(0x2c) : 0;
    const fat = new Fat(
      src,
      bits,
      bps,
      spc,
      reserved * bps,
      (reserved + fats * fatSize) * bps,
      rootEntries,
      dataSector * bps,
      clusterCount,
      rootCluster,
    );
    if (bits === 32) fat.checkCluster(rootCluster, 'the root directory');
    return fat;
  }

  private checkCluster(c: number, what: string): void {
    if (c < 2 || c > this.clusterCount + 1)
      throw new FatError('badCluster', `${what} points at cluster ${c}, outside 2–${this.clusterCount + 1}.`);
  }

  private async next(c: number): Promise<number> {
    if (this.bits === 32) return (await this.src.read(this.fatStart + c * 4, 4)).readUInt32LE(0) & 0x0fffffff;
    if (this.bits === 16) return (await this.src.read(this.fatStart + c * 2, 2)).readUInt16LE(0);
    const v = (await this.src.read(this.fatStart + c + (c >> 1), 2)).readUInt16LE(0);
    return c & 1 ? v >> 4 : v & 0xfff;
  }

  private isEnd(v: number): boolean {
    return v >= (this.bits === 32 ? 0x0ffffff8 : this.bits === 16 ? 0xfff8 : 0xff8);
  }

  /** The clusters of a chain, at most `max` of them; a loop or a stray number is an error. */
  private async chain(first: number, max: number, what: string): Promise<number[]> {
    const out: number[] = [];
    const seen = new Set<number>();
    let c = first;
    while (out.length < max) {
      this.checkCluster(c, what);
      if (seen.has(c)) throw new FatError('chainLoop', `The cluster chain of ${what} loops back to cluster ${c}.`);
      seen.add(c);
      out.push(c);
      const n = await this.next(c);
      if (this.isEnd(n)) break;
      c = n;
    }
    return out;
  }

  private clusterOffset(c: number): number {
    return this.dataStart + (c - 2) * this.clusterBytes;
  }

  private async dirBytes(entry: FatEntry | undefined): Promise<Buffer> {
    // FAT12/16 keep the root directory in a fixed region; FAT32 in a cluster chain like any other.
    const isRoot = !entry || entry.cluster === 0;
    if (isRoot && this.bits !== 32) return this.src.read(this.rootStart, this.rootEntries * 32);
    const first = isRoot ? this.rootCluster : entry.cluster;
    const where = entry?.path ?? '/';
    const max = Math.ceil(MAX_DIR_BYTES / this.clusterBytes);
    const clusters = await this.chain(first, max + 1, where);
    if (clusters.length > max)
      throw new FatError('tooLarge', `Directory ${where} is larger than ${MAX_DIR_BYTES} bytes.`);
    return Buffer.concat(
      await Promise.all(clusters.map((c) => this.src.read(this.clusterOffset(c), this.clusterBytes))),
    );
  }

  /** Entries of a directory ('.' and '..' left out), long names where present and intact. */
  async readdir(dir?: FatEntry): Promise<FatEntry[]> {
    if (dir && !dir.dir) throw new FatError('notDirectory', `${dir.path} is not a directory.`);
    const data = await this.dirBytes(dir);
    const out: FatEntry[] = [];
    let lfn: string[] = [];
    let lfnSum = -1;
    for (let at = 0; at + 32 <= data.length; at += 32) {
      const e = data.subarray(at, at + 32);
      if (e[0] === 0) break;
      if (e[0] === 0xe5) {
        lfn = [];
        continue;
      }
      const attr = e[11];
      if (attr === ATTR_LFN) {
        const seq = e[0] & 0x1f;
        if (e[0] & 0x40) lfn = [];
        lfn[seq - 1] = lfnPart(e);
        lfnSum = e[13];
        continue;
      }
      const short = shortName(e);
      const intact = lfn.length > 0 && [...lfn].every((x) => typeof x === 'string');
      const longName = intact && lfnSum === shortChecksum(e) ? lfn.join('') : undefined;
      lfn = [];
      if (attr & ATTR_VOLUME || short === '.' || short === '..') continue;
      const name = longName ?? short;
      const cluster = (this.bits === 32 ? e.readUInt16LE(20) * 0x10000 : 0) + e.readUInt16LE(26);
      out.push({
        name,
        dir: (attr & ATTR_DIR) !== 0,
        size: e.readUInt32LE(28),
        cluster,
        path: `${dir?.path ?? ''}/${name}`,
      });
    }
    return out;
  }

  /** A path such as EFI/BOOT/BOOTX64.EFI, compared without case as FAT does. */
  async find(path: string): Promise<FatEntry | undefined> {
    let here: FatEntry | undefined;
    for (const part of path.split('/').filter(Boolean)) {
      if (here && !here.dir) return undefined;
      here = (await this.readdir(here)).find((e) => e.name.toLowerCase() === part.toLowerCase());
      if (!here) return undefined;
    }
    return here;
  }

  /** Up to 64 KiB from the start of a file (boot loader headers). */
  async readHead(file: FatEntry, length: number): Promise<Buffer> {
    const len = Math.min(length, file.size, MAX_READ);
    if (len === 0) return Buffer.alloc(0);
    const clusters = await this.chain(file.cluster, Math.ceil(len / this.clusterBytes), file.path);
    const data = Buffer.concat(
      await Promise.all(clusters.map((c) => this.src.read(this.clusterOffset(c), this.clusterBytes))),
    );
    if (data.length < len) throw new FatError('badCluster', `${file.path} is shorter than its ${file.size}-byte size.`);
    return data.subarray(0, len);
  }
}

function lfnPart(e: Buffer): string {
  const units: number[] = [];
  for (const [from, to] of [
    [1, 11],
    [14, 26],
    [28, 32],
  ])
    for (let i = from; i < to; i += 2) units.push(e.readUInt16LE(i));
  const end = units.findIndex((u) => u === 0 || u === 0xffff);
  return String.fromCharCode(...(end < 0 ? units : units.slice(0, end)));
}

function shortName(e: Buffer): string {
  const flags = e[12];
  let base = e.toString('latin1', 0, 8).trimEnd();
  let ext = e.toString('latin1', 8, 11).trimEnd();
  if (e[0] === 0x05) base = '\xe5' + base.slice(1);
  // Windows NT keeps all-lowercase 8.3 names as upper case plus these two flags.
  if (flags & 0x08) base = base.toLowerCase();
  if (flags & 0x10) ext = ext.toLowerCase();
  return ext ? `${base}.${ext}` : base;
}

function shortChecksum(e: Buffer): number {
  let sum = 0;
  for (let i = 0; i < 11; i++) sum = (((sum & 1) << 7) + (sum >> 1) + e[i]) & 0xff;
  return sum;
}
