import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { AzuritePorts, AzuriteStartError, DataFolderLock, lockDataFolder, serverHeader } from './azurite-lock';

export { AzuritePorts, AzuriteStartError, LOCK_FILE } from './azurite-lock';

/** The well-known development storage account every Azurite accepts. */
export const DEV_ACCOUNT = 'devstoreaccount1';
export const DEV_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuriteHandle {
  connectionString: string;
  ports: AzuritePorts;
  process: ChildProcess;
  /** The data folder, when persisted. */
  location?: string;
  /** The end of what Azurite wrote to stderr (why it stopped, when it stops unexpectedly). */
  stderrTail(): string;
  stop(): Promise<void>;
}

/** The ports Azurite, the Storage emulator, `UseDevelopmentStorage=true` and Storage Explorer use. */
export const CONVENTIONAL_PORTS: AzuritePorts = { blob: 10000, queue: 10001, table: 10002 };

export function devConnectionString(host: string, ports: AzuritePorts): string {
  return (
    [
      'DefaultEndpointsProtocol=http',
      `AccountName=${DEV_ACCOUNT}`,
      `AccountKey=${DEV_KEY}`,
      `BlobEndpoint=http://${host}:${ports.blob}/${DEV_ACCOUNT}`,
      `QueueEndpoint=http://${host}:${ports.queue}/${DEV_ACCOUNT}`,
      `TableEndpoint=http://${host}:${ports.table}/${DEV_ACCOUNT}`,
    ].join(';') + ';'
  );
}

export interface AzuriteOptions {
  /** Folder for persisted data; omitted = in memory. A folder is locked for one devhost at a time. */
  location?: string;
  /**
   * Fixed ports, or `conventional` (10000 blob, 10001 queue, 10002 table); omitted = free ports
   * the system picks (tests). Fixed ports must be free: a taken one is an AzuriteStartError naming it.
   */
  ports?: AzuritePorts | 'conventional';
  log?: (line: string) => void;
  /** Told what was done about an Azurite left running on the data folder by a devhost that ended. */
  notice?: (line: string) => void;
}

/** Reads `blob,queue,table` (e.g. the setting DEVHOST_AZURITE_PORTS=10000,10001,10002). */
export function parsePorts(value: string, what = 'DEVHOST_AZURITE_PORTS'): AzuritePorts {
  const parts = value.split(',').map((p) => p.trim());
  const nums = parts.map(Number);
  if (
    parts.length !== 3 ||
    nums.some((n, i) => !/^\d+$/.test(parts[i]) || n < 1 || n > 65535) ||
    new Set(nums).size !== 3
  ) {
    throw new AzuriteStartError(
      `${what} must be three different ports blob,queue,table (e.g. 10000,10001,10002); got "${value}".`,
    );
  }
  return { blob: nums[0], queue: nums[1], table: nums[2] };
}

/** The wrapper that runs Azurite: compiled beside this file, or in dist/ when this file runs as TypeScript (jest). */
function wrapperScript(): string {
  const beside = path.join(__dirname, 'azurite-process.js');
  if (fs.existsSync(beside)) return beside;
  const built = path.resolve(__dirname, '../../dist/src/storage/azurite-process.js');
  if (fs.existsSync(built)) return built;
  throw new Error(`${beside} is missing: build first (npm run build).`);
}

/** Whether 127.0.0.1:port can be listened on now. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Every fixed port that is taken, with what answers there, as one message saying what to do. */
async function assertPortsFree(ports: AzuritePorts, location: string | undefined): Promise<void> {
  const taken: string[] = [];
  let anAzurite = false;
  for (const service of ['blob', 'queue', 'table'] as const) {
    const port = ports[service];
    if (await portFree(port)) continue;
    const server = await serverHeader(port);
    const isAzurite = !!server?.startsWith('Azurite');
    anAzurite ||= isAzurite;
    taken.push(
      `  ${port} (${service}): ${isAzurite ? `another Azurite (${server})` : server ? `another program (it answers HTTP as "${server}")` : 'another program'}`,
    );
  }
  if (!taken.length) return;
  const first = Number(/\d+/.exec(taken[0])![0]);
  throw new AzuriteStartError(
    [
      `Cannot start Azurite: ${taken.length === 1 ? 'this port' : 'these ports'} on 127.0.0.1 ${taken.length === 1 ? 'is' : 'are'} taken:`,
      ...taken,
      ...(anAzurite
        ? [
            `That Azurite is not the one recorded in the lock file of ${location ?? 'this data folder'}, so it is left alone: it serves another data folder, or was started some other way.`,
          ]
        : []),
      'What to do:',
      `  - stop what holds the port (find it with \`lsof -nP -iTCP:${first} -sTCP:LISTEN\`, or \`netstat -ano | findstr :${first}\` on Windows), then start again;`,
      `  - or choose three free ports: DEVHOST_AZURITE_PORTS=blob,queue,table (URLs already stored in the data folder keep naming the ports they were made with)` +
        (anAzurite ? ';' : '.'),
      ...(anAzurite
        ? [
            '  - or use that Azurite: set AzureWebJobsStorage to its full connection string (BlobEndpoint=…, QueueEndpoint=…, TableEndpoint=…), and no Azurite is started.',
          ]
        : []),
    ].join('\n'),
  );
}

const KEEP_ALIVE_SECONDS = 3600;

/**
 * Starts Azurite from node_modules on loopback (telemetry off), resolving once all three services
 * listen. It runs under a small wrapper (azurite-process.js) that shuts it down when this process
 * ends, even by SIGKILL. With a data folder, the folder's lock file records this process, Azurite's
 * pid and its ports; an Azurite a killed devhost left on the folder is stopped first.
 */
export async function startAzurite(opts: AzuriteOptions = {}): Promise<AzuriteHandle> {
  const bin = require.resolve('azurite/dist/src/azurite.js');
  const ports = opts.ports === 'conventional' ? CONVENTIONAL_PORTS : (opts.ports ?? { blob: 0, queue: 0, table: 0 });
  const lock: DataFolderLock | undefined = opts.location
    ? await lockDataFolder(path.resolve(opts.location), opts.notice ?? (() => undefined))
    : undefined;
  try {
    if (ports.blob || ports.queue || ports.table)
      await assertPortsFree(ports, opts.location && path.resolve(opts.location));
    const handle = await spawnAzurite(bin, ports, opts, lock);
    lock?.running(handle.process.pid!, handle.ports);
    return handle;
  } catch (e) {
    lock?.release();
    throw e;
  }
}

async function spawnAzurite(
  bin: string,
  ports: AzuritePorts,
  opts: AzuriteOptions,
  lock: DataFolderLock | undefined,
): Promise<AzuriteHandle> {
  const args = [
    wrapperScript(),
    bin,
    '--silent',
    '--disableTelemetry',
    '--skipApiVersionCheck',
    '--loose',
    '--blobHost',
    '127.0.0.1',
    '--queueHost',
    '127.0.0.1',
    '--tableHost',
    '127.0.0.1',
    '--blobPort',
    String(ports.blob),
    '--queuePort',
    String(ports.queue),
    '--tablePort',
    String(ports.table),
    // Azurite closes idle keep-alive connections after 5 s; a client reusing one just as it closes
    // gets a reset and the SDKs retry after a back-off, so the first request after a pause of about
    // five seconds took up to 5 s. Azure Storage keeps idle connections far longer: so does this.
    '--blobKeepAliveTimeout',
    String(KEEP_ALIVE_SECONDS),
    '--queueKeepAliveTimeout',
    String(KEEP_ALIVE_SECONDS),
    '--tableKeepAliveTimeout',
    String(KEEP_ALIVE_SECONDS),
  ];
  if (opts.location) {
    fs.mkdirSync(opts.location, { recursive: true });
    args.push('--location', opts.location);
  } else {
    args.push('--inMemoryPersistence');
  }
  // stdin is a pipe only this process writes: when it ends, however it ends, the wrapper sees the
  // pipe close and shuts Azurite down. Its own session (POSIX), so Ctrl-C in the terminal
  // reaches the devhost only, which stops the host before Azurite.
  const child = spawn(process.execPath, args, {
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: process.platform !== 'win32',
    env: { ...process.env, DEVHOST_AZURITE_PARENT_PID: String(process.pid) },
  });
  child.stdin.on('error', () => undefined);
  child.once('exit', () => lock?.release());
  const found: Partial<Record<'blob' | 'queue' | 'table', number>> = {};
  let stderr = '';
  const listening = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Azurite did not start within 30 s. ${stderr}`)), 30_000);
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        opts.log?.(line);
        const m = /Azurite (Blob|Queue|Table) service is successfully listen\w* (?:at|on) https?:\/\/[^:]+:(\d+)/.exec(
          line,
        );
        if (m) found[m[1].toLowerCase() as 'blob'] = Number(m[2]);
        if (found.blob && found.queue && found.table) {
          clearTimeout(timer);
          resolve();
        }
      }
    });
    child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-8192)));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Azurite exited with code ${code}. ${stderr.trim()}`));
    });
  });
  await listening.catch((e: Error) => {
    if (child.exitCode === null && !child.signalCode) child.kill('SIGKILL');
    throw e;
  });
  const resolved = { blob: found.blob!, queue: found.queue!, table: found.table! };
  return {
    connectionString: devConnectionString('127.0.0.1', resolved),
    ports: resolved,
    process: child,
    location: opts.location && path.resolve(opts.location),
    stderrTail: () => stderr.trim(),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        // The wrapper saves Azurite's databases on SIGTERM; SIGKILL only if that hangs.
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
}

export function defaultDataDir(appDir: string): string {
  return path.join(appDir, '.azurite');
}
