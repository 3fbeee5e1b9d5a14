import path from 'node:path';
import { installCoreModule } from '../core/core-api';
import { loadApp } from '../core/app-loader';
import { Registry } from '../core/registry';
import { coreSlot, testCoreApi } from './test-core';

/** An app's registrations, loaded for a test. */
export interface TestApp {
  dir: string;
  registry: Registry;
  /** The entry files loaded (package.json `main`). */
  files: string[];
}

/**
 * Loads the app in `appDir` as the devhost does (its package.json `main` files, then its appStart
 * hooks) and returns what it registered. Inside jest the test file's module registry loads it, which
 * is why `@azure/functions-core` must be mapped to this package's stand-in there; under plain Node the
 * stand-in is installed the way the devhost installs its own. Once per test file and folder: the
 * app's modules stay cached, so its registrations are kept and shared by every tester of the file.
 *
 * The whole app rather than the orchestrator handlers alone: a test then runs what the host runs —
 * the names as registered, durable-functions' own wrapper around each handler, the invocation through
 * the library's programming model — and an orchestrator or activity that `main` misses, or a call
 * to an activity nobody registers, fails in the test as it would on the host. It costs a load of the
 * app's modules per test file (well under a second for an app of some fifty functions).
 */
export function loadTestApp(appDir: string): Promise<TestApp> {
  const dir = path.resolve(appDir);
  const slot = coreSlot();
  let app = slot.apps.get(dir) as Promise<TestApp> | undefined;
  if (!app) {
    app = load(dir);
    slot.apps.set(dir, app);
  }
  return app;
}

async function load(dir: string): Promise<TestApp> {
  const slot = coreSlot();
  const registry = new Registry();
  registry.programmingModel = slot.programmingModel;
  installCoreModule(testCoreApi());
  slot.target = registry;
  let files: string[];
  try {
    files = await loadApp(dir, registry);
  } finally {
    slot.target = undefined;
  }
  registry.programmingModel ??= slot.programmingModel;
  if (registry.functions.size === 0) {
    throw new Error(
      `The app in ${dir} registered no functions. In jest, map '@azure/functions-core' to ` +
        `the package's functions-core.js (moduleNameMapper), or the library stays in its test mode.`,
    );
  }
  return { dir, registry, files };
}
