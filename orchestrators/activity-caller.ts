// The one way orchestrators call activities: by a name of the contract, with its input type, so
// a wrong input is a compile error (the idea of Temporal's proxyActivities, on durable-functions).
import * as df from 'durable-functions';
import { OrchestrationContext, Task } from 'durable-functions';
import type { ActivityInput, ActivityName } from '../domain/publishing/contract';

export interface ActivityCaller {
  /** Schedules the activity with the retry policy; yield the task for its output. */
  call: <K extends ActivityName>(name: K, input: ActivityInput<K>) => Task;
}

export function activityCaller(context: OrchestrationContext, retry: df.RetryOptions): ActivityCaller {
  return {
    call: (name, input) => context.df.callActivityWithRetry(name, retry, input),
  };
}
