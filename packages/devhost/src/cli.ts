#!/usr/bin/env node
import path from 'node:path';
import { applyLocalSettings } from './core/app-loader';
import { parseLogLevel } from './core/logger';
import { startHost } from './host';
import { AzuriteHandle, AzuriteOptions, defaultDataDir, parsePorts, startAzurite } from './storage/azurite';

interface Args {
  app: string;
  port: number;
  testClock: boolean;
  inMemory: boolean;
  /** Read instead of local.settings.json while that file does not exist (a fresh clone). */
  settingsFallback?: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    app: process.cwd(),
    port: Number(process.env.PORT ?? process.env.FUNCTIONS_HTTPWORKER_PORT ?? 7071),
    testClock: false,
    inMemory: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--app') args.app = path.resolve(argv[++i]);
    else if (a === '--port') args.port = Number(argv[++i]);
    else if (a === '--test-clock') args.testClock = true;
    else if (a === '--in-memory') args.inMemory = true;
    else if (a === '--settings-fallback') args.settingsFallback = argv[++i];
    else if (a === '--help' || a === '-h') {
      process.stdout.write(
        'Usage: devhost [--app DIR] [--port N] [--test-clock] [--in-memory] [--settings-fallback FILE]\n' +
          'Runs the Functions app in DIR (default: the current folder) with its Durable orchestrations.\n' +
          'Settings: DIR/local.settings.json, or DIR/FILE while that does not exist; the environment wins.\n' +
          'Storage: AzureWebJobsStorage if set to a real account; otherwise Azurite is started from node_modules\n' +
          '(data in DIR/.azurite or DEVHOST_AZURITE_DIR, on ports 10000-10002 or DEVHOST_AZURITE_PORTS=blob,queue,table;\n' +
          'with --in-memory, no data folder and free ports unless DEVHOST_AZURITE_PORTS is set).\n',
      );
      process.exit(0);
    } else throw new Error(`Unknown argument ${a}. See --help.`);
  }
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) throw new Error('--port must be 0–65535.');
  return args;
}

/** `.azurite` for a folder inside the app, else the absolute path. */
function shortPath(appDir: string, p: string): string {
  const rel = path.relative(appDir, p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

/**
 * The Azurite `npm start` runs: data in DIR/.azurite (DEVHOST_AZURITE_DIR), on the conventional
 * ports 10000–10002 (DEVHOST_AZURITE_PORTS), the same on every start, so the URLs stored in the data
 * (SAS URLs of images, blob URLs) keep working after a restart. In memory, nothing outlives the
 * process: free ports, unless DEVHOST_AZURITE_PORTS names some.
 */
function azuriteOptions(args: Args): AzuriteOptions {
  const dir = process.env.DEVHOST_AZURITE_DIR?.trim();
  const location = args.inMemory ? undefined : dir ? path.resolve(args.app, dir) : defaultDataDir(args.app);
  const fixed = process.env.DEVHOST_AZURITE_PORTS?.trim();
  return {
    location,
    ports: fixed ? parsePorts(fixed) : location ? 'conventional' : undefined,
    notice: (line) => process.stdout.write(`${line}\n`),
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const settings = applyLocalSettings(args.app, args.settingsFallback);
  if (settings.file)
    process.stdout.write(
      `Settings from ${path.relative(args.app, settings.file) || settings.file}${settings.file.endsWith('local.settings.json') ? '' : ' (copy it to local.settings.json to change them)'}\n`,
    );
  let azurite: AzuriteHandle | undefined;
  let connection = process.env.AzureWebJobsStorage;
  if (!connection || /UseDevelopmentStorage=true/i.test(connection)) {
    azurite = await startAzurite(azuriteOptions(args));
    connection = azurite.connectionString;
    process.stdout.write(
      `Azurite (tables, queues, blobs) on 127.0.0.1: blob ${azurite.ports.blob}, queue ${azurite.ports.queue}, table ${azurite.ports.table}` +
        `${azurite.location ? `; data in ${shortPath(args.app, azurite.location)}` : ', in memory'} (pid ${azurite.process.pid})\n`,
    );
  }
  const host = await startHost({
    appDir: args.app,
    connectionString: connection,
    port: args.port,
    logLevel: parseLogLevel(process.env.DEVHOST_LOG_LEVEL),
    testClock: args.testClock || process.env.DEVHOST_TEST_CLOCK === '1',
  }).catch(async (e: unknown) => {
    await azurite?.stop();
    throw e;
  });
  process.stdout.write(`\nFunctions host ready: ${host.origin}\n`);
  process.stdout.write(
    `DEVHOST_READY ${JSON.stringify({ port: host.port, origin: host.origin, storage: connection })}\n`,
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping the host${azurite ? ' and Azurite' : ''}…\n`);
    await host.stop().catch(() => undefined);
    await azurite?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  if (azurite) {
    const a = azurite;
    a.process.once('exit', (code, signal) => {
      if (stopping) return;
      const why = a.stderrTail();
      process.stderr.write(
        `Azurite stopped unexpectedly (${signal ?? `exit code ${code}`}).${why ? `\n${why}` : ''}\n`,
      );
      process.exit(1);
    });
  }
}

main().catch((e: Error) => {
  process.stderr.write(`devhost: ${e.message}\n`);
  process.exit(1);
});
