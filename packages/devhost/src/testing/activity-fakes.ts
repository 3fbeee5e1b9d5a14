import { Registry } from '../core/registry';

/** An activity's input and output, as an app's contract declares them. */
export interface ActivityShape {
  input: unknown;
  output: unknown;
}

/** What a fake activity is told about the call it serves. */
export interface ActivityCall {
  name: string;
  instanceId: string;
  /** 1 for the first attempt; the retry policy's later attempts count on. */
  attempt: number;
  /** When it ran, on the tester's clock (ISO-8601). */
  at: string;
}

type InputOf<S> = S extends { input: infer I } ? I : unknown;
type OutputOf<S> = S extends { output: infer O } ? O : unknown;

export type ActivityFake<S> = (input: InputOf<S>, call: ActivityCall) => OutputOf<S> | Promise<OutputOf<S>>;
export type ActivityFakes<C> = { [K in keyof C]?: ActivityFake<C[K]> };

/** One activity call as it happened, in the order the activities ran. */
export type RecordedCall<C> = {
  [K in keyof C]: ActivityCall & {
    name: K;
    /** The input as the activity received it. */
    input: InputOf<C[K]>;
    outcome: 'completed' | 'failed';
    /** The failure as the orchestration sees it. */
    error?: string;
  };
}[keyof C];

/**
 * The app's registrations with every activity's body replaced by `call` (the test's fake of it): the
 * registration itself, its trigger and the invocation through the app's programming model stay.
 */
export function withFakes(app: Registry, call: (name: string, input: unknown) => unknown): Registry {
  const registry = new Registry();
  registry.programmingModel = app.programmingModel;
  Object.assign(registry.hooks, app.hooks);
  for (const [key, fn] of app.functions) {
    const activity = fn.trigger.type.toLowerCase() === 'activitytrigger';
    const name = fn.metadata.name;
    registry.functions.set(key, activity ? { ...fn, callback: (input: unknown) => call(name, input) } : fn);
  }
  return registry;
}
