// What an Owner sends to add or change a member: the kind of principal, its publisher role and a
// name for people. The member itself is named in the path by its Entra ID object id.
import { z } from 'zod';
import { ROLES } from './roles';

export const memberRequestSchema = z.strictObject({
  kind: z.enum(['user', 'servicePrincipal']).describe('A person (user) or an application identity (servicePrincipal).'),
  role: z.enum(ROLES).describe('The publisher role: Owner, Manager or Developer.'),
  displayName: z
    .string()
    .trim()
    .max(100)
    .optional()
    .describe('A name for people to read; never used to decide access.'),
});
export type MemberRequest = z.infer<typeof memberRequestSchema>;

// Object ids are GUIDs; one spelling (lowercase) keeps a member from being added twice.
const OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function normalObjectId(value: string): string | undefined {
  return OBJECT_ID.test(value) ? value.toLowerCase() : undefined;
}
