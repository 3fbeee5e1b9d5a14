// The asynchronous HTTP pattern of `callHttp`: a 202 with Location is polled after Retry-After
// seconds (else the default sleep) with a durable timer, by a GET of the Location with the same
// headers but x-functions-key, until the answer is not 202 (DurableOrchestrationContext.CallHttpAsync
// and CreateLocationPollRequest in Azure/azure-functions-durable-extension). The host does the
// polling; the JS library only mirrors it in replay, numbering the timer and the next call the
// moment it replays the 202, without actions of its own (durable-functions
// lib/src/task/CallHttpWithPollingTask.js, whose new children are tracked but never added to the
// action list). So both ids are reserved then, and such a completion must be the first event of its
// step, as a retried task's failure is.
import { EventType, HistoryEvent } from './history';
import { HTTP_ACTIVITY } from './http-activity';
import type { InstanceState } from './instance-store';
import { Outbound } from './messages';
import type { OpenTask } from './open-tasks';

/** The orchestration payload's defaultHttpAsyncRequestSleepTimeMillseconds. */
export const DEFAULT_POLL_SLEEP_MS = 30_000;

export interface HttpPoll {
  /** The id reserved for the next call. */
  taskId: number;
  /** Its input: the GET of the Location. */
  input: string;
}

interface Request {
  headers?: Record<string, unknown>;
  tokenSource?: unknown;
  asynchronousPatternEnabled?: boolean;
}

interface Response {
  statusCode?: number;
  headers?: Record<string, unknown>;
}

function header(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  const key = Object.keys(headers ?? {}).find((k) => k.toLowerCase() === name.toLowerCase());
  const v = key ? headers![key] : undefined;
  return Array.isArray(v) ? (v[0] as string | undefined) : typeof v === 'string' ? v : undefined;
}

function parse<T>(text: string | null | undefined): T | undefined {
  try {
    return text ? (JSON.parse(text) as T) : undefined;
  } catch {
    return undefined;
  }
}

/** The poll a completion asks for: a 202 with Location from a durable HTTP call with polling on. */
function pollFor(
  task: OpenTask | undefined,
  ev: HistoryEvent,
): { location: string; delayMs: number; req: Request } | undefined {
  if (!task || task.kind !== 'activity' || task.scheduled.Name !== HTTP_ACTIVITY) return undefined;
  if (ev.EventType !== EventType.TaskCompleted) return undefined;
  const req = parse<Request>(task.scheduled.Input);
  const res = parse<Response>(ev.Result);
  if (!req || req.asynchronousPatternEnabled === false || res?.statusCode !== 202) return undefined;
  const location = header(res.headers, 'Location');
  if (!location) return undefined;
  const retryAfter = Number.parseInt(header(res.headers, 'Retry-After') ?? '', 10);
  return {
    location,
    delayMs: Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter * 1000 : DEFAULT_POLL_SLEEP_MS,
    req,
  };
}

export function startsPoll(task: OpenTask | undefined, ev: HistoryEvent): boolean {
  return pollFor(task, ev) !== undefined;
}

/**
 * After a completion: a 202 starts the wait (timer) and reserves the next call's id; a poll timer's
 * firing schedules that call.
 */
export function advanceHttpPoll(
  state: InstanceState,
  task: OpenTask | undefined,
  ev: HistoryEvent,
  now: string,
  newEvents: HistoryEvent[],
  out: Outbound,
  open: Map<number, OpenTask>,
): void {
  const polls = (state.engine.httpPolls ??= {});
  const poll = pollFor(task, ev);
  if (poll) {
    const timerId = state.engine.nextSequence++;
    const taskId = state.engine.nextSequence++;
    const fireAt = new Date(Date.parse(now) + poll.delayMs).toISOString();
    const created: HistoryEvent = {
      EventType: EventType.TimerCreated,
      EventId: timerId,
      IsPlayed: false,
      Timestamp: now,
      FireAt: fireAt,
    };
    newEvents.push(created);
    open.set(timerId, { kind: 'timer', scheduled: created });
    out.timers.push({ instanceId: state.instanceId, executionId: state.executionId, timerId, fireAt });
    const headers = { ...(poll.req.headers ?? {}) };
    for (const k of Object.keys(headers)) if (k.toLowerCase() === 'x-functions-key') delete headers[k];
    const next = {
      method: 'GET',
      uri: poll.location,
      headers,
      tokenSource: poll.req.tokenSource,
      asynchronousPatternEnabled: true,
    };
    polls[String(timerId)] = { taskId, input: JSON.stringify(next) };
    return;
  }
  const due = ev.EventType === EventType.TimerFired ? polls[String(ev.TimerId)] : undefined;
  if (!due) return;
  delete polls[String(ev.TimerId)];
  const scheduled: HistoryEvent = {
    EventType: EventType.TaskScheduled,
    EventId: due.taskId,
    IsPlayed: false,
    Timestamp: now,
    Name: HTTP_ACTIVITY,
    Input: due.input,
  };
  newEvents.push(scheduled);
  open.set(due.taskId, { kind: 'activity', scheduled });
  out.workItems.push({
    id: `${state.instanceId}|${state.executionId}|${due.taskId}`,
    instanceId: state.instanceId,
    executionId: state.executionId,
    taskScheduledId: due.taskId,
    name: HTTP_ACTIVITY,
    input: due.input,
  });
}
