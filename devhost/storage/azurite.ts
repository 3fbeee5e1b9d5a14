import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The well-known development storage account every Azurite accepts. */
export const DEV_ACCOUNT = 'devstoreaccount1';
export const DEV_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuriteHandle {
  connectionString: string;
  ports: { blob: number; queue: number; table: number };
  process: ChildProcess;
  stop(): Promise<void>;
}

export function devConnectionString(host: string, ports: { blob: number; queue: number; table: number }): string {
  return [
    'DefaultEndpointsProtocol=http',
    `AccountName=${DEV_ACCOUNT}`,
    `AccountKey=${DEV_KEY}`,
    `BlobEndpoint=http://${host}:${ports.blob}/${DEV_ACCOUNT}`,
    `QueueEndpoint=http://${host}:${ports.queue}/${DEV_ACCOUNT}`,
    `TableEndpoint=http://${host}:${ports.table}/${DEV_ACCOUNT}`,
  ].join(';') + ';';
}

export interface AzuriteOptions {
  /** Folder for persisted data; omitted = in memory. */
  location?: string;
  ports?: { blob: number; queue: number; table: number };
  log?: (line: string) => void;
}

const KEEP_ALIVE_SECONDS = 3600;

/** Starts Azurite from node_modules on loopback (telemetry off), resolving once all three services listen. */
export async function startAzurite(opts: AzuriteOptions = {}): Promise<AzuriteHandle> {
  const bin = require.resolve('azurite/dist/src/azurite.js');
  const ports = opts.ports ?? { blob: 0, queue: 0, table: 0 };
  const args = [
    bin,
    '--silent',
    '--disableTelemetry',
    '--skipApiVersionCheck',
    '--loose',
    '--blobHost', '127.0.0.1', '--queueHost', '127.0.0.1', '--tableHost', '127.0.0.1',
    '--blobPort', String(ports.blob), '--queuePort', String(ports.queue), '--tablePort', String(ports.table),
    // Azurite closes idle keep-alive connections after 5 s; a client reusing one just as it closes
    // gets a reset and the SDKs retry after a back-off, so the first request after a pause of about
    // five seconds took up to 5 s. Azure Storage keeps idle connections far longer: so does this.
    '--blobKeepAliveTimeout', String(KEEP_ALIVE_SECONDS), '--queueKeepAliveTimeout', String(KEEP_ALIVE_SECONDS), '--tableKeepAliveTimeout', String(KEEP_ALIVE_SECONDS),
  ];
  if (opts.location) {
    fs.mkdirSync(opts.location, { recursive: true });
    args.push('--location', opts.location);
  } else {
    args.push('--inMemoryPersistence');
  }
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const found: Partial<Record<'blob' | 'queue' | 'table', number>> = {};
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Azurite did not start within 30 s. ${stderr}`)), 30_000);
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        opts.log?.(line);
        const m = /Azurite (Blob|Queue|Table) service is successfully listen\w* (?:at|on) https?:\/\/[^:]+:(\d+)/.exec(line);
        if (m) found[m[1].toLowerCase() as 'blob'] = Number(m[2]);
        if (found.blob && found.queue && found.table) {
          clearTimeout(timer);
          resolve();
        }
      }
    });
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Azurite exited with code ${code}. ${stderr}`));
    });
  });
  const resolved = { blob: found.blob!, queue: found.queue!, table: found.table! };
  return {
    connectionString: devConnectionString('127.0.0.1', resolved),
    ports: resolved,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}

export function defaultDataDir(appDir: string): string {
  return path.join(appDir, '.azurite');
}
