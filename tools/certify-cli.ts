// Certifies one VHD from the command line, the same way the publishing pipeline does:
//   node dist/tools/certify-cli.js <file.vhd | https-url> [--os Linux|Windows] [--data] [--json] [--html report.html] [--dev-storage]
// Reads only what the checks need (ranged reads of a local file, or ranged GETs of a SAS URL),
// prints progress to stderr and the report to stdout. Exit code: 0 pass, 1 fail, 2 usage error.
// Standalone on purpose: it imports the domain only, no adapters or app settings.
import fs from 'node:fs';
import path from 'node:path';
import { ByteSource } from '../domain/image/byte-source';
import {
  buildReport,
  CertificationReport,
  certifyDisk,
  CheckRow,
  DiskStats,
  OsFamily,
  renderReportHtml,
} from '../domain/image/certify';
import { RESULT_LABELS } from '../domain/image/report-html';
import { checkSasUrl, redactSasUrl } from '../domain/image/sas-checks';

export const USAGE = `usage: certify-cli <file.vhd | https-url> [options]

  --os Linux|Windows   OS family of the image (default: Windows if an NTFS partition is found)
  --data               certify a data disk instead of an OS disk
  --json               print the report as JSON instead of a table
  --html <file>        also write the report as a self-contained HTML page
  --dev-storage        the URL's host is local development storage (Azurite): allow http
  -h, --help           show this help

exit code: 0 the image passes, 1 it fails, 2 usage error`;

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

const processIo: CliIo = { stdout: (t) => void process.stdout.write(t), stderr: (t) => void process.stderr.write(t) };

export interface CliArgs {
  target: string;
  osFamily?: OsFamily;
  role: 'os' | 'data';
  json: boolean;
  html?: string;
  devStorage: boolean;
}

class UsageError extends Error {}

export function parseArgs(argv: string[]): CliArgs | 'help' {
  const args: Partial<CliArgs> = { role: 'os', json: false, devStorage: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${a} needs a value.`);
      return v;
    };
    if (a === '-h' || a === '--help') return 'help';
    else if (a === '--json') args.json = true;
    else if (a === '--data') args.role = 'data';
    else if (a === '--dev-storage') args.devStorage = true;
    else if (a === '--html') args.html = value();
    else if (a === '--os') {
      const v = value().toLowerCase();
      if (v !== 'linux' && v !== 'windows')
        throw new UsageError(`--os must be Linux or Windows, not ${JSON.stringify(v)}.`);
      args.osFamily = v === 'linux' ? 'Linux' : 'Windows';
    } else if (a.startsWith('-')) throw new UsageError(`Unknown option ${a}.`);
    else if (args.target !== undefined) throw new UsageError('Give one image (a file or a URL).');
    else args.target = a;
  }
  if (args.target === undefined) throw new UsageError('No image given.');
  return args as CliArgs;
}

/** Ranged reads of a local file. */
export async function openFileSource(file: string): Promise<ByteSource & { close(): Promise<void> }> {
  const fh = await fs.promises.open(file, 'r');
  const { size } = await fh.stat();
  return {
    size,
    async read(offset, length) {
      const buf = Buffer.alloc(length);
      for (let done = 0; done < length;) {
        const { bytesRead } = await fh.read(buf, done, length - done, offset + done);
        if (bytesRead === 0) throw new Error(`${file} ended at byte ${offset + done} while reading.`);
        done += bytesRead;
      }
      return buf;
    },
    close: () => fh.close(),
  };
}

const REQUEST_TIMEOUT_MS = 30_000;

/** Ranged GETs of a URL (a blob SAS URL); its size from the first answer's Content-Range. */
export async function openUrlSource(url: string): Promise<ByteSource> {
  const shown = redactSasUrl(url);
  const get = async (start: number, end: number): Promise<Buffer> => {
    let res: Response;
    try {
      res = await fetch(url, {
        headers: { Range: `bytes=${start}-${end}`, 'x-ms-version': '2021-08-06' },
        redirect: 'error',
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (e) {
      throw new Error(`Not able to download blob using provided SAS Uri (${shown}): ${(e as Error).message}`);
    }
    if (res.status !== 206 && res.status !== 200) {
      await res.arrayBuffer().catch(() => undefined);
      throw new Error(`Not able to download blob using provided SAS Uri (${shown}): HTTP ${res.status}.`);
    }
    return Buffer.from(await res.arrayBuffer());
  };
  const first = await fetchFirst(url, shown);
  return {
    size: first,
    async read(offset, length) {
      const buf = await get(offset, offset + length - 1);
      if (buf.length !== length)
        throw new Error(
          `Expected ${length} bytes at ${offset} from ${shown}, got ${buf.length} (does the server honour Range?).`,
        );
      return buf;
    },
  };
}

async function fetchFirst(url: string, shown: string): Promise<number> {
  let res: Response;
  try {
    res = await fetch(url, {
      headers: { Range: 'bytes=0-0', 'x-ms-version': '2021-08-06' },
      redirect: 'error',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (e) {
    throw new Error(`Not able to download blob using provided SAS Uri (${shown}): ${(e as Error).message}`);
  }
  await res.arrayBuffer().catch(() => undefined);
  if (res.status !== 206)
    throw new Error(
      `Not able to download blob using provided SAS Uri (${shown}): HTTP ${res.status}${res.status === 200 ? ' (ranged reads not supported)' : ''}.`,
    );
  const total = Number(/\/(\d+)$/.exec(res.headers.get('content-range') ?? '')?.[1]);
  if (!Number.isSafeInteger(total) || total <= 0)
    throw new Error(`${shown}: the blob's size is unknown (no Content-Range).`);
  return total;
}

export function formatTable(report: CertificationReport): string {
  const lines: string[] = [];
  for (const d of report.disks) {
    lines.push(`Certification of ${d.label}`, '');
    const width = Math.min(48, Math.max(5, ...d.rows.map((r) => r.name.length)));
    lines.push(`${'RESULT'.padEnd(14)}${'CHECK'.padEnd(width + 2)}FOUND`);
    for (const r of d.rows) {
      lines.push(`${RESULT_LABELS[r.result].toUpperCase().padEnd(14)}${r.name.padEnd(width + 2)}${r.actual}`);
      if (r.result !== 'pass') {
        lines.push(`${''.padEnd(14)}expected: ${r.expected}`);
        if (r.fix) lines.push(`${''.padEnd(14)}fix: ${r.fix}`);
      }
    }
    const n = (k: CheckRow['result']) => d.rows.filter((r) => r.result === k).length;
    lines.push(
      '',
      `${n('pass')} passed, ${n('fail')} failed, ${n('warning')} warnings, ${n('manualReview')} for manual review · ${d.stats.reads} reads, ${(d.stats.bytes / 1024).toFixed(0)} KiB, ${d.stats.ms} ms`,
      '',
    );
  }
  lines.push(`Verdict: ${report.verdict.toUpperCase()}`);
  return lines.join('\n') + '\n';
}

export async function main(argv: string[], io: CliIo = processIo, now: () => Date = () => new Date()): Promise<number> {
  let args: CliArgs;
  try {
    const parsed = parseArgs(argv);
    if (parsed === 'help') {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    args = parsed;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr(`certify-cli: ${e.message}\n${USAGE}\n`);
    return 2;
  }
  const isUrl = /^https?:\/\//i.test(args.target);
  const label = `${isUrl ? redactSasUrl(args.target) : path.basename(args.target)} (${args.role === 'data' ? 'data disk' : `${args.osFamily ?? 'auto-detected'} OS disk`})`;
  const progress = (m: string) => io.stderr(`certify: ${m}\n`);
  const finish = (rows: CheckRow[], stats: DiskStats): number => {
    const report = buildReport([{ label, rows, stats }], { now: now() });
    io.stdout(args.json ? `${JSON.stringify(report, null, 2)}\n` : formatTable(report));
    if (args.html) {
      fs.writeFileSync(args.html, renderReportHtml(report));
      progress(`wrote ${args.html}`);
    }
    return report.verdict === 'pass' ? 0 : 1;
  };
  progress(`opening ${isUrl ? redactSasUrl(args.target) : args.target}`);
  let source: ByteSource & { close?(): Promise<void> };
  try {
    source = isUrl ? await openUrlSource(args.target) : await openFileSource(args.target);
  } catch (e) {
    if (!isUrl) {
      io.stderr(`certify-cli: cannot read ${args.target}: ${(e as Error).message}\n`);
      return 2;
    }
    // An unreadable SAS URL is a certification finding, reported like the others.
    const download: CheckRow = {
      id: 'sas.download',
      name: 'Image can be downloaded with its SAS URL',
      result: 'fail',
      actual: (e as Error).message,
      expected: 'a readable .vhd blob (HTTP 206 to a ranged GET)',
      fix: 'Create a new SAS URL for the .vhd blob with read and list permissions and a valid time window.',
    };
    return finish([...checkSasUrl(args.target, { now: now(), devStorageHosts: devHosts(args) }), download], {
      reads: 0,
      bytes: 0,
      ms: 0,
    });
  }
  try {
    const r = await certifyDisk(source, {
      role: args.role,
      osFamily: args.osFamily,
      url: isUrl ? args.target : undefined,
      now: now(),
      devStorageHosts: devHosts(args),
      onProgress: progress,
    });
    return finish(r.rows, r.stats);
  } finally {
    await source.close?.();
  }
}

function devHosts(args: CliArgs): string[] {
  if (!args.devStorage || !/^https?:\/\//i.test(args.target)) return [];
  return [new URL(args.target).host];
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      process.stderr.write(`certify-cli: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
