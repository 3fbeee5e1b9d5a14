import { FunctionCallback, FunctionMetadata, HookCallback, HookName, ProgrammingModel, RpcBindingInfo } from './types';

export interface RegisteredFunction {
  metadata: FunctionMetadata;
  callback: FunctionCallback;
  /** The trigger binding's name and definition, found once at registration. */
  triggerName: string;
  trigger: RpcBindingInfo;
}

/** What the app registered: functions, hooks and its programming model. */
export class Registry {
  readonly functions = new Map<string, RegisteredFunction>();
  readonly hooks: Record<HookName, HookCallback[]> = {
    preInvocation: [],
    postInvocation: [],
    appStart: [],
    appTerminate: [],
    log: [],
  };
  programmingModel: ProgrammingModel | undefined;
  /** What the worker and the app's programming model reported at start-up (e.g. `HttpUri` in HTTP stream mode). */
  capabilities: Record<string, string> = {};

  addFunction(metadata: FunctionMetadata, callback: FunctionCallback): void {
    const key = metadata.name.toLowerCase();
    if (this.functions.has(key)) {
      // The real host refuses duplicate function names at start-up; so does this one.
      throw new Error(`A function named "${metadata.name}" is already registered.`);
    }
    const entry = Object.entries(metadata.bindings).find(([, b]) => b.direction === 'in' && /Trigger$/i.test(b.type));
    if (!entry) throw new Error(`Function "${metadata.name}" has no trigger binding.`);
    this.functions.set(key, { metadata, callback, triggerName: entry[0], trigger: entry[1] });
  }

  get(name: string): RegisteredFunction | undefined {
    return this.functions.get(name.toLowerCase());
  }

  byTrigger(type: string): RegisteredFunction[] {
    const t = type.toLowerCase();
    return [...this.functions.values()].filter((f) => f.trigger.type.toLowerCase() === t);
  }

  /** The name of the first input binding of a type (e.g. durableClient), read from metadata, never guessed. */
  static inputBindingsOfType(fn: RegisteredFunction, type: string): string[] {
    return Object.entries(fn.metadata.bindings)
      .filter(([, b]) => b.direction === 'in' && b.type.toLowerCase() === type.toLowerCase())
      .map(([name]) => name);
  }
}
