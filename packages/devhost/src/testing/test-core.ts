import { Registry } from '../core/registry';
import { FunctionCallback, FunctionMetadata, HookCallback, HookName, ProgrammingModel } from '../core/types';

/**
 * Where an app's `app.*` registrations go while a test loads it. `@azure/functions` looks its core
 * module up once and keeps it, and a test runner (jest) gives every test file its own module
 * registry and global object; so the state lives on the global object, shared by every copy of this
 * package a test file loads (the built one the app's tests import, the sources the package's own
 * tests import), and apart from other test files.
 */
interface CoreSlot {
  /** The registry being loaded into; registrations outside a load are dropped (the library's test mode). */
  target?: Registry;
  /** Set once per module registry, at the library's first registration. */
  programmingModel?: ProgrammingModel;
  /** Apps already loaded, by folder: their modules are cached, so a second load would register nothing. */
  apps: Map<string, Promise<unknown>>;
}

const SLOT = Symbol.for('@offer-go-live/devhost:test-core');

export function coreSlot(): CoreSlot {
  const g = globalThis as unknown as Record<symbol, CoreSlot | undefined>;
  return (g[SLOT] ??= { apps: new Map() });
}

/** The stand-in for `@azure/functions-core` (the worker's API) that a test's app gets. */
export function testCoreApi() {
  const dropped = { dispose: () => undefined };
  return {
    version: '3.10.1',
    hostVersion: '4.1037.0',
    registerFunction(metadata: FunctionMetadata, callback: FunctionCallback) {
      const registry = coreSlot().target;
      if (!registry) return dropped;
      registry.addFunction(metadata, callback);
      return { dispose: () => registry.functions.delete(metadata.name.toLowerCase()) };
    },
    registerHook(name: HookName, callback: HookCallback) {
      const list = coreSlot().target?.hooks[name];
      if (!list) return dropped;
      list.push(callback);
      return {
        dispose: () => {
          const i = list.indexOf(callback);
          if (i >= 0) list.splice(i, 1);
        },
      };
    },
    setProgrammingModel(model: ProgrammingModel): void {
      const slot = coreSlot();
      slot.programmingModel = model;
      if (slot.target) slot.target.programmingModel = model;
    },
    getProgrammingModel(): ProgrammingModel | undefined {
      return coreSlot().programmingModel;
    },
    // The library's own system messages; a test has no use for them.
    log(): void {},
  };
}
