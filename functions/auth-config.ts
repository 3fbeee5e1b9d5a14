// The portal's sign-in settings: which issuer to send people to (its authorization and token
// endpoints, from its discovery document), the portal's client id and the scope to ask for. With
// AUTH_ISSUER, AUTH_AUDIENCE or AUTH_CLIENT_ID unset, sign-in with Entra ID is off and the portal
// offers the publisher-key form only.
import { app } from '@azure/functions';
import { DELEGATED_SCOPE } from '../adapters/auth/token-permissions';
import { IssuerUnavailable } from '../adapters/auth/access-tokens';
import { accessTokens, fail, handle } from './_shared/http';

/** The scope the portal asks for: the API's application id URI (api://<client id> unless one is listed) and the scope name. */
export function portalScope(audience: string[]): string {
  const uri = audience.find((a) => a.includes('://')) ?? `api://${audience[0]}`;
  return `${uri.replace(/\/+$/, '')}/${DELEGATED_SCOPE}`;
}

app.http('authConfig', {
  route: 'api/auth/config',
  methods: ['GET'],
  handler: handle(async () => {
    const tokens = accessTokens();
    const clientId = process.env.AUTH_CLIENT_ID?.trim();
    if (!tokens || !clientId) return { jsonBody: { enabled: false } };
    try {
      const d = await tokens.discovery();
      if (!d.authorization_endpoint || !d.token_endpoint)
        fail(503, 'IssuerUnavailable', "The issuer's discovery document names no authorization or token endpoint.");
      return {
        jsonBody: {
          enabled: true,
          issuer: tokens.settings.issuer,
          authorizationEndpoint: d.authorization_endpoint,
          tokenEndpoint: d.token_endpoint,
          clientId,
          scope: portalScope(tokens.settings.audience),
        },
        headers: { 'cache-control': 'no-cache' },
      };
    } catch (e) {
      if (e instanceof IssuerUnavailable) fail(503, 'IssuerUnavailable', e.message);
      throw e;
    }
  }),
});
