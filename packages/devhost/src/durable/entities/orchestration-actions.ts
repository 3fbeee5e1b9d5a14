// An orchestration's entity actions (durable-functions lib/src/actions: 7 CallEntity, 9 SignalEntity,
// 13 LockEntities, 14 ReleaseEntities) become EventSent history events, as the extension's
// DurableOrchestrationContext writes them, and messages to the entities. Sequence numbers follow the
// JS replay engine: one per call, signal and lock, and one per locked entity on release
// (TaskOrchestrationExecutor.recordFireAndForgetAction with the lock set's size).
import { newId } from '../../core/ids';
import { EventType, HistoryEvent } from '../history';
import type { InstanceState } from '../instance-store';
import { ControlItem, Outbound } from '../messages';
import { EntityId, entityIdProblem, parseSchedulerId, schedulerId } from './entity-id';
import { EntityMessage, ReleaseMessage, RequestMessage } from './entity-messages';

export const ENTITY_ACTIONS = { CallEntity: 7, SignalEntity: 9, LockEntities: 13, ReleaseEntities: 14 };

export interface EntityAction {
  actionType: number;
  instanceId?: string;
  operation?: string;
  input?: unknown;
  lockRequestId?: string;
  lockSet?: EntityId[];
}

/** Appends the action's history events and messages; answers why it cannot be done, if it cannot. */
export function applyEntityAction(
  state: InstanceState,
  a: EntityAction,
  now: string,
  out: Outbound,
): string | undefined {
  const engine = state.engine;
  const send = (target: string, name: 'op' | 'release', message: RequestMessage | ReleaseMessage) => {
    const ev: HistoryEvent = {
      EventType: EventType.EventSent,
      EventId: engine.nextSequence++,
      IsPlayed: false,
      Timestamp: now,
      InstanceId: target,
      Name: name,
      Input: JSON.stringify(message),
    };
    state.history.push(ev);
    out.control.push(messageFromEventSent(state, ev, state.history.length - 1));
  };
  const parent = { parent: state.instanceId, parentExecution: state.executionId };
  switch (a.actionType) {
    case ENTITY_ACTIONS.CallEntity:
    case ENTITY_ACTIONS.SignalEntity: {
      const target = a.instanceId ?? '';
      const problem = targetProblem(target) ?? (a.operation ? undefined : 'An entity operation needs a name.');
      if (problem) return problem;
      const signal = a.actionType === ENTITY_ACTIONS.SignalEntity;
      const request: RequestMessage = {
        op: a.operation,
        ...(signal ? { signal: true } : {}),
        ...(a.input === undefined ? {} : { input: JSON.stringify(a.input) }),
        id: newId(),
        ...parent,
      };
      send(target, 'op', request);
      return undefined;
    }
    case ENTITY_ACTIONS.LockEntities: {
      const lockSet = (a.lockSet ?? []).map((e) => ({ name: String(e.name).toLowerCase(), key: String(e.key) }));
      const problem =
        lockSet.length === 0 ? 'A lock needs at least one entity.' : lockSet.map(entityIdProblem).find(Boolean);
      if (problem) return problem;
      if (engine.lock) return 'The orchestration already holds a lock.';
      const id = a.lockRequestId ?? newId();
      engine.lock = { id, entities: lockSet.map(schedulerId) };
      send(schedulerId(lockSet[0]), 'op', { id, lockset: lockSet, pos: 0, ...parent });
      return undefined;
    }
    case ENTITY_ACTIONS.ReleaseEntities:
      releaseLock(state, send);
      return undefined;
    default:
      return `Action type ${a.actionType} is not an entity action.`;
  }
}

/** An orchestration that ends while it holds a lock gives it back, so the entities are not locked for ever. */
export function releaseHeldLock(state: InstanceState, now: string, out: Outbound): void {
  if (!state.engine.lock) return;
  applyEntityAction(state, { actionType: ENTITY_ACTIONS.ReleaseEntities }, now, out);
}

function releaseLock(state: InstanceState, send: (target: string, name: 'release', m: ReleaseMessage) => void): void {
  const lock = state.engine.lock;
  if (!lock) return;
  delete state.engine.lock;
  for (const target of lock.entities) send(target, 'release', { parent: state.instanceId, id: lock.id });
}

function targetProblem(target: string): string | undefined {
  try {
    return entityIdProblem(parseSchedulerId(target));
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * The control item an EventSent stands for. Its sequence number is the count of EventSent events to
 * the same entity before it in this execution, so a re-send after a crash carries the same number.
 */
export function messageFromEventSent(state: InstanceState, ev: HistoryEvent, index: number): ControlItem {
  const target = ev.InstanceId!;
  let seq = 0;
  for (let i = 0; i < index; i++) {
    const e = state.history[i];
    if (e.EventType === EventType.EventSent && e.InstanceId === target) seq++;
  }
  const source = { key: `${state.instanceId}|${state.executionId}`, seq };
  const at = ev.Timestamp;
  const entity: EntityMessage =
    ev.Name === 'release'
      ? { type: 'release', release: JSON.parse(ev.Input!) as ReleaseMessage, source, at }
      : { type: 'request', request: JSON.parse(ev.Input!) as RequestMessage, source, at };
  return {
    id: `send|${state.instanceId}|${state.executionId}|${ev.EventId}`,
    instanceId: target,
    kind: 'entity',
    entity,
  };
}

/**
 * After a crash: the entity messages the last committed step may not have sent, plus every call or
 * lock request not answered yet. Entities drop what they already have.
 */
export function entityResends(state: InstanceState): ControlItem[] {
  const h = state.history;
  let lastStep = -1;
  for (let i = h.length - 1; i >= 0; i--)
    if (h[i].EventType === EventType.OrchestratorStarted) {
      lastStep = i;
      break;
    }
  const answered = new Set(h.filter((e) => e.EventType === EventType.EventRaised).map((e) => e.Name));
  const items: ControlItem[] = [];
  h.forEach((ev, i) => {
    if (ev.EventType !== EventType.EventSent || !ev.Input) return;
    const item = messageFromEventSent(state, ev, i);
    const m = item.entity!;
    const awaitsAnswer = m.type === 'request' && !m.request.signal;
    if (i > lastStep || (awaitsAnswer && m.type === 'request' && !answered.has(m.request.id))) items.push(item);
  });
  return items;
}
