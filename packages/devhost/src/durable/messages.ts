import { EntityMessage } from './entities/entity-messages';
import { HistoryEvent } from './history';

export interface ParentLink {
  instanceId: string;
  executionId: string;
  taskScheduledId: number;
}

/** An item on the control queue: one event or command for one orchestration instance, or a message to an entity. */
export interface ControlItem {
  /** Unique per logical message, so a redelivered one is recognised. */
  id: string;
  instanceId: string;
  /** When set, the item belongs to that execution only (older executions' leftovers are dropped). */
  executionId?: string;
  kind: 'event' | 'terminate' | 'suspend' | 'resume' | 'entity';
  event?: HistoryEvent;
  /** On kind 'entity': the request or release for the entity named by instanceId. */
  entity?: EntityMessage;
  reason?: string;
  /** On ExecutionStarted of a sub-orchestration: whom to tell when it ends. */
  parent?: ParentLink;
}

/** An activity to run, on the work-item queue. */
export interface WorkItem {
  id: string;
  instanceId: string;
  executionId: string;
  taskScheduledId: number;
  name: string;
  input: string | null;
}

export interface TimerItem {
  instanceId: string;
  executionId: string;
  timerId: number;
  fireAt: string;
}

/** What one orchestration step asks the engine to send once its history is committed. */
export interface Outbound {
  workItems: WorkItem[];
  control: ControlItem[];
  timers: TimerItem[];
  cancelTimers: { instanceId: string; executionId: string; timerId: number }[];
}

export function emptyOutbound(): Outbound {
  return { workItems: [], control: [], timers: [], cancelTimers: [] };
}
