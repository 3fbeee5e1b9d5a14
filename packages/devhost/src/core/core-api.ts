import Module from 'node:module';
import { Registry } from './registry';
import {
  Disposable,
  FunctionCallback,
  FunctionMetadata,
  HookCallback,
  HookName,
  LogLevel,
  ProgrammingModel,
} from './types';

export const CORE_MODULE_NAME = '@azure/functions-core';

/** The object the app's `@azure/functions` gets when it requires `@azure/functions-core`. */
export function createCoreApi(registry: Registry, log: (level: LogLevel, category: string, msg: string) => void) {
  return {
    version: '3.10.1',
    hostVersion: '4.1037.0',
    registerFunction(metadata: FunctionMetadata, callback: FunctionCallback): Disposable {
      registry.addFunction(metadata, callback);
      return { dispose: () => registry.functions.delete(metadata.name.toLowerCase()) };
    },
    registerHook(name: HookName, callback: HookCallback): Disposable {
      const list = registry.hooks[name];
      if (!list) throw new RangeError(`Unrecognized hook "${name}"`);
      list.push(callback);
      return {
        dispose: () => {
          const i = list.indexOf(callback);
          if (i >= 0) list.splice(i, 1);
        },
      };
    },
    setProgrammingModel(model: ProgrammingModel): void {
      registry.programmingModel = model;
    },
    getProgrammingModel(): ProgrammingModel | undefined {
      return registry.programmingModel;
    },
    log(level: LogLevel, category: string, msg: string): void {
      log(level, category, msg);
    },
  };
}

let installed: unknown;

/**
 * Makes `require('@azure/functions-core')` return the devhost's core API, the way the Node worker
 * does. Must run before the app's first `app.*` call: the library caches its lookup forever.
 */
export function installCoreModule(coreApi: unknown): void {
  installed = coreApi;
  const proto = (Module as unknown as { prototype: { require: (id: string) => unknown } }).prototype;
  const marker = Symbol.for('devhost.coreRequire');
  if ((proto.require as unknown as Record<symbol, boolean>)[marker]) return;
  const original = proto.require;
  const patched = function (this: unknown, id: string) {
    if (id === CORE_MODULE_NAME) return installed;
    return original.call(this, id);
  };
  (patched as unknown as Record<symbol, boolean>)[marker] = true;
  proto.require = patched;
}
