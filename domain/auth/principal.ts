// Who is acting: the one description of an authenticated caller, whatever the credential was (a
// publisher API key, a user's or a service principal's Entra ID access token, the platform's
// sign-in). Endpoints receive it from functions/_shared/http.ts `authorize`; anything recording an
// actor reads it from here.
import type { Role } from './roles';

export type PrincipalKind = 'apiKey' | 'user' | 'servicePrincipal';

export interface Principal {
  kind: PrincipalKind;
  /**
   * Stable id of the caller: an API key's fingerprint (`key:` and the start of its SHA-256, never the
   * key), or the Entra ID object id (`oid`) of the user or service principal.
   */
  id: string;
  /** A name for people to read (the token's `name` or `preferred_username`); never used to decide access. */
  displayName?: string;
  /** The publisher the caller acts for in this request. */
  publisherId: string;
  role: Role;
}
