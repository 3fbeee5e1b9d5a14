// Entity ids as the Durable extension spells them (EntityScheduler/EntityId.cs in
// Azure/azure-functions-durable-extension): the scheduler's instance id is `@<name>@<key>` with the
// name lower-cased, and that is also the instance's PartitionKey in `<hub>Instances` / `<hub>History`.

export interface EntityId {
  name: string;
  key: string;
}

export const isEntityInstance = (instanceId: string): boolean => instanceId.startsWith('@');

export function schedulerId(id: EntityId): string {
  return `@${id.name.toLowerCase()}@${id.key}`;
}

export function parseSchedulerId(instanceId: string): EntityId {
  const at = instanceId.indexOf('@', 1);
  if (!isEntityInstance(instanceId) || at < 0) throw new Error(`'${instanceId}' is not an entity instance id.`);
  return { name: instanceId.slice(1, at), key: instanceId.slice(at + 1) };
}

// The same characters the engine refuses in instance ids (they are table keys), in a name or key.
const BAD = /[/\\#?\u0000-\u001f\u007f-\u009f]/;

/** Why an entity id cannot name an entity, or undefined when it can. */
export function entityIdProblem(id: EntityId): string | undefined {
  if (!id.name) return 'The entity name is empty.';
  if (id.name.includes('@')) return `The entity name '${id.name}' contains '@'.`;
  if (BAD.test(id.name) || BAD.test(id.key))
    return 'Entity names and keys may not contain /, \\, #, ? or control characters.';
  if (schedulerId(id).length > 256) return 'The entity id is longer than 256 characters.';
  return undefined;
}
