// Ids the host makes, in one place. Instance and execution ids are GUIDs without dashes (DTFx's
// `Guid.NewGuid().ToString("N")`); everything else that only has to be unique is a plain UUID.
import { randomUUID } from 'node:crypto';

/** What an instance id may be: the extension refuses slashes, backslashes, '#', '?' and control characters, and more than 256 characters. */
export const INSTANCE_ID_RULE = /^[^/\\#?\u0000-\u001f\u007f-\u009f]{1,256}$/;

/** A new orchestration instance id, as the durable client makes one when none is given. */
export function newInstanceId(): string {
  return randomUUID().replace(/-/g, '');
}

/** A new execution id (one per start, restart or continue-as-new of an instance). */
export function newExecutionId(): string {
  return randomUUID().replace(/-/g, '');
}

/** A unique id for a message, invocation, lock request or blob name. */
export function newId(): string {
  return randomUUID();
}
