// The GUID Partition Table (UEFI spec, chapter 5): the primary header at LBA 1, its partition entry
// array, and the backup header at the last LBA. Both CRC32s are verified and every LBA is checked
// against the disk before it is used, so a hostile header can point nowhere and claim nothing big.
import { ByteSource } from './byte-source';
import { crc32 } from './crc32';
import { gptType, guidAt } from './gpt-types';
import type { Partition } from './partitions';

const SECTOR = 512;
const SIGNATURE = 'EFI PART';
const MIN_HEADER = 92;
/** Real tables hold 128 entries of 128 bytes (16 KiB); a MiB is already absurd. */
const MAX_ENTRY_BYTES = 1024 * 1024;

export interface GptHeader {
  lba: number;
  alternateLba: number;
  firstUsableLba: number;
  lastUsableLba: number;
  entriesLba: number;
  entryCount: number;
  entrySize: number;
  entriesCrc: number;
  diskGuid: string;
}

export interface GptPartition extends Partition {
  typeGuid: string;
  label: string;
}

export interface Gpt {
  /** The header the partitions were read from (the backup when the primary is unusable). */
  header?: GptHeader;
  partitions: GptPartition[];
  /** Checksum, range and backup problems, each a sentence; empty when the table is sound. */
  problems: string[];
}

const u64 = (b: Buffer, at: number) => {
  const v = b.readBigUInt64LE(at);
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
};

/** Parses and checks one header sector; `problems` gets what is wrong with it, prefixed by `what`. */
export function parseGptHeader(
  sector: Buffer,
  lba: number,
  diskSectors: number,
  what: string,
  problems: string[],
): GptHeader | undefined {
  if (sector.toString('latin1', 0, 8) !== SIGNATURE) {
    problems.push(`The ${what} at sector ${lba} has no "EFI PART" signature.`);
    return undefined;
  }
  const size = sector.readUInt32LE(12);
  if (size < MIN_HEADER || size > SECTOR) {
    problems.push(`The ${what} at sector ${lba} claims a size of ${size} bytes (92–512 allowed).`);
    return undefined;
  }
  const copy = Buffer.from(sector.subarray(0, size));
  copy.writeUInt32LE(0, 16);
  const stored = sector.readUInt32LE(16);
  const computed = crc32(copy);
  if (stored !== computed) {
    problems.push(
      `The ${what} at sector ${lba} fails its CRC32 (stored 0x${stored.toString(16)}, computed 0x${computed.toString(16)}).`,
    );
    return undefined;
  }
  const h: GptHeader = {
    lba: u64(sector, 24),
    alternateLba: u64(sector, 32),
    firstUsableLba: u64(sector, 40),
    lastUsableLba: u64(sector, 48),
    diskGuid: guidAt(sector, 56),
    entriesLba: u64(sector, 72),
    entryCount: sector.readUInt32LE(80),
    entrySize: sector.readUInt32LE(84),
    entriesCrc: sector.readUInt32LE(88),
  };
  const before = problems.length;
  if (h.lba !== lba) problems.push(`The ${what} at sector ${lba} says it lives at sector ${h.lba}.`);
  if (h.firstUsableLba > h.lastUsableLba || h.lastUsableLba >= diskSectors)
    problems.push(
      `The ${what} declares usable sectors ${h.firstUsableLba}–${h.lastUsableLba}, outside the ${diskSectors}-sector disk.`,
    );
  if (h.entrySize < 128 || h.entrySize % 8 !== 0)
    problems.push(
      `The ${what} declares ${h.entrySize}-byte partition entries (128 or a larger multiple of 8 expected).`,
    );
  const bytes = h.entryCount * h.entrySize;
  if (bytes > MAX_ENTRY_BYTES)
    problems.push(
      `The ${what} declares ${h.entryCount} entries of ${h.entrySize} bytes, more than ${MAX_ENTRY_BYTES} bytes.`,
    );
  const arrayEnd = h.entriesLba + Math.ceil(bytes / SECTOR);
  if (h.entriesLba < 2 || arrayEnd > diskSectors)
    problems.push(`The ${what}'s partition entries at sector ${h.entriesLba} lie outside the disk.`);
  return problems.length === before ? h : undefined;
}

/** The non-empty entries of an entry array, numbered from 1 by their slot, as Linux numbers them. */
export function parseGptEntries(array: Buffer, h: GptHeader, problems: string[]): GptPartition[] {
  const out: GptPartition[] = [];
  for (let i = 0; i < h.entryCount; i++) {
    const e = array.subarray(i * h.entrySize, (i + 1) * h.entrySize);
    if (e.subarray(0, 16).every((x) => x === 0)) continue;
    const typeGuid = guidAt(e, 0);
    const type = gptType(typeGuid);
    const first = u64(e, 32);
    const last = u64(e, 40);
    const label = e
      .subarray(56, Math.min(128, h.entrySize))
      .toString('utf16le')
      .replace(/\0.*$/s, '')
      .replace(/[^\x20-\x7e\u00a0-\uffff]/g, '?');
    const p: GptPartition = {
      number: i + 1,
      type: type.mbr,
      typeName: type.name,
      typeGuid,
      label,
      bootable: false,
      startLba: first,
      sectors: last >= first ? last - first + 1 : 0,
      logical: false,
    };
    if (last < first)
      problems.push(`GPT partition ${p.number} ends (sector ${last}) before it starts (sector ${first}).`);
    else if (first < h.firstUsableLba || last > h.lastUsableLba)
      problems.push(
        `GPT partition ${p.number} (sectors ${first}–${last}) lies outside the usable sectors ${h.firstUsableLba}–${h.lastUsableLba}.`,
      );
    out.push(p);
  }
  return out;
}

async function readEntries(disk: ByteSource, h: GptHeader, what: string, problems: string[]) {
  const array = await disk.read(h.entriesLba * SECTOR, h.entryCount * h.entrySize);
  const computed = crc32(array);
  if (computed !== h.entriesCrc) {
    problems.push(
      `The partition entries of the ${what} fail their CRC32 (stored 0x${h.entriesCrc.toString(16)}, computed 0x${computed.toString(16)}).`,
    );
    return undefined;
  }
  return array;
}

export async function readGpt(disk: ByteSource): Promise<Gpt> {
  const diskSectors = Math.floor(disk.size / SECTOR);
  const problems: string[] = [];
  const last = diskSectors - 1;
  const primary = parseGptHeader(await disk.read(SECTOR, SECTOR), 1, diskSectors, 'primary GPT header', problems);
  const primaryArray = primary && (await readEntries(disk, primary, 'primary GPT header', problems));
  // The backup lives where the primary says, which must be the last sector: a disk grown without
  // moving it (qemu-img resize, then no sgdisk -e) has it in the middle, where firmware won't look.
  const backupLba = primary ? primary.alternateLba : last;
  if (primary && backupLba !== last)
    problems.push(
      `The primary GPT header puts its backup at sector ${backupLba}, not at the disk's last sector (${last}).`,
    );
  let backup: GptHeader | undefined;
  let backupArray: Buffer | undefined;
  if (backupLba >= 2 && backupLba < diskSectors) {
    const found: string[] = [];
    backup = parseGptHeader(
      await disk.read(backupLba * SECTOR, SECTOR),
      backupLba,
      diskSectors,
      'backup GPT header',
      found,
    );
    backupArray = backup && (await readEntries(disk, backup, 'backup GPT header', found));
    problems.push(...found);
    if (primary && backup && backup.entriesCrc !== primary.entriesCrc)
      problems.push('The backup GPT header lists different partitions from the primary one.');
  }
  const header = primaryArray ? primary : backupArray ? backup : undefined;
  const array = primaryArray ?? backupArray;
  if (!header || !array) return { header: primary ?? backup, partitions: [], problems };
  return { header, partitions: parseGptEntries(array, header, problems), problems };
}
