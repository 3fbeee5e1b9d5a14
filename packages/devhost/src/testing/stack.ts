// Starts Azurite and the devhost for a test, on free ports, and stops them afterwards: for this
// package's own tests and for any app's.
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import fs from 'node:fs';
import { AzuriteHandle, startAzurite } from '../storage/azurite';

// The package's root, whether this file runs as TypeScript (jest) or compiled in dist/src/testing.
const PACKAGE_ROOT = (() => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
})();
/** The devhost's command line, as built by the package's `npm run build`. */
export const DEVHOST_CLI = path.join(PACKAGE_ROOT, 'dist', 'src', 'cli.js');

export class DevhostProcess {
  child: ChildProcess | undefined;
  origin = '';
  port = 0;
  output = '';

  constructor(
    readonly appDir: string,
    readonly env: NodeJS.ProcessEnv,
  ) {}

  async start(port = 0): Promise<void> {
    this.output = '';
    const child = spawn(process.execPath, [DEVHOST_CLI, '--app', this.appDir, '--port', String(port), '--test-clock'], {
      env: { ...process.env, DEVHOST_LOG_LEVEL: 'warning', DEVHOST_LEASE_SECONDS: '2', NO_COLOR: '1', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`devhost did not start:\n${this.output}`)), 30_000);
      const onData = (c: Buffer) => {
        this.output += c.toString();
        const m = /DEVHOST_READY (\{.*\})/.exec(this.output);
        if (m) {
          const info = JSON.parse(m[1]) as { port: number; origin: string };
          this.port = info.port;
          this.origin = info.origin;
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', (c: Buffer) => (this.output += c.toString()));
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`devhost exited (${code}):\n${this.output}`));
      });
    });
  }

  /** Ends the process abruptly (kill -9), as a crash would. */
  async kill(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    });
  }

  async stop(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGTERM');
      setTimeout(() => c.kill('SIGKILL'), 5000).unref();
    });
  }
}

export interface Stack {
  azurite: AzuriteHandle;
  host: DevhostProcess;
  connectionString: string;
  url(p: string): string;
  stop(): Promise<void>;
}

/** Azurite on free ports and the devhost running the app in `appDir` (absolute, or relative to the current folder). */
export async function startStack(appDir: string, env: NodeJS.ProcessEnv = {}): Promise<Stack> {
  const azurite = await startAzurite();
  const host = new DevhostProcess(path.resolve(appDir), {
    AzureWebJobsStorage: azurite.connectionString,
    ...env,
  });
  try {
    await host.start();
  } catch (e) {
    await azurite.stop();
    throw e;
  }
  return {
    azurite,
    host,
    connectionString: azurite.connectionString,
    url: (p) => `${host.origin}${p}`,
    async stop() {
      await host.stop();
      await azurite.stop();
    },
  };
}

export async function waitUntil<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
