// `npm start` killed with kill -9 in the middle of a publish, and started again: its Azurite goes
// down with it, the new start serves the same data folder on the same ports (so the SAS URLs and
// connection strings stored in the offer still reach it), and the publish in flight completes.
// A second start while one runs is refused with a message, never a second Azurite on the folder.
//
// This runs the real command (`devhost --settings-fallback local.settings.example.json`, what `npm start` runs,
// in the project folder, the publisher keys from the example settings) with its data folder and its
// ports moved by settings to a temporary folder and free ports that stay fixed across the restart.
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { sampleOffer } from '../../domain/offer/sample-offer';
import { DEVHOST_CLI, devConnectionString, isAlive, LOCK_FILE, LockRecord } from '@offer-go-live/devhost';
import { Partner } from '../support/partner-api';
import { SlowProxy, startSlowProxy } from '../support/slow-proxy';
import { Stack, waitUntil } from '../support/stack';
import { uploadVhd } from '../support/vhd-images';

jest.setTimeout(300_000);

const ROOT = path.resolve(__dirname, '../..');
const CLI = DEVHOST_CLI;
const EXAMPLE = JSON.parse(fs.readFileSync(path.join(ROOT, 'local.settings.example.json'), 'utf8')) as {
  Values: Record<string, string>;
};
/** contoso's key as the example settings give it (DEV_PUBLISHERS=contoso:contoso-dev-key,…). */
const CONTOSO_KEY = /(?:^|,)contoso:([^,]+)/.exec(EXAMPLE.Values.DEV_PUBLISHERS)![1];

interface Ports {
  blob: number;
  queue: number;
  table: number;
}

// Ports from below the kernel's ephemeral range (32768 and up on Linux): a port the kernel handed out
// with listen(0) can be taken again by any outgoing connection before Azurite binds it, which other
// tests running alongside make likely. These must stay free across a restart, so they come from
// 20000–32767 and are checked to be bindable now.
async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_768);
    const server = net.createServer();
    const ok = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (ok) {
      await new Promise((r) => server.close(r));
      return port;
    }
  }
}

async function freePorts(): Promise<Ports> {
  const [blob, queue, table] = [await freePort(), await freePort(), await freePort()];
  return { blob, queue, table };
}

/** Whether something listens on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

const allFree = async (p: Ports) =>
  !(await listening(p.blob)) && !(await listening(p.queue)) && !(await listening(p.table));

/** One run of the command, as a terminal would: its output, its exit. */
class NpmStart {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(env: NodeJS.ProcessEnv) {
    const base: NodeJS.ProcessEnv = { ...process.env };
    // Only what this test sets: no storage account or Azurite settings from the machine running it.
    for (const k of [
      'AzureWebJobsStorage',
      'DEVHOST_AZURITE_DIR',
      'DEVHOST_AZURITE_PORTS',
      'PORT',
      'DEV_PUBLISHERS',
      'DEVHOST_TEST_CLOCK',
    ])
      delete base[k];
    this.child = spawn(process.execPath, [CLI, '--settings-fallback', 'local.settings.example.json'], {
      cwd: ROOT,
      env: { ...base, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (c: Buffer) => (this.stdout += c.toString()));
    this.child.stderr!.on('data', (c: Buffer) => (this.stderr += c.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  get output(): string {
    return `${this.stdout}${this.stderr}`;
  }

  /** The DEVHOST_READY line's JSON, once the host is ready. */
  async ready(timeoutMs = 60_000): Promise<{ port: number; origin: string; storage: string }> {
    const exitedEarly = this.exited.then(({ code }) => {
      throw new Error(`npm start exited (${code}) before it was ready:\n${this.output}`);
    });
    const ready = waitUntil(
      async () => {
        const m = /DEVHOST_READY (\{.*\})/.exec(this.stdout);
        return m ? (JSON.parse(m[1]) as { port: number; origin: string; storage: string }) : undefined;
      },
      timeoutMs,
      `DEVHOST_READY:\n${this.output}`,
    );
    return Promise.race([ready, exitedEarly]);
  }

  async kill9(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** Ctrl-C. */
  async stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null && !this.child.signalCode) this.child.kill('SIGINT');
    return this.exited;
  }
}

const started: NpmStart[] = [];
function npmStart(env: NodeJS.ProcessEnv): NpmStart {
  const run = new NpmStart(env);
  started.push(run);
  return run;
}

/** A failing test shows what every run printed. */
function withOutputs(fn: () => Promise<void>): () => Promise<void> {
  return async () => {
    const from = started.length;
    try {
      await fn();
    } catch (e) {
      const runs = started
        .slice(from)
        .map((r, i) => `--- run ${i + 1} (pid ${r.child.pid}) ---\n${r.output}`)
        .join('\n');
      (e as Error).message += `\n\n${runs}`;
      throw e;
    }
  };
}

const tmpDirs: string[] = [];
function tmpDir(prefix: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tmpDirs.push(d);
  return d;
}

const readLock = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8')) as LockRecord;
const portsSetting = (p: Ports) => `${p.blob},${p.queue},${p.table}`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

let slow: SlowProxy | undefined;
afterAll(async () => {
  for (const run of started) if (run.child.exitCode === null && !run.child.signalCode) run.child.kill('SIGKILL');
  await Promise.all(started.map((r) => r.exited));
  await slow?.close();
  // A killed run's Azurite ends by itself within a second or so; let it before deleting its folder.
  await new Promise((r) => setTimeout(r, 1500));
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

test(
  'kill -9 of npm start mid-publish: Azurite goes down with it, the restart serves the same ports, the publish completes; a second start is refused',
  withOutputs(async () => {
    if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npm run build)`);
    const dataDir = tmpDir('npm-start-azurite-');
    const ports = await freePorts();
    const httpPort = await freePort();
    // The data disk is read through this proxy, slowly, so the publish is caught in Certification.
    slow = await startSlowProxy(() => `http://127.0.0.1:${ports.blob}`, 250);
    const env: NodeJS.ProcessEnv = {
      PORT: String(httpPort),
      DEVHOST_AZURITE_DIR: dataDir,
      DEVHOST_AZURITE_PORTS: portsSetting(ports),
      DEVHOST_LOG_LEVEL: 'warning',
      // How long the crashed host's in-flight messages stay hidden before the restarted one takes them.
      DEVHOST_LEASE_SECONDS: '2',
      OUTBOUND_ALLOWED_HOSTS: slow.host,
      PROVISION_REGIONS: 'eastus,westeurope',
      PUBLISH_RETRY_FIRST_MS: '200',
    };
    const timings: Record<string, string> = {};

    // 1. npm start: Azurite on the configured ports, in the configured folder, recorded in its lock file.
    let t = Date.now();
    const first = npmStart(env);
    const info = await first.ready();
    timings['first start to DEVHOST_READY'] = seconds(Date.now() - t);
    expect(first.stdout).toContain('Settings from local.settings.example.json');
    expect(first.stdout).toContain(
      `Azurite (tables, queues, blobs) on 127.0.0.1: blob ${ports.blob}, queue ${ports.queue}, table ${ports.table}; data in ${dataDir}`,
    );
    expect(info.origin).toBe(`http://127.0.0.1:${httpPort}`);
    expect(info.storage).toBe(devConnectionString('127.0.0.1', ports));
    const lock1 = readLock(dataDir);
    expect(lock1).toMatchObject({ ownerPid: first.child.pid, state: 'running', ports, location: dataDir });
    const azurite1 = lock1.azuritePid!;
    expect(isAlive(azurite1)).toBe(true);
    expect(first.stdout).toContain(`(pid ${azurite1})`);

    // 2. A VHD uploaded, an offer whose document stores URLs of this Azurite, published.
    const storage = info.storage;
    const osVhd = await uploadVhd(storage, 'vhds', 'restart-os.vhd');
    const dataVhd = await uploadVhd(storage, 'vhds', 'restart-data.vhd');
    expect(new URL(osVhd).port).toBe(String(ports.blob));
    const contoso = new Partner({ url: (p: string) => `${info.origin}${p}` } as Stack, 'contoso', CONTOSO_KEY);
    const doc = sampleOffer({
      offerId: 'restart-vm',
      osVhdUrl: osVhd,
      dataDiskUrls: [slow.rewrite(dataVhd)],
      leadConnectionString: storage,
    });
    expect((await contoso.putOffer('restart-vm', doc)).status).toBe(201);
    t = Date.now();
    expect((await contoso.publish('restart-vm')).status).toBe(202);

    // 3. kill -9 while Certification reads the disks.
    const requestsBefore = slow.requests();
    await waitUntil(
      async () => {
        const s = await contoso.status('restart-vm');
        const cert = s.steps.find((x) => x.id === 'displaycertify')!;
        return cert.status === 'inProgress' && slow!.requests() >= requestsBefore + 3 ? true : undefined;
      },
      60_000,
      'Certification reading the data disk',
    );
    const atKill = await contoso.status('restart-vm');
    timings['publish accepted to kill -9 (Certification in progress)'] = seconds(Date.now() - t);
    expect(atKill.status).toBe('running');
    expect(atKill.steps.find((x) => x.id === 'displaycertify')!.status).toBe('inProgress');
    expect(atKill.steps.find((x) => x.id === 'displayprovision')!.status).toBe('notStarted');
    t = Date.now();
    await first.kill9();

    // 4. Azurite did not survive: its ports close and its process ends within seconds. The lock file
    // still records both (the next start checks them); nothing was left for anyone to clean up.
    await waitUntil(
      async () => ((await allFree(ports)) && !isAlive(azurite1) ? true : undefined),
      10_000,
      'the Azurite of the killed npm start to end',
    );
    timings['kill -9 to Azurite gone (ports free)'] = seconds(Date.now() - t);
    expect(readLock(dataDir)).toMatchObject({ ownerPid: first.child.pid, azuritePid: azurite1, ports });

    // 5. The same command again: same folder, same ports, and the publish in flight completes.
    t = Date.now();
    const second = npmStart(env);
    const info2 = await second.ready();
    timings['restart to DEVHOST_READY'] = seconds(Date.now() - t);
    expect(info2.storage).toBe(storage);
    expect(second.stdout).toContain(
      `blob ${ports.blob}, queue ${ports.queue}, table ${ports.table}; data in ${dataDir}`,
    );
    expect(second.stdout).not.toContain('was left running');
    const lock2 = readLock(dataDir);
    expect(lock2).toMatchObject({ ownerPid: second.child.pid, state: 'running', ports });
    expect(lock2.azuritePid).not.toBe(azurite1);
    // The SAS URL stored in the offer before the crash still reaches the image.
    const ranged = await fetch(osVhd, { headers: { Range: 'bytes=0-511' } });
    expect(ranged.status).toBe(206);

    const done = await contoso.waitForStatus('restart-vm', ['waitingForPublisherReview', 'failed'], 180_000);
    timings['restart to waitingForPublisherReview'] = seconds(Date.now() - t);
    expect(done.status).toBe('waitingForPublisherReview');
    expect(done.steps.map((s) => [s.id, s.status])).toEqual([
      ['displaydummycertify', 'complete'],
      ['displaycertify', 'complete'],
      ['displayprovision', 'complete'],
      ['displaypackage', 'complete'],
      ['preview', 'complete'],
      ['publisher-signoff', 'waitingForPublisherReview'],
      ['live', 'notStarted'],
    ]);
    expect(done.steps.find((s) => s.id === 'displayprovision')!.messages.map((m) => m.messageHtml)).toContain(
      'The image was replicated to 2 regions: eastus, westeurope.',
    );
    // Provisioning copied the image into the region containers of this same Azurite.
    const blobs = BlobServiceClient.fromConnectionString(storage);
    for (const region of ['eastus', 'westeurope']) {
      const p = await blobs
        .getContainerClient(`region-${region}`)
        .getBlobClient('contoso/restart-vm/v1/standard/1.0.0/os.vhd')
        .getProperties();
      expect(p.metadata?.complete).toBe('true');
    }

    // 6. A second npm start on the same folder while this one runs: refused, naming the running one.
    t = Date.now();
    const twin = npmStart({ ...env, PORT: String(await freePort()) });
    const twinExit = await twin.exited;
    timings['second concurrent start refused after'] = seconds(Date.now() - t);
    expect(twinExit.code).toBe(1);
    expect(twin.stderr).toContain(
      `devhost: The Azurite data folder ${dataDir} is in use by another devhost: pid ${second.child.pid}, with Azurite pid ${lock2.azuritePid} on 127.0.0.1 blob ${ports.blob}, queue ${ports.queue}, table ${ports.table}.`,
    );
    expect(twin.stderr).toContain(`kill ${second.child.pid}`);
    expect(twin.stdout).not.toContain('Azurite (tables');
    // … and another folder on the same ports: refused, naming the ports and what holds them.
    const elsewhere = npmStart({
      ...env,
      PORT: String(await freePort()),
      DEVHOST_AZURITE_DIR: tmpDir('npm-start-other-'),
    });
    expect((await elsewhere.exited).code).toBe(1);
    expect(elsewhere.stderr).toContain('devhost: Cannot start Azurite: these ports on 127.0.0.1 are taken:');
    expect(elsewhere.stderr).toContain(`  ${ports.blob} (blob): another Azurite (Azurite-Blob/`);
    expect(elsewhere.stderr).toContain(`  ${ports.table} (table): another Azurite (Azurite-Table/`);
    expect(elsewhere.stderr).toContain('DEVHOST_AZURITE_PORTS=blob,queue,table');
    // The running one is untouched: same lock, same Azurite, still serving.
    expect(readLock(dataDir)).toEqual(lock2);
    expect((await contoso.status('restart-vm')).status).toBe('waitingForPublisherReview');

    // 7. Ctrl-C: the host, then Azurite, stop; the ports are free and the lock file is gone.
    t = Date.now();
    expect(await second.stop()).toEqual({ code: 0, signal: null });
    await waitUntil(
      async () => ((await allFree(ports)) && !isAlive(lock2.azuritePid) ? true : undefined),
      10_000,
      'Azurite to stop with the host',
    );
    timings['Ctrl-C to everything stopped'] = seconds(Date.now() - t);
    expect(fs.existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);
    process.stdout.write(`npm start kill -9 timings: ${JSON.stringify(timings, null, 2)}\n`);
  }),
);

test(
  'a port taken by another program: npm start names the port and what to do, and exits 1',
  withOutputs(async () => {
    const ports = await freePorts();
    const squatter = net.createServer((s) => s.destroy());
    await new Promise<void>((r) => squatter.listen(ports.queue, '127.0.0.1', r));
    try {
      const run = npmStart({
        PORT: String(await freePort()),
        DEVHOST_AZURITE_DIR: tmpDir('npm-start-taken-'),
        DEVHOST_AZURITE_PORTS: portsSetting(ports),
      });
      expect((await run.exited).code).toBe(1);
      expect(run.stderr).toContain(
        `devhost: Cannot start Azurite: this port on 127.0.0.1 is taken:\n  ${ports.queue} (queue): another program\n`,
      );
      expect(run.stderr).toContain(`lsof -nP -iTCP:${ports.queue} -sTCP:LISTEN`);
      expect(run.stdout).not.toContain('DEVHOST_READY');
      // It started nothing: the other two ports are still free.
      expect(await listening(ports.blob)).toBe(false);
      expect(await listening(ports.table)).toBe(false);
    } finally {
      await new Promise((r) => squatter.close(r));
    }
    const bad = npmStart({
      PORT: String(await freePort()),
      DEVHOST_AZURITE_DIR: tmpDir('npm-start-bad-'),
      DEVHOST_AZURITE_PORTS: '10000,10001',
    });
    expect((await bad.exited).code).toBe(1);
    expect(bad.stderr).toContain(
      'DEVHOST_AZURITE_PORTS must be three different ports blob,queue,table (e.g. 10000,10001,10002); got "10000,10001".',
    );
  }),
);

test(
  'an Azurite an ended devhost left running on the data folder (as before this fix) is stopped and replaced on the same ports, its data kept',
  withOutputs(async () => {
    const dataDir = tmpDir('npm-start-orphan-');
    const ports = await freePorts();
    // Azurite started directly, with no wrapper watching a parent: what a killed devhost used to leave.
    const orphan = spawn(
      process.execPath,
      [
        require.resolve('azurite/dist/src/azurite.js'),
        '--silent',
        '--disableTelemetry',
        '--skipApiVersionCheck',
        '--loose',
        '--location',
        dataDir,
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
      ],
      { stdio: 'ignore' },
    );
    const orphanExit = new Promise<number | null>((r) => orphan.once('exit', (code) => r(code)));
    await waitUntil(
      async () =>
        (await listening(ports.blob)) && (await listening(ports.queue)) && (await listening(ports.table))
          ? true
          : undefined,
      30_000,
      'the orphan Azurite',
    );
    const storage = devConnectionString('127.0.0.1', ports);
    const container = BlobServiceClient.fromConnectionString(storage).getContainerClient('kept');
    await container.createIfNotExists();
    await container.getBlockBlobClient('note.txt').upload('written before the crash', 23);
    // The lock file of a devhost that has ended, naming that Azurite.
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((r) => dead.once('exit', r));
    const record: LockRecord = {
      ownerPid: dead.pid!,
      state: 'running',
      azuritePid: orphan.pid!,
      ports,
      location: dataDir,
      since: new Date(Date.now() - 60_000).toISOString(),
    };
    fs.writeFileSync(path.join(dataDir, LOCK_FILE), JSON.stringify(record));

    const t = Date.now();
    const run = npmStart({
      PORT: String(await freePort()),
      DEVHOST_AZURITE_DIR: dataDir,
      DEVHOST_AZURITE_PORTS: portsSetting(ports),
      DEVHOST_LOG_LEVEL: 'warning',
    });
    const info = await run.ready();
    process.stdout.write(`orphan stopped and replaced, DEVHOST_READY after ${seconds(Date.now() - t)}\n`);
    expect(run.stdout).toContain(`Azurite pid ${orphan.pid} (answering as Azurite-Blob/`);
    expect(run.stdout).toContain(
      `was left running on ${dataDir} by devhost pid ${dead.pid}, which has ended: stopping it to start a fresh one on the same ports.`,
    );
    expect(await orphanExit).toBe(0); // stopped with SIGTERM: it saved its data and exited
    expect(info.storage).toBe(storage);
    const lock = readLock(dataDir);
    expect(lock).toMatchObject({ ownerPid: run.child.pid, state: 'running', ports });
    expect(lock.azuritePid).not.toBe(orphan.pid);
    expect((await container.getBlobClient('note.txt').downloadToBuffer()).toString()).toBe('written before the crash');
    expect(await run.stop()).toEqual({ code: 0, signal: null });
  }),
);
