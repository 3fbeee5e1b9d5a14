// The one place that turns whoever is acting on a request (the identity Principal `authorize`
// returned: a publisher key, an Entra ID user or service principal, the platform's signed-in user)
// into the actor history records.
import { HttpRequest } from '@azure/functions';
import { Acting, Actor, apiKeyActor, Origin } from '../../domain/audit/actor';
import type { Principal } from '../../domain/auth/principal';

/**
 * The portal and the CLI name themselves in this header so history can say which channel a command
 * came through. It is a label, not a credential: the actor comes from the credential, whatever it claims.
 */
export const CLIENT_HEADER = 'x-offers-client';

export function originOf(request: HttpRequest): Origin {
  const client = request.headers.get(CLIENT_HEADER)?.trim().toLowerCase();
  return client === 'portal' || client === 'cli' ? client : 'api';
}

/**
 * A publisher key is its publisher's credential, so history names the publisher (`apiKey:contoso`);
 * users and service principals by their Entra ID object id (a platform user by the id the platform
 * gives), with the name they go by.
 */
export function actorOf(principal: Principal): Actor {
  switch (principal.kind) {
    case 'apiKey':
      return apiKeyActor(principal.publisherId);
    case 'user':
    case 'servicePrincipal':
      return {
        kind: principal.kind,
        id: principal.id,
        ...(principal.displayName ? { displayName: principal.displayName } : {}),
      };
  }
}

/** Who is acting on an authorized partner request, and through what. */
export function actingOf(request: HttpRequest, principal: Principal): Acting {
  return { actor: actorOf(principal), origin: originOf(request) };
}
