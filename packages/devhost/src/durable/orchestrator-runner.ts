import { Invoker, fromTypedData, resultData } from '../core/invoker';
import { Registry } from '../core/registry';
import { OrchestratorResult, RunOrchestrator } from './orchestration-session';

/**
 * Runs an app's orchestrator function on one replay payload, the way the extension calls the Node
 * worker: the payload as the trigger's text, the `OrchestratorState` back as the return value, or,
 * when the orchestrator threw, embedded in the error after `$OutOfProcData$:`.
 */
export function orchestratorRunner(registry: Registry, invoker: Invoker): RunOrchestrator {
  return async (name, payload) => {
    const fn = registry.get(name);
    if (!fn || fn.trigger.type.toLowerCase() !== 'orchestrationtrigger') return { missing: true };
    const outcome = await invoker.invoke(fn, {
      inputData: [{ name: fn.triggerName, data: { string: JSON.stringify(payload) } }],
    });
    if (outcome.error) {
      const msg = outcome.error.message;
      const label = '$OutOfProcData$:';
      const at = msg.indexOf(label);
      if (at >= 0) {
        const state = JSON.parse(msg.slice(at + label.length)) as OrchestratorResult;
        return { state, error: state.error ?? msg.slice(0, at).trim() };
      }
      return { error: msg };
    }
    let value = fromTypedData(resultData(outcome.response));
    if (typeof value === 'string') value = JSON.parse(value);
    return { state: value as OrchestratorResult };
  };
}
