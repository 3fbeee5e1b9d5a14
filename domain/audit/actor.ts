// Who acted, as history records it. An actor is derived from who is acting on a request (the
// identity Principal of domain/auth/principal.ts: a publisher's API key, an Entra ID user or service
// principal, the platform's signed-in user; functions/_shared/actor.ts is the one mapping), from the
// ops key, or from the machinery that acted on its own (the publish orchestration, storage automation).

export const ACTOR_KINDS = ['apiKey', 'user', 'servicePrincipal', 'ops', 'system', 'automation'] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

export interface Actor {
  kind: ActorKind;
  /**
   * Stable within its kind: a publisher id for an API key, an Entra ID object id for a user or service
   * principal, `ops`, `publishOffer`, a blob path or queue request.
   */
  id: string;
  displayName?: string;
}

/** The channel a command came through; an actor may use several (a key from the portal and the CLI). */
export const ORIGINS = ['api', 'portal', 'cli', 'blob', 'queue', 'ops', 'orchestration'] as const;
export type Origin = (typeof ORIGINS)[number];

/** Who acted and through what: what every command passes down to be recorded. */
export interface Acting {
  actor: Actor;
  origin: Origin;
}

/** The publish orchestration, for the outcomes of its stages. */
export const SYSTEM_ACTOR: Actor = { kind: 'system', id: 'publishOffer', displayName: 'Publishing pipeline' };

/** The operations team: one shared ops key, so no one person can be named yet. */
export const OPS_ACTOR: Actor = { kind: 'ops', id: 'ops', displayName: 'Operations team' };

export const OPS: Acting = { actor: OPS_ACTOR, origin: 'ops' };

export function apiKeyActor(publisherId: string): Actor {
  return { kind: 'apiKey', id: publisherId, displayName: `${publisherId} API key` };
}

/** Storage automation acting with a publisher's key: `source` names the blob or queue message. */
export function automationActor(source: string, displayName: string): Actor {
  return { kind: 'automation', id: source, displayName };
}

/** `?actor=` as a kind (`system`) or a kind and id (`apiKey:contoso`). */
export interface ActorFilter {
  kind: ActorKind;
  id?: string;
}

export function parseActorFilter(value: string): ActorFilter | undefined {
  const at = value.indexOf(':');
  const kind = at < 0 ? value : value.slice(0, at);
  const id = at < 0 ? undefined : value.slice(at + 1);
  if (!(ACTOR_KINDS as readonly string[]).includes(kind)) return undefined;
  if (id !== undefined && (id === '' || id.length > 200)) return undefined;
  return { kind: kind as ActorKind, id };
}
