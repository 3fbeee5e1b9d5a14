import {
  dataverseEntityId,
  dataverseErrorText,
  dynamicsAuthentication,
  dynamicsInstanceOrigin,
  dynamicsLead,
  isGuid,
  isOAuthTemporarilyUnavailable,
  isTenantId,
  oauthErrorText,
  tokenAnswer,
  withoutSecrets,
} from '../../domain/leads/crm-bodies';
import { answerExcerpt, isTransientStatus, type DynamicsConfig } from '../../domain/leads/delivery';
import { Lead } from '../../domain/leads/lead';
import { checkOutboundUrl } from '../net/egress-policy';
import { crmTokens, IssuedToken } from './crm-tokens';
import { callCrm, crmFailure, isSuccess, LeadDeliveryUnavailable } from './https-lead-writer';
import { LeadRejected } from './table-lead-writer';

const ENTRA_AUTHORITY = 'https://login.microsoftonline.com';
const CONFIG = 'dynamicsLeadConfiguration';
const SIGN_IN = 'Microsoft Entra ID (sign-in to Dynamics 365)';
const DATAVERSE = 'Dynamics 365';

/** Overridable for a sovereign cloud's authority (login.microsoftonline.us …) and for tests. */
export function authorityHost(env: NodeJS.ProcessEnv = process.env): string {
  return (env.DYNAMICS_AUTHORITY_HOST || ENTRA_AUTHORITY).replace(/\/+$/, '');
}

/**
 * The Office 365 option gives a user name and password but no application: the password grant
 * needs a client id, which is this service's own (public, multi-tenant) app registration.
 */
export function publicClientId(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.DYNAMICS_PUBLIC_CLIENT_ID || undefined;
}

interface SignIn {
  tenant: string;
  form: Record<string, string>;
  /** Everything the token stands for, secret included (the cache key). */
  cacheParts: string[];
  secret: string;
  fix: string;
}

/** Checks the configuration and works out the token request; throws LeadRejected naming the field to fix. */
function signInFor(c: DynamicsConfig, scope: string): SignIn {
  const mode = dynamicsAuthentication(c.authentication);
  if (!mode)
    throw new LeadRejected(
      `Lead destination Dynamics 365: authentication must be "Azure Active Directory" or "Office 365" (${CONFIG}.authentication).`,
    );
  if (mode === 'AzureActiveDirectory') {
    if (!c.applicationId || !c.directoryId || !c.applicationKey) {
      throw new LeadRejected(
        `Lead destination Dynamics 365 (Azure Active Directory) needs the application id, directory id and application key (${CONFIG}.applicationId, .directoryId, .applicationKey).`,
      );
    }
    if (!isGuid(c.applicationId))
      throw new LeadRejected(
        `Lead destination Dynamics 365: the application id must be the application's client id, a GUID (${CONFIG}.applicationId).`,
      );
    if (!isTenantId(c.directoryId))
      throw new LeadRejected(
        `Lead destination Dynamics 365: the directory id must be the tenant's GUID or domain name (${CONFIG}.directoryId).`,
      );
    return {
      tenant: c.directoryId,
      form: { client_id: c.applicationId, client_secret: c.applicationKey, grant_type: 'client_credentials', scope },
      cacheParts: ['aad', c.directoryId.toLowerCase(), c.applicationId.toLowerCase(), scope, c.applicationKey],
      secret: c.applicationKey,
      fix: `check the application id, directory id and application key (${CONFIG})`,
    };
  }
  if (!c.username || !c.password)
    throw new LeadRejected(
      `Lead destination Dynamics 365 (Office 365) needs the user name and password (${CONFIG}.username, .password).`,
    );
  const clientId = publicClientId();
  if (!clientId) {
    throw new LeadRejected(
      'Lead destination Dynamics 365: Office 365 sign-in is not available on this service (it has no application registered for it); use Azure Active Directory authentication.',
    );
  }
  // Without a directory id, "organizations" lets Entra ID find the user's tenant from the user name.
  const tenant = c.directoryId ?? 'organizations';
  if (!isTenantId(tenant) && tenant !== 'organizations')
    throw new LeadRejected(
      `Lead destination Dynamics 365: the directory id must be the tenant's GUID or domain name (${CONFIG}.directoryId).`,
    );
  return {
    tenant,
    form: { client_id: clientId, grant_type: 'password', username: c.username, password: c.password, scope },
    cacheParts: ['o365', tenant.toLowerCase(), clientId, scope, c.username.toLowerCase(), c.password],
    secret: c.password,
    fix: `check the user name and password (${CONFIG}); Office 365 passwords expire, and an account that needs multi-factor sign-in cannot be used`,
  };
}

async function requestToken(s: SignIn): Promise<IssuedToken> {
  const url = `${authorityHost()}/${encodeURIComponent(s.tenant)}/oauth2/v2.0/token`;
  const answer = await callCrm(url, SIGN_IN, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(s.form).toString(),
  });
  if (isSuccess(answer)) {
    const issued = tokenAnswer(answer.text);
    if (issued) return issued;
    throw new LeadDeliveryUnavailable(`${SIGN_IN} answered HTTP ${answer.status} without an access token.`);
  }
  const quote = oauthErrorText(answer.text);
  // Entra ID's error code, not its status, says whether waiting helps.
  if (isOAuthTemporarilyUnavailable(answer.text) && !isTransientStatus(answer.status)) {
    throw new LeadDeliveryUnavailable(
      `${SIGN_IN} answered HTTP ${answer.status}: ${answerExcerpt(withoutSecrets(quote, [s.secret]))}`,
    );
  }
  const failure = crmFailure(SIGN_IN, answer, quote, [s.secret]);
  if (failure instanceof LeadRejected) throw new LeadRejected(`${failure.message} — ${s.fix}.`);
  throw failure;
}

/**
 * Dynamics 365 (Dataverse Web API): a token from Microsoft Entra ID for the instance (the Azure AD
 * option's client credentials, or the Office 365 option's user name and password), then a `lead`
 * row created with POST /api/data/v9.2/leads. Tokens are cached; a 401 on the lead (token revoked
 * or expired early) drops the token and tries once more with a fresh one. Returns the new lead's id
 * when Dataverse names it.
 */
export async function writeDynamicsLead(c: DynamicsConfig, lead: Lead): Promise<string | undefined> {
  if (!c.instanceUrl)
    throw new LeadRejected(`Lead destination Dynamics 365 has no instance URL (${CONFIG}.instanceUrl).`);
  const instance = dynamicsInstanceOrigin(c.instanceUrl);
  if ('problem' in instance)
    throw new LeadRejected(
      `Lead destination Dynamics 365: the instance URL ${instance.problem} (${CONFIG}.instanceUrl).`,
    );
  // Vetted before signing in too (callCrm vets again at the call): credentials are not spent on,
  // nor a token asked for, an instance the lead could never be sent to.
  await checkOutboundUrl(instance.origin, 'The Dynamics 365 instance URL').catch((e: Error) => {
    throw new LeadRejected(`Lead destination Dynamics 365: ${e.message} (${CONFIG}.instanceUrl)`);
  });
  // The token's audience is the instance itself: a token for one instance is useless on another.
  const signIn = signInFor(c, `${instance.origin}/.default`);
  const body = JSON.stringify(dynamicsLead(lead));
  const secrets = [c.applicationKey, c.password];

  for (let attempt = 1; ; attempt++) {
    const token = await crmTokens.get(signIn.cacheParts, () => requestToken(signIn));
    const answer = await callCrm(`${instance.origin}/api/data/v9.2/leads`, DATAVERSE, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        'content-type': 'application/json; charset=utf-8',
        'odata-maxversion': '4.0',
        'odata-version': '4.0',
      },
      body,
    });
    if (isSuccess(answer)) return dataverseEntityId(answer.headers.get('odata-entityid'));
    if (answer.status === 401) {
      crmTokens.drop(signIn.cacheParts, token);
      if (attempt === 1) continue;
      // A fresh token refused too: Entra ID knows the application, the instance does not.
      throw new LeadRejected(
        `${crmFailure(DATAVERSE, answer, dataverseErrorText(answer.text), secrets).message} — the sign-in worked but the instance refused it: add the application (or user) to the Dynamics 365 environment as a user with the Microsoft Marketplace Lead Writer role.`,
      );
    }
    const failure = crmFailure(DATAVERSE, answer, dataverseErrorText(answer.text), secrets);
    if (answer.status === 403 && failure instanceof LeadRejected) {
      throw new LeadRejected(
        `${failure.message} — give the Dynamics 365 user the Microsoft Marketplace Lead Writer role, which lets it create leads.`,
      );
    }
    throw failure;
  }
}
