// The one generator of random ids in the app (operation ids, the random part of lead ids), so
// their form is decided once. Orchestrators never call it: they use context.df.newGuid.
import { randomUUID } from 'node:crypto';

export function newId(): string {
  return randomUUID();
}
