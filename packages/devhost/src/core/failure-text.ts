import { describeError } from './fault-isolation';

const OUT_OF_PROC_DATA = '$OutOfProcData$:';

/**
 * What a log line says about a failed invocation: the error's message and stack.
 *
 * A failed orchestration needs help. durable-functions 3.x (lib/src/orchestrations/
 * TaskOrchestrationExecutor.js) throws it as an OrchestrationFailureError built from
 * `orchestratorReturned` (the boolean false) instead of the orchestrator's exception, so the error
 * reads "false" and has no stack; the real message travels in the orchestrator state after
 * `$OutOfProcData$:` (which is what the extension reports). The exception itself is still held by
 * the executor the library keeps on the invocation context (`context.df`), so its stack is taken
 * from there when it can be; otherwise from the state's failure details, if any.
 */
export function failureText(error: Error, invocationContext?: unknown): string {
  const at = error.message.indexOf(OUT_OF_PROC_DATA);
  if (at < 0) return describeError(error);
  const original = orchestratorException(invocationContext);
  if (original) return describeError(original);
  const state = parseState(error.message.slice(at + OUT_OF_PROC_DATA.length));
  const message = typeof state?.error === 'string' ? state.error : error.message.slice(0, at).trim();
  const details = state?.failureDetails;
  const stack = details?.StackTrace ?? details?.stackTrace;
  return typeof stack === 'string' && stack ? `${message}\n${stack}` : message;
}

interface OrchestratorStateText {
  error?: unknown;
  failureDetails?: { StackTrace?: unknown; stackTrace?: unknown };
}

function parseState(text: string): OrchestratorStateText | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The orchestrator's own exception, if the library's context still holds it (duck-typed: any shape may be missing). */
function orchestratorException(invocationContext: unknown): Error | undefined {
  try {
    const df = (invocationContext as { df?: { taskOrchestratorExecutor?: { exception?: unknown } } } | undefined)?.df;
    const e = df?.taskOrchestratorExecutor?.exception;
    return e instanceof Error ? e : undefined;
  } catch {
    return undefined;
  }
}
