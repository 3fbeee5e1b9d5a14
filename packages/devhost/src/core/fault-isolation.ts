import { AsyncLocalStorage } from 'node:async_hooks';
import { Logger } from './logger';

/** The invocation an asynchronous error belongs to: whatever ran in its async context. */
export interface InvocationScope {
  functionName: string;
  invocationId: string;
  /** Set once the invocation has returned its outcome; a later error can only be logged. */
  done: boolean;
  /** Fails the invocation with an error it did not throw itself (a timer callback, an unawaited promise). */
  fail(error: Error): void;
}

/**
 * Each invocation runs inside its own async context, so an error that escapes it later (thrown from
 * a timer callback, a promise rejected that nobody awaits, an event emitter's 'error' with no
 * listener) can still be traced back to it. The real host gets this isolation from the worker
 * process: a crashing Node worker fails its invocations and is restarted while the host keeps
 * running. In the devhost the app shares the host's process, so the error is made the failure of
 * the invocation it came from instead of ending the process.
 */
export const invocationScope = new AsyncLocalStorage<InvocationScope>();

/** The message and stack of anything thrown, without throwing again (a getter may). */
export function describeError(e: unknown): string {
  try {
    if (e instanceof Error) return e.stack ?? `${e.name}: ${e.message}`;
    return typeof e === 'string' ? e : (JSON.stringify(e) ?? String(e));
  } catch {
    try {
      return String(e);
    } catch {
      return 'an unprintable value';
    }
  }
}

/** An Error for anything thrown or rejected with. */
export function toError(e: unknown): Error {
  return e instanceof Error ? e : new Error(describeError(e));
}

let installed: { uninstall: () => void } | undefined;

/**
 * Process-wide handlers for errors nothing caught. An error in an invocation's async context fails
 * that invocation (its task is retried per policy, its trigger sees a failure); one outside any
 * invocation (or after it finished) is logged with its stack. Either way the host keeps serving.
 * Returns a function that removes the handlers (when the host stops).
 */
export function installFaultHandlers(logger: Logger): () => void {
  if (installed) return installed.uninstall;
  const handle = (kind: string) => (reason: unknown) => {
    try {
      const scope = invocationScope.getStore();
      const text = describeError(reason);
      if (scope && !scope.done) {
        logger.log('error', `${kind} in this invocation; failing it: ${text}`, scope);
        scope.fail(toError(reason));
      } else if (scope) {
        logger.log(
          'error',
          `${kind} after this invocation had finished (nothing left to fail; the host keeps running): ${text}`,
          scope,
        );
      } else {
        logger.error(`host: ${kind} outside any invocation (the host keeps running): ${text}`);
      }
    } catch {
      // The handler itself must never throw: that would end the process after all.
    }
  };
  const onException = handle('uncaught exception');
  const onRejection = handle('unhandled promise rejection');
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  const uninstall = () => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
    installed = undefined;
  };
  installed = { uninstall };
  return uninstall;
}
