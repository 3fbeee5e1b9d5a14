// Certification of one disk image, end to end: SAS URL, VHD footer, partition table and the OS
// inside. Reads go through a budgeted block cache, and every error a hostile image can provoke
// becomes a failing row — certifyDisk does not throw for anything found in the image.
import { BlockSource, Budget, BudgetExceeded } from './block-source';
import { ByteSource, sliceSource } from './byte-source';
import { CheckRow, checkFooter } from './footer-checks';
import { ImageType } from './image-types';
import { checkLinuxOsDisk } from './linux-checks';
import { DEFAULT_LINUX_CONTEXT, LinuxContext, ProvisioningAgent } from './linux-context';
import { PartitionTable, readPartitionTable } from './partitions';
import { checkSasUrl } from './sas-checks';
import { withTestId } from './test-ids';
import { FOOTER_SIZE } from './vhd-footer';
import { checkWindowsOsDisk, looksLikeWindows } from './windows-checks';

export { renderReportHtml } from './report-html';
export type { CheckRow } from './footer-checks';
export type { ImageType } from './image-types';
export type { ProvisioningAgent } from './linux-context';

export type OsFamily = 'Linux' | 'Windows';

export interface CertifyOptions {
  role: 'os' | 'data';
  /** Undefined: Windows when an NTFS partition is found, Linux otherwise. */
  osFamily?: OsFamily;
  /** The SAS URL the image was read from (checked as a SAS URL; never echoed with its signature). */
  url?: string;
  now: Date;
  /** What the disk's plan declares it is (default: x64 Generation 1 only). */
  imageTypes?: readonly ImageType[];
  /** Who provisions VMs from the image, as the plan declares (default: the Azure Linux Agent). */
  provisioning?: ProvisioningAgent;
  /** Oldest Azure Linux Agent accepted (default 2.2.41). */
  minAgentVersion?: string;
  /** Hosts of local development storage, where an http URL is accepted. */
  devStorageHosts?: string[];
  /** Overrides of the read budget (DEFAULT_BUDGET in block-source.ts). */
  budget?: Partial<Budget>;
  onProgress?: (message: string) => void;
  /**
   * Errors of the source itself (a storage outage) that the caller wants thrown to retry them,
   * rather than reported as a failing row.
   */
  isTransient?: (e: unknown) => boolean;
}

export interface DiskStats {
  /** Requests to the underlying source. */
  reads: number;
  bytes: number;
  ms: number;
}

export interface DiskReport {
  rows: CheckRow[];
  stats: DiskStats;
}

export interface CertificationReport {
  offer?: string;
  disks: { label: string; rows: CheckRow[]; stats: DiskStats }[];
  verdict: 'pass' | 'fail';
  generatedAt: string;
}

export async function certifyDisk(source: ByteSource, opts: CertifyOptions): Promise<DiskReport> {
  const started = Date.now();
  const src = new BlockSource(source, { budget: opts.budget });
  const progress = opts.onProgress ?? (() => undefined);
  const rows: CheckRow[] = [];
  if (opts.url !== undefined)
    rows.push(...checkSasUrl(opts.url, { now: opts.now, devStorageHosts: opts.devStorageHosts }));
  try {
    await checkImage(src, opts, progress, rows);
  } catch (e) {
    if (opts.isTransient?.(e)) throw e;
    rows.push(failureRow(e, src.budget));
  }
  return {
    rows: rows.map(withTestId),
    stats: { reads: src.stats.reads, bytes: src.stats.bytes, ms: Date.now() - started },
  };
}

/** Appends rows as checks complete, so an error part-way keeps everything found before it. */
async function checkImage(
  src: BlockSource,
  opts: CertifyOptions,
  progress: (m: string) => void,
  rows: CheckRow[],
): Promise<void> {
  if (src.size < FOOTER_SIZE) {
    rows.push({
      id: 'vhd.length',
      name: 'Image holds a VHD footer',
      result: 'fail',
      actual: `${src.size} bytes`,
      expected: `at least ${FOOTER_SIZE} bytes`,
      fix: 'Upload the complete fixed VHD.',
    });
    return;
  }
  progress('reading the VHD footer');
  const footerRows = checkFooter(await src.read(src.size - FOOTER_SIZE, FOOTER_SIZE), src.size, {
    kind: opts.role,
    osFamily: opts.osFamily,
  });
  rows.push(...footerRows);
  // Without the cookie the file is not a VHD and its layout is unknown: nothing more to read.
  if (footerRows.some((r) => r.id === 'vhd.cookie' && r.result === 'fail')) return;
  // The disk is what is really there, whatever size the footer claims.
  const disk = sliceSource(src, 0, src.size - FOOTER_SIZE, 'the disk');
  progress('reading the partition table');
  const table = await readPartitionTable(disk);
  if (opts.role === 'data') {
    rows.push(dataDiskRow(table));
    return;
  }
  const family = opts.osFamily ?? ((await looksLikeWindows(disk, table)) ? 'Windows' : 'Linux');
  if (family === 'Windows') await checkWindowsOsDisk(disk, table, rows);
  else await checkLinuxOsDisk(disk, table, rows, progress, linuxContext(opts));
}

function linuxContext(opts: CertifyOptions): LinuxContext {
  return {
    imageTypes: opts.imageTypes?.length ? opts.imageTypes : DEFAULT_LINUX_CONTEXT.imageTypes,
    provisioning: opts.provisioning ?? DEFAULT_LINUX_CONTEXT.provisioning,
    minAgentVersion: opts.minAgentVersion ?? DEFAULT_LINUX_CONTEXT.minAgentVersion,
  };
}

function dataDiskRow(table: PartitionTable): CheckRow {
  const base = {
    id: 'partition.data',
    name: 'Data disk partition table',
    expected: 'blank, or a valid partition table',
  };
  if (table.scheme === 'none') return { ...base, result: 'pass', actual: 'no partition table (blank disk)' };
  return {
    ...base,
    result: table.problems.length ? 'fail' : 'pass',
    actual: table.problems.length
      ? table.problems.join(' ')
      : `${table.scheme.toUpperCase()} with ${table.partitions.length} partition(s)`,
    fix: 'The partition table is corrupt: rewrite it for this disk size (or leave the data disk blank) and upload again.',
  };
}

function failureRow(e: unknown, budget: Budget): CheckRow {
  const msg = e instanceof Error ? e.message : String(e);
  if (e instanceof BudgetExceeded) {
    return {
      id: 'image.budget',
      name: 'Image checked within the read budget',
      result: 'fail',
      actual: msg,
      expected: `at most ${budget.maxReads} reads, ${Math.round(budget.maxBytes / 2 ** 20)} MiB and ${budget.deadlineMs / 1000} s`,
      fix: 'The image structures are corrupt or unusually large, or the storage is very slow: check the image (e2fsck -f, qemu-img check) and that the blob is readable from Azure.',
    };
  }
  return {
    id: 'image.readable',
    name: 'Image readable',
    result: 'fail',
    actual: msg,
    expected: 'a readable fixed VHD',
    fix: 'The image could not be read to the end of the checks: check that the upload is complete and the SAS URL still valid, then certify again.',
  };
}

export function verdictOf(rows: CheckRow[]): 'pass' | 'fail' {
  return rows.some((r) => r.result === 'fail') ? 'fail' : 'pass';
}

/** A report over several disks; it passes only when no row of any disk fails. */
export function buildReport(
  disks: CertificationReport['disks'],
  opts: { offer?: string; now: Date },
): CertificationReport {
  return {
    offer: opts.offer,
    disks,
    verdict: verdictOf(disks.flatMap((d) => d.rows)),
    generatedAt: opts.now.toISOString(),
  };
}
