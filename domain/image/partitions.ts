// The partition table of a disk image: the MBR (sector 0) with its four entries and, through
// extended partitions, the chain of logical ones; or, behind a protective MBR, the GPT (gpt.ts).
// Every number read from the disk is checked against the disk before it is used.
import { ByteSource } from './byte-source';
import { GptHeader, readGpt } from './gpt';

export const SECTOR = 512;
/** 1 MiB: where Azure expects the first partition of a Generation 1 image. */
export const FIRST_PARTITION_LBA = 2048;

export const PARTITION_TYPES: Record<number, string> = {
  0x05: 'Extended (CHS)',
  0x06: 'FAT16',
  0x07: 'NTFS/exFAT',
  0x0b: 'FAT32 (CHS)',
  0x0c: 'FAT32 (LBA)',
  0x0f: 'Extended (LBA)',
  0x27: 'Windows recovery',
  0x82: 'Linux swap',
  0x83: 'Linux',
  0x85: 'Linux extended',
  0x8e: 'Linux LVM',
  0xee: 'GPT protective',
  0xef: 'EFI system',
  0xfd: 'Linux RAID',
};

export const TYPE = { ntfs: 0x07, swap: 0x82, linux: 0x83, lvm: 0x8e, gptProtective: 0xee } as const;
const EXTENDED = new Set([0x05, 0x0f, 0x85]);
/** More logical partitions than this is not a real disk. */
const MAX_LOGICAL = 64;

export interface Partition {
  /** 1–4 for primary entries, 5… for logical partitions (as Linux numbers them). */
  number: number;
  type: number;
  typeName: string;
  bootable: boolean;
  startLba: number;
  sectors: number;
  logical: boolean;
  /** GPT entries: the type GUID (`type` then holds the MBR byte of the same meaning) and the entry's name. */
  typeGuid?: string;
  label?: string;
}

export interface GptInfo {
  /** The header the entries were read from; undefined when neither header is usable. */
  header?: GptHeader;
  /** Sector 0 of a GPT disk: one 0xEE entry ('ok'), 0xEE beside other entries ('hybrid'), or none. */
  protectiveMbr: 'ok' | 'hybrid' | 'missing';
}

export interface PartitionTable {
  /** 'mbr' with a valid signature; 'gpt' when a protective entry or a GPT header is present. */
  scheme: 'mbr' | 'gpt' | 'none';
  /** 0x55AA at the end of sector 0. */
  signature: boolean;
  /** "EFI PART" at LBA 1. */
  gptHeader: boolean;
  /** Non-empty entries, primary then logical (extended containers included). */
  partitions: Partition[];
  /** Entries outside the disk, overlapping, a broken extended chain or GPT checksum; empty when sound. */
  problems: string[];
  /** Set when scheme is 'gpt'. */
  gpt?: GptInfo;
}

export const typeName = (type: number): string =>
  PARTITION_TYPES[type] ?? `unknown (0x${type.toString(16).padStart(2, '0')})`;
export const isExtended = (p: Partition): boolean => EXTENDED.has(p.type);
export const describe = (p: Partition): string =>
  `partition ${p.number} (${p.typeName}, sectors ${p.startLba}–${p.startLba + p.sectors - 1})`;

/** The four entries of an MBR or EBR sector (empty entries left out). */
export function parseMbrEntries(sector: Buffer, numberBase = 1): Partition[] {
  const out: Partition[] = [];
  for (let i = 0; i < 4; i++) {
    const e = 446 + i * 16;
    const type = sector[e + 4];
    if (type === 0) continue;
    out.push({
      number: numberBase + i,
      type,
      typeName: typeName(type),
      bootable: sector[e] === 0x80,
      startLba: sector.readUInt32LE(e + 8),
      sectors: sector.readUInt32LE(e + 12),
      logical: false,
    });
  }
  return out;
}

export const hasBootSignature = (sector: Buffer): boolean =>
  sector.length >= SECTOR && sector[510] === 0x55 && sector[511] === 0xaa;

export async function readPartitionTable(disk: ByteSource): Promise<PartitionTable> {
  const diskSectors = Math.floor(disk.size / SECTOR);
  if (diskSectors < 2)
    return {
      scheme: 'none',
      signature: false,
      gptHeader: false,
      partitions: [],
      problems: [`The disk is ${disk.size} bytes: too small for a partition table.`],
    };
  const head = await disk.read(0, 2 * SECTOR);
  const signature = hasBootSignature(head);
  const gptHeader = head.toString('latin1', SECTOR, SECTOR + 8) === 'EFI PART';
  const primary = signature ? parseMbrEntries(head) : [];
  if (gptHeader || primary.some((p) => p.type === TYPE.gptProtective))
    return readGptTable(disk, primary, signature, gptHeader);
  if (!signature) return { scheme: 'none', signature, gptHeader, partitions: [], problems: [] };
  const problems: string[] = [];
  const logical: Partition[] = [];
  const extended = primary.filter(isExtended);
  if (extended.length > 1) problems.push(`The MBR has ${extended.length} extended partitions; at most one is allowed.`);
  if (extended.length >= 1 && inside(extended[0], diskSectors))
    logical.push(...(await readLogical(disk, extended[0], diskSectors, problems)));
  const partitions = [...primary, ...logical];
  problems.push(...validatePartitions(primary, logical, diskSectors));
  return { scheme: 'mbr', signature, gptHeader, partitions, problems };
}

async function readGptTable(
  disk: ByteSource,
  mbrEntries: Partition[],
  signature: boolean,
  gptHeader: boolean,
): Promise<PartitionTable> {
  const gpt = await readGpt(disk);
  const protective = mbrEntries.filter((p) => p.type === TYPE.gptProtective);
  const protectiveMbr = protective.length === 0 ? 'missing' : mbrEntries.length > protective.length ? 'hybrid' : 'ok';
  const problems = [
    ...gpt.problems,
    // Entries that end before they start are reported by the GPT reader already.
    ...validatePartitions(
      gpt.partitions.filter((p) => p.sectors > 0),
      [],
      Math.floor(disk.size / SECTOR),
    ),
  ];
  return {
    scheme: 'gpt',
    signature,
    gptHeader,
    partitions: gpt.partitions,
    problems,
    gpt: { header: gpt.header, protectiveMbr },
  };
}

const inside = (p: Partition, diskSectors: number) =>
  p.startLba >= 1 && p.sectors >= 1 && p.startLba + p.sectors <= diskSectors;

/** Follows the EBR chain of an extended partition, bounded and loop-checked. */
async function readLogical(
  disk: ByteSource,
  ext: Partition,
  diskSectors: number,
  problems: string[],
): Promise<Partition[]> {
  const out: Partition[] = [];
  const seen = new Set<number>();
  let ebr = ext.startLba;
  while (out.length < MAX_LOGICAL) {
    if (seen.has(ebr)) {
      problems.push(`The chain of logical partitions in ${describe(ext)} loops back to sector ${ebr}.`);
      return out;
    }
    seen.add(ebr);
    if (ebr < ext.startLba || ebr >= ext.startLba + ext.sectors || ebr >= diskSectors) {
      problems.push(`A logical partition table at sector ${ebr} lies outside ${describe(ext)}.`);
      return out;
    }
    const sector = await disk.read(ebr * SECTOR, SECTOR);
    if (!hasBootSignature(sector)) {
      // An extended partition without any logical partition has an empty (often zeroed) first EBR.
      if (ebr !== ext.startLba) problems.push(`The logical partition table at sector ${ebr} has no 0x55AA signature.`);
      return out;
    }
    const [data, next] = parseMbrEntries(sector, 0);
    if (data && !EXTENDED.has(data.type) && data.number === 0) {
      out.push({ ...data, number: 5 + out.length, startLba: ebr + data.startLba, logical: true });
    }
    const link = [data, next].find((e) => e && EXTENDED.has(e.type));
    if (!link) return out;
    ebr = ext.startLba + link.startLba;
  }
  problems.push(`${describe(ext)} holds more than ${MAX_LOGICAL} logical partitions.`);
  return out;
}

/** Entries must lie on the disk after the MBR and must not overlap (logical ones inside their container). */
export function validatePartitions(primary: Partition[], logical: Partition[], diskSectors: number): string[] {
  const problems: string[] = [];
  const ext = primary.find(isExtended);
  for (const p of [...primary, ...logical]) {
    if (p.sectors === 0) problems.push(`${describe(p)} has no sectors.`);
    else if (p.startLba === 0) problems.push(`${describe(p)} starts at sector 0, on top of the partition table.`);
    else if (p.startLba + p.sectors > diskSectors)
      problems.push(`${describe(p)} ends beyond the end of the disk (${diskSectors} sectors).`);
    else if (p.logical && ext && (p.startLba <= ext.startLba || p.startLba + p.sectors > ext.startLba + ext.sectors))
      problems.push(`${describe(p)} is not inside its ${describe(ext)}.`);
  }
  const overlapIn = (list: Partition[]) => {
    const sorted = [...list].filter((p) => p.sectors > 0).sort((a, b) => a.startLba - b.startLba);
    if (sorted.length < 2) return;
    // Compare with the entry reaching furthest so far, so one big entry covering two is caught twice.
    let reach = sorted[0];
    for (const p of sorted.slice(1)) {
      if (p.startLba < reach.startLba + reach.sectors) problems.push(`${describe(p)} overlaps ${describe(reach)}.`);
      if (p.startLba + p.sectors > reach.startLba + reach.sectors) reach = p;
    }
  };
  overlapIn(primary);
  overlapIn(logical);
  return problems;
}

/** The partition that starts first on the disk (the one the 1 MiB rule is about). */
export function firstPartition(partitions: Partition[]): Partition | undefined {
  return partitions.filter((p) => !p.logical && p.sectors > 0).sort((a, b) => a.startLba - b.startLba)[0];
}
