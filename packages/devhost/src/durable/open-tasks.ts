import { EventType, HistoryEvent } from './history';

export type OpenKind = 'activity' | 'timer' | 'subOrchestration';

export interface OpenTask {
  kind: OpenKind;
  scheduled: HistoryEvent;
}

/** Tasks scheduled in this execution whose completion has not been recorded yet. */
export function openTasks(history: HistoryEvent[]): Map<number, OpenTask> {
  const open = new Map<number, OpenTask>();
  for (const ev of history) {
    switch (ev.EventType) {
      case EventType.TaskScheduled:
        open.set(ev.EventId, { kind: 'activity', scheduled: ev });
        break;
      case EventType.TimerCreated:
        open.set(ev.EventId, { kind: 'timer', scheduled: ev });
        break;
      case EventType.SubOrchestrationInstanceCreated:
        open.set(ev.EventId, { kind: 'subOrchestration', scheduled: ev });
        break;
      case EventType.TaskCompleted:
      case EventType.TaskFailed:
      case EventType.SubOrchestrationInstanceCompleted:
      case EventType.SubOrchestrationInstanceFailed:
        open.delete(ev.TaskScheduledId!);
        break;
      case EventType.TimerFired:
        open.delete(ev.TimerId!);
        break;
      default:
        break;
    }
  }
  return open;
}

/** The id a completion event refers to, and the kind of task it completes. */
export function completionTarget(ev: HistoryEvent): { id: number; kind: OpenKind } | undefined {
  switch (ev.EventType) {
    case EventType.TaskCompleted:
    case EventType.TaskFailed:
      return { id: ev.TaskScheduledId!, kind: 'activity' };
    case EventType.SubOrchestrationInstanceCompleted:
    case EventType.SubOrchestrationInstanceFailed:
      return { id: ev.TaskScheduledId!, kind: 'subOrchestration' };
    case EventType.TimerFired:
      return { id: ev.TimerId!, kind: 'timer' };
    default:
      return undefined;
  }
}
