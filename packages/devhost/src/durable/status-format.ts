import { EventType, HistoryEvent, parseJsonText } from './history';
import { InstanceRow } from './instance-store';

/** The status body of the Durable HTTP API (`input` and `output` always present, null allowed). */
export function statusBody(
  row: InstanceRow,
  opts: { showInput: boolean; history?: HistoryEvent[]; showHistoryOutput?: boolean },
) {
  const body: Record<string, unknown> = {
    name: row.name,
    instanceId: row.instanceId,
    runtimeStatus: row.status,
    input: opts.showInput ? parseJsonText(row.input) : null,
    customStatus: parseJsonText(row.customStatus),
    output: parseJsonText(row.output),
    createdTime: isoSeconds(row.createdTime),
    lastUpdatedTime: isoSeconds(row.lastUpdatedTime),
  };
  if (opts.history) body.historyEvents = formatHistory(opts.history, Boolean(opts.showHistoryOutput));
  return body;
}

// The extension prints times without fractional seconds ("2024-01-01T10:00:00Z").
function isoSeconds(iso: string): string {
  return iso.replace(/\.\d+Z$/, 'Z');
}

/**
 * History as the extension reports it: scheduling events are folded into their completions
 * (FunctionName, ScheduledTime), replay bookkeeping is left out, outputs only when asked for.
 */
export function formatHistory(history: HistoryEvent[], showOutput: boolean): Record<string, unknown>[] {
  const scheduled = new Map<number, HistoryEvent>();
  const out: Record<string, unknown>[] = [];
  for (const e of history) {
    const base: Record<string, unknown> = { EventType: EventType[e.EventType], Timestamp: e.Timestamp };
    switch (e.EventType) {
      case EventType.TaskScheduled:
      case EventType.SubOrchestrationInstanceCreated:
        scheduled.set(e.EventId, e);
        continue;
      case EventType.OrchestratorStarted:
      case EventType.OrchestratorCompleted:
        continue;
      case EventType.ExecutionStarted:
        out.push({ ...base, FunctionName: e.Name, Input: parseJsonText(e.Input) });
        continue;
      case EventType.TaskCompleted:
      case EventType.TaskFailed:
      case EventType.SubOrchestrationInstanceCompleted:
      case EventType.SubOrchestrationInstanceFailed: {
        const s = scheduled.get(e.TaskScheduledId!);
        const entry: Record<string, unknown> = {
          ...base,
          EventId: e.TaskScheduledId,
          FunctionName: s?.Name,
          ScheduledTime: s?.Timestamp,
        };
        if (s?.InstanceId) entry.InstanceId = s.InstanceId;
        if (e.Reason !== undefined) Object.assign(entry, { Reason: e.Reason, Details: e.Details });
        if (showOutput && e.Result !== undefined) entry.Result = parseJsonText(e.Result);
        out.push(entry);
        continue;
      }
      case EventType.TimerCreated:
        out.push({ ...base, EventId: e.EventId, FireAt: e.FireAt });
        continue;
      case EventType.TimerFired:
        out.push({ ...base, TimerId: e.TimerId, FireAt: e.FireAt });
        continue;
      case EventType.EventRaised:
        out.push({ ...base, Name: e.Name, ...(showOutput ? { Input: parseJsonText(e.Input) } : {}) });
        continue;
      case EventType.ExecutionCompleted:
        out.push({
          ...base,
          OrchestrationStatus: e.OrchestrationStatus,
          ...(showOutput ? { Result: parseJsonText(e.Result) } : {}),
        });
        continue;
      case EventType.ExecutionTerminated:
        out.push({ ...base, Input: parseJsonText(e.Input) });
        continue;
      default:
        out.push(base);
    }
  }
  return out;
}
