// The messages entities exchange, in the extension's JSON shapes (EntityScheduler/RequestMessage.cs,
// ResponseMessage.cs, ReleaseMessage.cs in Azure/azure-functions-durable-extension): an orchestration's
// EventSent event carries one as its Input, and the JS replay engine reads `id` from it to match the
// response (durable-functions lib/src/orchestrations/TaskOrchestrationExecutor.js, EventSent case).
import { EntityId } from './entity-id';

export interface RequestMessage {
  op?: string;
  signal?: boolean;
  input?: string;
  id: string;
  parent?: string;
  parentExecution?: string;
  lockset?: EntityId[];
  pos?: number;
}

export interface ReleaseMessage {
  parent: string;
  id: string;
}

export interface ResponseMessage {
  result?: string;
  exceptionType?: string;
}

/**
 * Who sent a message and its place among the messages that sender sent this receiver, so the receiver
 * recognises a copy. An orchestration's number is derived from its history (the EventSent events to
 * the same entity before it), so a re-send after a crash carries the same one; an entity counts per
 * receiver. Messages from clients have no sender and are recognised by id.
 */
export interface MessageSource {
  key: string;
  seq: number;
}

/** An entity message on the control queue. */
export type EntityMessage =
  | { type: 'request'; request: RequestMessage; source?: MessageSource; at: string }
  | { type: 'release'; release: ReleaseMessage; source?: MessageSource; at: string };

/** The text of an entity message's id, for de-duplication and logs. */
export function messageId(m: EntityMessage): string {
  return m.type === 'request' ? m.request.id : `release|${m.release.id}`;
}
