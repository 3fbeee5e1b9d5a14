import fg from 'fast-glob';
import fs from 'node:fs';
import path from 'node:path';
import { Registry } from './registry';

export interface HostJson {
  version?: string;
  extensions?: {
    http?: { routePrefix?: string; maxRequestBodySize?: number };
    durableTask?: {
      hubName?: string;
      maxConcurrentActivityFunctions?: number;
      maxConcurrentOrchestratorFunctions?: number;
    };
    queues?: {
      maxDequeueCount?: number;
      batchSize?: number;
      maxPollingInterval?: string | number;
      visibilityTimeout?: string;
      messageEncoding?: 'base64' | 'none';
    };
    blobs?: { maxDegreeOfParallelism?: number; poisonBlobThreshold?: number };
  };
  logging?: { logLevel?: Record<string, string> };
}

export function readHostJson(appDir: string): HostJson {
  const file = path.join(appDir, 'host.json');
  if (!fs.existsSync(file)) return { version: '2.0' };
  return JSON.parse(fs.readFileSync(file, 'utf8')) as HostJson;
}

/** The files named by package.json `main`, a path or a glob, as the Node worker resolves it. */
export function resolveMainFiles(appDir: string): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(appDir, 'package.json'), 'utf8')) as { main?: string };
  const main = pkg.main ?? 'index.js';
  if (!fg.isDynamicPattern(main)) return [path.resolve(appDir, main)];
  const files = fg.sync(main, { cwd: appDir, absolute: true, onlyFiles: true }).sort();
  if (files.length === 0)
    throw new Error(`package.json "main" (${main}) matched no files under ${appDir}. Did you run the build?`);
  return files;
}

/**
 * What the Node worker tells the host it can do before the programming model adds its own
 * (Azure/azure-functions-nodejs-worker, src/eventHandlers/getWorkerCapabilities.ts).
 */
export const NODE_WORKER_CAPABILITIES: Readonly<Record<string, string>> = {
  RawHttpBodyBytes: 'true',
  RpcHttpTriggerMetadataRemoved: 'true',
  RpcHttpBodyOnly: 'true',
  IgnoreEmptyValuedRpcHttpHeaders: 'true',
  UseNullableValueDictionaryForHttp: 'true',
  WorkerStatus: 'true',
  TypedDataCollection: 'true',
  HandlesWorkerTerminateMessage: 'true',
};

/** Loads the app's entry files (which register functions) and runs its appStart hooks. */
export async function loadApp(appDir: string, registry: Registry): Promise<string[]> {
  const files = resolveMainFiles(appDir);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the app's main files, by path, as the worker loads them
  for (const file of files) require(file);
  for (const hook of registry.hooks.appStart) {
    await hook({ hookData: {}, appHookData: {}, functionAppDirectory: appDir });
  }
  // The worker reports its own capabilities and those the programming model adds, once the app has
  // loaded (so after its app.setup): in HTTP stream mode @azure/functions starts its proxy here and
  // reports its address as `HttpUri`, which tells the host to forward requests there.
  const offered = { ...NODE_WORKER_CAPABILITIES };
  registry.capabilities = (await registry.programmingModel?.getCapabilities?.(offered)) ?? offered;
  return files;
}

/**
 * Copies `Values` of the app's local.settings.json (or, when there is none, of `fallback`, a file
 * name in the same folder) into the environment, never over a variable already set. Returns the
 * file read and the names it applied.
 */
export function applyLocalSettings(appDir: string, fallback?: string): { file?: string; applied: string[] } {
  let file = path.join(appDir, 'local.settings.json');
  if (!fs.existsSync(file) && fallback) file = path.join(appDir, fallback);
  if (!fs.existsSync(file)) return { applied: [] };
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as { Values?: Record<string, string> };
  const applied: string[] = [];
  for (const [k, v] of Object.entries(json.Values ?? {})) {
    if (process.env[k] === undefined) {
      process.env[k] = String(v);
      applied.push(k);
    }
  }
  return { file, applied };
}
