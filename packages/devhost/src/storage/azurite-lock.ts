// The lock file in an Azurite data folder: which devhost uses the folder, and which Azurite (pid,
// ports) it started there. It lets the next start tell a folder that is in use (another devhost is
// running: refuse, naming it) from one left behind by a devhost that was killed (stop the Azurite
// it may have left running, then start again on the same ports, so stored URLs keep working).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

export interface AzuritePorts {
  blob: number;
  queue: number;
  table: number;
}

/** A problem the user must act on (printed as it is, no stack); the devhost exits non-zero. */
export class AzuriteStartError extends Error {
  override name = 'AzuriteStartError';
}

export const LOCK_FILE = 'devhost-azurite.lock.json';

export interface LockRecord {
  /** The devhost process using the folder. */
  ownerPid: number;
  /** `starting` until Azurite listens, then `running` with its pid and ports. */
  state: 'starting' | 'running';
  azuritePid?: number;
  ports?: AzuritePorts;
  location: string;
  since: string;
}

/** A devhost that has not got Azurite listening within this long is not starting any more. */
const STARTING_LIMIT_MS = 90_000;

export class DataFolderLock {
  constructor(
    readonly file: string,
    private record: LockRecord,
  ) {}

  /** Records the Azurite now serving the folder. */
  running(azuritePid: number, ports: AzuritePorts): void {
    this.record = { ...this.record, state: 'running', azuritePid, ports };
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.record, null, 2) + '\n');
    fs.renameSync(tmp, this.file);
  }

  /** Removes the lock file if it is still this process's. */
  release(): void {
    const held = readLock(this.file);
    if (held && held.ownerPid === this.record.ownerPid && held.since === this.record.since)
      fs.rmSync(this.file, { force: true });
  }
}

export function readLock(file: string): LockRecord | undefined {
  try {
    const r = JSON.parse(fs.readFileSync(file, 'utf8')) as LockRecord;
    return Number.isInteger(r.ownerPid) ? r : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a process with this pid runs (one of another user counts; a zombie, exited but not yet reaped, does not). */
export function isAlive(pid: number | undefined): boolean {
  if (!pid || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (process.platform === 'linux') {
    try {
      // /proc/<pid>/stat: "pid (comm) state …"; comm may hold spaces and parentheses.
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
    } catch {
      return false;
    }
  }
  return true;
}

/** The command line of a process where the system says it cheaply (Linux, macOS); else undefined. */
export function commandLine(pid: number): string | undefined {
  if (process.platform === 'linux') {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    } catch {
      return undefined;
    }
  }
  if (process.platform === 'win32') return undefined;
  try {
    return (
      execFileSync('ps', ['-o', 'command=', '-p', String(pid)], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 2000,
      }).trim() || undefined
    );
  } catch {
    return undefined;
  }
}

/** The `Server` header of whatever answers HTTP on 127.0.0.1:port (Azurite: `Azurite-Blob/3.35.0`). */
export function serverHeader(port: number, timeoutMs = 1500): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(String(res.headers.server ?? '') || '(no Server header)');
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

/** SIGTERM (Azurite saves its databases and exits), then SIGKILL after 10 s. */
async function stopProcess(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return !isAlive(pid);
  }
  if (await waitForExit(pid, 10_000)) return true;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* gone meanwhile */
  }
  return waitForExit(pid, 5_000);
}

const portList = (p?: AzuritePorts) =>
  p ? `blob ${p.blob}, queue ${p.queue}, table ${p.table}` : 'ports not yet known';

/** Is the recorded Azurite pid (still) the Azurite this lock names, and not a process that reused the pid? */
async function recordedAzurite(held: LockRecord): Promise<{ pid: number; answer?: string } | undefined> {
  const pid = held.azuritePid;
  if (!pid || pid === process.pid || !isAlive(pid)) return undefined;
  const answer = held.ports ? await serverHeader(held.ports.blob) : undefined;
  const answersAsAzurite = !!answer?.startsWith('Azurite');
  const cmd = commandLine(pid);
  // Where the command line is known it decides (an Azurite shutting down no longer answers);
  // elsewhere (Windows) the process must answer as Azurite on its recorded port.
  const isAzurite = cmd !== undefined ? /azurite/i.test(cmd) : answersAsAzurite;
  return isAzurite ? { pid, answer: answersAsAzurite ? answer : undefined } : undefined;
}

function inUse(held: LockRecord, location: string, file: string): AzuriteStartError {
  return new AzuriteStartError(
    [
      `The Azurite data folder ${location} is in use by another devhost: pid ${held.ownerPid}` +
        (held.azuritePid
          ? `, with Azurite pid ${held.azuritePid} on 127.0.0.1 ${portList(held.ports)}.`
          : ', still starting.'),
      'Only one devhost may use a data folder at a time. What to do:',
      `  - use the one already running, or stop it (Ctrl-C in its terminal, or kill ${held.ownerPid}) and start again;`,
      '  - or run this one beside it with another folder and other ports: DEVHOST_AZURITE_DIR=… DEVHOST_AZURITE_PORTS=blob,queue,table.',
      `(The lock file is ${file}; if no devhost is running after all, delete it.)`,
    ].join('\n'),
  );
}

/**
 * Takes the data folder for this process. A folder in use by a running devhost is refused
 * (AzuriteStartError); one left by a devhost that ended has its lock cleared, and the Azurite it
 * recorded, if that is still running, stopped.
 */
export async function lockDataFolder(location: string, notice: (line: string) => void): Promise<DataFolderLock> {
  fs.mkdirSync(location, { recursive: true });
  const file = path.join(location, LOCK_FILE);
  for (let attempt = 0; attempt < 50; attempt++) {
    const record: LockRecord = { ownerPid: process.pid, state: 'starting', location, since: new Date().toISOString() };
    try {
      fs.writeFileSync(file, JSON.stringify(record, null, 2) + '\n', { flag: 'wx' });
      return new DataFolderLock(file, record);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const held = readLock(file);
    if (!held) {
      // Another devhost is writing it this instant, or it was left unreadable: give it a moment.
      const age = Date.now() - (fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0);
      if (age < 2000) await sleep(100);
      else fs.rmSync(file, { force: true });
      continue;
    }
    const azurite = await recordedAzurite(held);
    if (held.ownerPid !== process.pid && isAlive(held.ownerPid)) {
      const cmd = commandLine(held.ownerPid);
      const pidReused =
        (cmd !== undefined && !/node/i.test(cmd)) ||
        // A devhost exits when its Azurite does; one still starting gives up after 30 s.
        (held.state === 'running' && !isAlive(held.azuritePid)) ||
        (held.state === 'starting' && Date.now() - Date.parse(held.since) > STARTING_LIMIT_MS);
      if (!pidReused) throw inUse(held, location, file);
    }
    if (azurite) {
      notice(
        `Azurite pid ${azurite.pid}${azurite.answer ? ` (answering as ${azurite.answer})` : ''} on 127.0.0.1 ${portList(held.ports)} was left running ` +
          `on ${location} by devhost pid ${held.ownerPid}, which has ended: stopping it to start a fresh one on the same ports.`,
      );
      if (!(await stopProcess(azurite.pid)))
        throw new AzuriteStartError(
          `Azurite pid ${azurite.pid} (left running on ${location}) did not stop: end it (kill -9 ${azurite.pid}) and start again.`,
        );
    }
    // Remove the stale lock unless someone replaced it meanwhile.
    const now = readLock(file);
    if (now && now.ownerPid === held.ownerPid && now.since === held.since) fs.rmSync(file, { force: true });
  }
  throw new AzuriteStartError(`Could not take the lock ${file}: other devhosts keep taking it.`);
}
