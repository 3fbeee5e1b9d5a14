import { describeError } from '../core/fault-isolation';
import { Invoker, fromTypedData, resultData } from '../core/invoker';
import { Logger } from '../core/logger';
import { Registry } from '../core/registry';
import { Clock } from './clock';
import { EventType, parseJsonText, toJsonText } from './history';
import { ControlItem, WorkItem } from './messages';
import { callDurableHttp, HTTP_ACTIVITY, HttpCallError } from './http-activity';
import { Delivered } from './queue-channel';

/**
 * Runs activity functions for work items, at most `concurrency` at a time, and reports each result
 * as a TaskCompleted/TaskFailed control item together with the work item's acknowledgement. The
 * receiver acknowledges only once the result is durable (in the orchestration's committed
 * history), so a crash re-runs the activity rather than losing its result.
 *
 * Whatever goes wrong while running one work item is that activity's failure (a TaskFailed, retried
 * per the orchestration's policy), never a silent drop: a dropped item would only come back after
 * its lease, fail the same way, and keep the orchestration waiting for ever.
 */
export class ActivityWorker {
  private running = 0;
  private readonly waiting: Delivered<WorkItem>[] = [];

  constructor(
    private readonly registry: Registry,
    private readonly invoker: Invoker,
    private readonly clock: Clock,
    private readonly report: (result: Delivered<ControlItem>) => void,
    private readonly concurrency: number,
    private readonly logger: Logger,
  ) {}

  get busy(): number {
    return this.running + this.waiting.length;
  }

  accept(items: Delivered<WorkItem>[]): void {
    this.waiting.push(...items);
    this.pump();
  }

  private pump(): void {
    while (this.running < this.concurrency && this.waiting.length > 0) {
      const d = this.waiting.shift()!;
      this.running++;
      void this.execute(d.item)
        .catch((e: unknown) =>
          this.failed(d.item, `The host could not run activity '${d.item.name}': ${errorMessage(e)}`, describeError(e)),
        )
        .then((result) => this.report({ item: result, ack: () => d.ack() }))
        .catch((e: unknown) => {
          // Only the hand-over to the orchestration can fail here; the work item stays unacknowledged,
          // so the queue redelivers it after its lease and the activity runs again.
          this.logger.error(
            `durable: could not deliver the result of activity '${d.item.name}' (${d.item.id}): ${describeError(e)}`,
          );
        })
        .finally(() => {
          this.running--;
          this.pump();
        });
    }
  }

  private failed(w: WorkItem, reason: string, details: string): ControlItem {
    return {
      id: `result|${w.id}`,
      instanceId: w.instanceId,
      executionId: w.executionId,
      kind: 'event',
      event: {
        EventType: EventType.TaskFailed,
        EventId: -1,
        IsPlayed: false,
        Timestamp: this.clock.nowIso(),
        TaskScheduledId: w.taskScheduledId,
        Reason: reason,
        Details: details,
      },
    };
  }

  private async execute(w: WorkItem): Promise<ControlItem> {
    const base = { id: `result|${w.id}`, instanceId: w.instanceId, executionId: w.executionId, kind: 'event' as const };
    const fail = (reason: string, details: string): ControlItem => this.failed(w, reason, details);
    if (w.name === HTTP_ACTIVITY) {
      try {
        const response = await callDurableHttp(w.input);
        const event = {
          EventType: EventType.TaskCompleted,
          EventId: -1,
          IsPlayed: false,
          Timestamp: this.clock.nowIso(),
        };
        return { ...base, event: { ...event, TaskScheduledId: w.taskScheduledId, Result: JSON.stringify(response) } };
      } catch (e) {
        if (!(e instanceof HttpCallError)) throw e;
        return fail(`The HTTP call failed: ${e.message}`, '');
      }
    }
    const fn = this.registry.get(w.name);
    if (!fn || fn.trigger.type.toLowerCase() !== 'activitytrigger') {
      return fail(`The function '${w.name}' doesn't exist, is disabled, or is not an activity function.`, '');
    }
    const value = activityInput(w.input);
    // The extension hands the activity its input as text: strings as they are, anything else as JSON.
    const data = { string: typeof value === 'string' ? value : JSON.stringify(value) };
    // The extension's binding data for an activity names its orchestration (`{instanceId}` in binding paths).
    const triggerMetadata = { instanceId: { string: w.instanceId } };
    const outcome = await this.invoker.invoke(fn, { inputData: [{ name: fn.triggerName, data }], triggerMetadata });
    if (outcome.error) {
      return fail(`Activity function '${w.name}' failed: ${outcome.error.message}`, outcome.error.stack ?? '');
    }
    const result = fromTypedData(resultData(outcome.response));
    return {
      ...base,
      event: {
        EventType: EventType.TaskCompleted,
        EventId: -1,
        IsPlayed: false,
        Timestamp: this.clock.nowIso(),
        TaskScheduledId: w.taskScheduledId,
        Result: toJsonText(result),
      },
    };
  }
}

/**
 * The activity's input from the scheduled event's Input: DTFx's one-element parameter array, which
 * the extension unwraps (DurableActivityContext.GetInputAsJson). Work scheduled by earlier devhost
 * versions carries the bare value.
 */
export function activityInput(text: string | null): unknown {
  const value = parseJsonText(text);
  return Array.isArray(value) && value.length === 1 ? (value[0] as unknown) : value;
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : describeError(e);
}
