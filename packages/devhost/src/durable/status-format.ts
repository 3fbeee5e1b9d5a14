import { EventType, HistoryEvent } from './history';
import { InstanceRow } from './instance-store';

export interface StatusOptions {
  showInput: boolean;
  history?: HistoryEvent[];
  showHistoryOutput?: boolean;
}

/** The status body of the Durable HTTP API (`input` and `output` always present, null allowed). */
export function statusBody(row: InstanceRow, opts: StatusOptions) {
  const body: Record<string, unknown> = {
    name: row.name,
    instanceId: row.instanceId,
    runtimeStatus: row.status,
    input: opts.showInput ? parseToken(row.input) : null,
    customStatus: parseToken(row.customStatus),
    output: parseToken(row.output),
    createdTime: isoSeconds(row.createdTime),
    lastUpdatedTime: isoSeconds(row.lastUpdatedTime),
  };
  if (opts.history) {
    body.historyEvents = formatHistory(opts.history, {
      showOutput: Boolean(opts.showHistoryOutput),
      showInput: opts.showInput,
    });
  }
  return body;
}

// The extension prints times without fractional seconds ("2024-01-01T10:00:00Z").
function isoSeconds(iso: string): string {
  return iso.replace(/\.\d+Z$/, 'Z');
}

/**
 * A stored value as the extension reports it (DurableClient.ParseToJToken): null stays null, blank
 * text is "", JSON is parsed, and anything else (a termination reason, a failure message, both kept
 * as plain text) is returned as the string it is.
 */
export function parseToken(text: string | null | undefined): unknown {
  if (text === null || text === undefined) return null;
  const trimmed = text.trim();
  if (trimmed === '') return '';
  try {
    return JSON.parse(trimmed);
  } catch {
    return trimmed;
  }
}

const SCHEDULING: Partial<Record<EventType, EventType>> = {
  [EventType.TaskCompleted]: EventType.TaskScheduled,
  [EventType.TaskFailed]: EventType.TaskScheduled,
  [EventType.SubOrchestrationInstanceCompleted]: EventType.SubOrchestrationInstanceCreated,
  [EventType.SubOrchestrationInstanceFailed]: EventType.SubOrchestrationInstanceCreated,
};

/**
 * History as the extension's DurableClient (GetDurableOrchestrationStatusAsync) reports it: a
 * scheduling event is folded into its completion (FunctionName, ScheduledTime and, with showInput,
 * its Input) and dropped, so one still in flight stays listed; replay bookkeeping
 * (OrchestratorStarted/Completed, EventId, IsPlayed, TaskScheduledId, TimerId) is left out; results
 * are parsed and shown only with showHistoryOutput; every Input is the stored text, unparsed, and
 * none is shown without showInput.
 */
export function formatHistory(
  history: HistoryEvent[],
  opts: { showOutput: boolean; showInput: boolean },
): Record<string, unknown>[] {
  const scheduledAt = new Map<string, number>();
  const out: (Record<string, unknown> | undefined)[] = [];
  for (const e of history) {
    const item: Record<string, unknown> = { EventType: EventType[e.EventType], Timestamp: e.Timestamp };
    switch (e.EventType) {
      case EventType.OrchestratorStarted:
      case EventType.OrchestratorCompleted:
        continue;
      case EventType.ExecutionStarted:
        Object.assign(item, { FunctionName: e.Name, Input: e.Input ?? null });
        break;
      case EventType.TaskScheduled:
      case EventType.SubOrchestrationInstanceCreated:
        scheduledAt.set(`${e.EventType}_${e.EventId}`, out.length);
        Object.assign(item, { Name: e.Name, Input: e.Input ?? null });
        if (e.InstanceId !== undefined) item.InstanceId = e.InstanceId;
        break;
      case EventType.TaskCompleted:
      case EventType.TaskFailed:
      case EventType.SubOrchestrationInstanceCompleted:
      case EventType.SubOrchestrationInstanceFailed: {
        const at = scheduledAt.get(`${SCHEDULING[e.EventType]}_${e.TaskScheduledId}`);
        const scheduled = at === undefined ? undefined : out[at];
        if (e.Reason !== undefined) Object.assign(item, { Reason: e.Reason, Details: e.Details ?? null });
        if (e.Result !== undefined && opts.showOutput) item.Result = parseToken(e.Result);
        if (scheduled) {
          Object.assign(item, { ScheduledTime: scheduled.Timestamp, FunctionName: scheduled.Name });
          if (opts.showInput) item.Input = scheduled.Input;
          // Not the extension's: the child's id, which its view loses once the creation event is
          // folded away; without it a reader of a finished history cannot find the child.
          if (scheduled.InstanceId !== undefined) item.InstanceId = scheduled.InstanceId;
          out[at!] = undefined;
        }
        break;
      }
      case EventType.TimerCreated:
      case EventType.TimerFired:
        item.FireAt = e.FireAt;
        break;
      case EventType.EventRaised:
        Object.assign(item, { Name: e.Name, Input: e.Input ?? null });
        break;
      case EventType.ExecutionCompleted:
        item.OrchestrationStatus = e.OrchestrationStatus;
        if (opts.showOutput) item.Result = parseToken(e.Result);
        break;
      case EventType.ExecutionTerminated:
        item.Input = e.Input ?? null;
        break;
      case EventType.ExecutionSuspended:
      case EventType.ExecutionResumed:
        item.Reason = e.Reason ?? null;
        break;
      default:
        break;
    }
    if (!opts.showInput) delete item.Input;
    out.push(item);
  }
  return out.filter((x): x is Record<string, unknown> => x !== undefined);
}
