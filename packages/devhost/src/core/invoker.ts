import { failureText } from './failure-text';
import { newId } from './ids';
import { InvocationScope, invocationScope, toError } from './fault-isolation';
import { Logger } from './logger';
import { RegisteredFunction, Registry } from './registry';
import { CoreInvocationContext, InvocationResponse, RpcTypedData } from './types';

export interface InvocationInput {
  inputData: { name: string; data: RpcTypedData | undefined }[];
  triggerMetadata?: Record<string, RpcTypedData>;
  retryContext?: { retryCount: number; maxRetryCount: number };
  /** Chosen by the caller when something must be set up under the id first (the HTTP stream proxy's request). */
  invocationId?: string;
}

/** Input and output bindings played around an invocation (bindings/storage-bindings.ts). */
export interface BindingHooks {
  inputs(fn: RegisteredFunction, input: InvocationInput): Promise<InvocationInput['inputData']>;
  outputs(fn: RegisteredFunction, input: InvocationInput, response: InvocationResponse | undefined): Promise<void>;
}

export interface InvocationOutcome {
  invocationId: string;
  response?: InvocationResponse;
  error?: Error;
  /** For a log line: the error's message and stack (see failure-text.ts). */
  errorText?: string;
}

/**
 * Runs one invocation the way the Node worker does: invocation model → arguments → preInvocation
 * hooks → the function → postInvocation hooks → response. Errors are returned, never thrown, so a
 * failing function cannot take a dispatcher down. The invocation runs in its own async context
 * (fault-isolation.ts): an error it lets escape asynchronously while it runs (a throwing timer
 * callback, a rejected promise nobody awaits) is its failure too, not the end of the process.
 */
export class Invoker {
  constructor(
    private readonly registry: Registry,
    private readonly logger: Logger,
  ) {}

  /** Set once the app's bindings are known (after it loaded), before the first invocation. */
  bindings: BindingHooks | undefined;

  async invoke(fn: RegisteredFunction, input: InvocationInput): Promise<InvocationOutcome> {
    const invocationId = input.invocationId ?? newId();
    const started = Date.now();
    let fail: (error: Error) => void = () => undefined;
    // Settles only if the invocation faults from outside its own call chain (see fault-isolation.ts).
    const faulted = new Promise<never>((_, reject) => (fail = reject));
    faulted.catch(() => undefined);
    const scope: InvocationScope = { functionName: fn.metadata.name, invocationId, done: false, fail: (e) => fail(e) };
    const seen: { context?: unknown } = {};
    try {
      const response = await Promise.race([
        invocationScope.run(scope, () => this.run(fn, input, invocationId, seen)),
        faulted,
      ]);
      this.executed(fn, scope, started, undefined);
      return { invocationId, response };
    } catch (e) {
      // Whatever was thrown (an Error or not, printable or not) becomes an Error without throwing again.
      const error = toError(e);
      const errorText = failureText(error, seen.context);
      this.executed(fn, scope, started, errorText);
      return { invocationId, error, errorText };
    } finally {
      // Whatever the function left running is no longer this invocation's business: a later error is logged only.
      scope.done = true;
    }
  }

  private async run(
    fn: RegisteredFunction,
    input: InvocationInput,
    invocationId: string,
    seen: { context?: unknown },
  ): Promise<InvocationResponse | undefined> {
    const scope = { functionName: fn.metadata.name, invocationId };
    const model = this.registry.programmingModel;
    if (!model) throw new Error('No programming model was registered by the app.');
    // Input bindings are read before the worker sees the invocation; a failed read fails it.
    const bound = this.bindings ? await this.bindings.inputs(fn, input) : [];
    const coreCtx: CoreInvocationContext = {
      invocationId,
      request: {
        invocationId,
        functionId: fn.metadata.functionId ?? fn.metadata.name,
        inputData: bound.length ? [...input.inputData, ...bound] : input.inputData,
        triggerMetadata: input.triggerMetadata,
        retryContext: input.retryContext,
      },
      metadata: fn.metadata,
      log: (level, category, msg) => {
        // The library routes context.log through here; system messages are the library's own.
        this.logger.log(level, category === 'system' ? `[system] ${msg}` : msg, scope);
        for (const hook of this.registry.hooks.log) {
          try {
            const r = hook({
              level,
              category,
              message: msg,
              invocationContext: undefined,
              hookData: {},
              appHookData: {},
            }) as unknown;
            // A failing log hook must not fail the invocation, whether it throws or rejects.
            if (r && typeof (r as Promise<void>).then === 'function')
              (r as Promise<void>).then(undefined, () => undefined);
          } catch {
            // (thrown synchronously)
          }
        }
      },
    };
    const invocationModel = model.getInvocationModel(coreCtx);
    const { context, inputs } = await invocationModel.getArguments();
    seen.context = context;
    let callback = fn.callback;
    const hookData: Record<string, unknown> = {};
    const pre = {
      hookData,
      appHookData: this.appHookData,
      invocationContext: context,
      inputs,
      functionCallback: callback,
    };
    coreCtx.state = 'preInvocationHooks';
    for (const hook of this.registry.hooks.preInvocation) await hook(pre);
    callback = pre.functionCallback;
    coreCtx.state = 'invocation';
    let result: unknown;
    let error: unknown;
    try {
      result = await invocationModel.invokeFunction(context, pre.inputs, callback);
    } catch (e) {
      error = e;
    }
    const post = {
      hookData,
      appHookData: this.appHookData,
      invocationContext: context,
      inputs: pre.inputs,
      result,
      error,
    };
    coreCtx.state = 'postInvocationHooks';
    for (const hook of this.registry.hooks.postInvocation) await hook(post);
    coreCtx.state = 'done';
    // What the function threw, as it threw it (the worker does not wrap it either).
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    if (post.error !== undefined && post.error !== null) throw post.error;
    const response = await invocationModel.getResponse(context, post.result);
    // Output bindings are written before the invocation counts as done (a failed write fails it).
    if (this.bindings) await this.bindings.outputs(fn, input, response);
    return response;
  }

  readonly appHookData: Record<string, unknown> = {};

  // One line per invocation, like the host's "Executed 'Functions.X' (Succeeded, Id=…, Duration=…)".
  // HTTP, queue, blob and timer listeners log their own line with what triggered them.
  private executed(
    fn: RegisteredFunction,
    scope: { functionName: string; invocationId: string },
    started: number,
    errorText: string | undefined,
  ): void {
    const type = fn.trigger.type.toLowerCase();
    if (type !== 'activitytrigger' && type !== 'orchestrationtrigger' && type !== 'entitytrigger') return;
    const ms = Date.now() - started;
    if (errorText !== undefined) this.logger.log('error', `Executed (Failed, ${ms} ms): ${errorText}`, scope);
    else this.logger.log(type === 'activitytrigger' ? 'information' : 'debug', `Executed (Succeeded, ${ms} ms)`, scope);
  }
}

/** The function's result: `$return` output (HTTP) or the return value. */
export function resultData(response: InvocationResponse | undefined): RpcTypedData | null | undefined {
  if (!response) return undefined;
  const ret = response.outputData?.find((o) => o.name === '$return');
  return ret ? ret.data : response.returnValue;
}

/** Decodes RpcTypedData the way the extension reads a returned value. */
export function fromTypedData(data: RpcTypedData | null | undefined): unknown {
  if (!data) return undefined;
  if ('string' in data) return data.string;
  if ('json' in data) return JSON.parse(data.json);
  if ('int' in data) return data.int;
  if ('double' in data) return data.double;
  if ('bytes' in data) return Buffer.from(data.bytes);
  return undefined;
}
