// Pure rules for delivering leads: which destination an offer names, the lead a customer's request
// becomes, the Salesforce Web-to-Lead form, and how a CRM's answer is quoted back to the partner.
// The Dynamics 365 and Marketo request bodies and answers are in crm-bodies.ts.
import { z } from 'zod';
import { Lead } from './lead';
import { MARKETPLACE } from '../offer/fields';

const M = MARKETPLACE;

export type LeadDestination =
  | { kind: 'None' }
  | { kind: 'AzureTable'; connectionString?: string }
  | { kind: 'HttpsEndpoint'; url?: string }
  | { kind: 'Salesforce'; objectIdentifier?: string }
  | ({ kind: 'Dynamics' } & DynamicsConfig)
  | ({ kind: 'Marketo' } & MarketoConfig);

/** Dynamics 365 (Dataverse): the instance, and Azure AD (application) or Office 365 (user) sign-in. */
export interface DynamicsConfig {
  instanceUrl?: string;
  authentication?: string;
  applicationId?: string;
  directoryId?: string;
  applicationKey?: string;
  username?: string;
  password?: string;
}

/** Marketo: the subscription (Munchkin id), the form leads are submitted to, the REST API credentials. */
export interface MarketoConfig {
  munchkinId?: string;
  formId?: string;
  clientId?: string;
  clientSecret?: string;
}

/** The destination configured in an offer's marketplace section (a snapshot, so secrets included). */
export function leadDestinationOf(offer: Record<string, unknown>): LeadDestination {
  const config = (key: string) =>
    offer[M + key] && typeof offer[M + key] === 'object' ? (offer[M + key] as Record<string, unknown>) : {};
  const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
  const secret = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const kind = str(offer[M + 'leadDestination']) ?? 'None';
  switch (kind) {
    case 'AzureTable':
      return { kind, connectionString: str(config('tableLeadConfiguration').connectionString) };
    case 'HttpsEndpoint':
      return { kind, url: str(config('httpsEndpointLeadConfiguration').httpsEndpointUrl) };
    case 'Salesforce':
      return { kind, objectIdentifier: str(config('salesForceLeadConfiguration').objectIdentifier) };
    case 'Dynamics': {
      const c = config('dynamicsLeadConfiguration');
      return {
        kind,
        instanceUrl: str(c.instanceUrl),
        authentication: str(c.authentication),
        applicationId: str(c.applicationId),
        directoryId: str(c.directoryId),
        // Secrets are taken as typed: leading or trailing spaces may be part of them.
        applicationKey: secret(c.applicationKey),
        username: str(c.username),
        password: secret(c.password),
      };
    }
    case 'Marketo': {
      const c = config('marketoLeadConfiguration');
      return {
        kind,
        munchkinId: str(c.munchkinId),
        formId: str(c.formId),
        clientId: str(c.clientId),
        clientSecret: secret(c.clientSecret),
      };
    }
    default:
      return { kind: 'None' };
  }
}

/** What a customer can ask for on a listing, and the marketplace source/action codes it maps to. */
export const CUSTOMER_ACTIONS = {
  'contact-me': { source: 'AzureMarketplace', action: 'PLT', description: 'asked to be contacted about' },
  deploy: { source: 'AzurePortal', action: 'Create', description: 'started deploying' },
} as const;
export type CustomerAction = keyof typeof CUSTOMER_ACTIONS;

const name = z.string().trim().min(1).max(100);
const optional = (max: number) => z.string().trim().max(max).optional();

export const customerLeadRequestSchema = z.strictObject({
  action: z.enum(Object.keys(CUSTOMER_ACTIONS) as [CustomerAction, ...CustomerAction[]]),
  firstName: name,
  lastName: name,
  email: z.email().max(254),
  company: optional(200),
  phone: optional(40),
  title: optional(100),
  country: optional(100),
});
export type CustomerLeadRequest = z.infer<typeof customerLeadRequestSchema>;

/** The first problem in a customer's request, naming the field, for a 400. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue.code === 'unrecognized_keys') return `${issue.keys[0]}: unknown field`;
  return `${issue.path.join('.') || '(body)'}: ${issue.message}`;
}

export function customerLead(publisherId: string, offerId: string, offerTitle: string, r: CustomerLeadRequest): Lead {
  const a = CUSTOMER_ACTIONS[r.action];
  return {
    OfferTitle: offerTitle,
    LeadSource: `${a.source}-${a.action}|${publisherId}.${offerId}`,
    ActionCode: a.action,
    Description: `${r.firstName} ${r.lastName} ${a.description} ${offerTitle}.`,
    UserDetails: {
      Company: r.company ?? '',
      Country: r.country ?? '',
      Email: r.email,
      FirstName: r.firstName,
      LastName: r.lastName,
      Phone: r.phone ?? '',
      Title: r.title ?? '',
    },
  };
}

/** Salesforce Web-to-Lead standard fields; `oid` names the partner's Salesforce organisation. */
export function salesforceForm(objectIdentifier: string, lead: Lead): URLSearchParams {
  const u = lead.UserDetails;
  return new URLSearchParams([
    ['oid', objectIdentifier],
    ['first_name', u.FirstName],
    ['last_name', u.LastName],
    ['email', u.Email],
    ['company', u.Company],
    ['phone', u.Phone],
    ['title', u.Title],
    ['country', u.Country],
    ['lead_source', lead.LeadSource],
    ['description', lead.Description],
  ]);
}

/**
 * A CRM's answer quoted in a step message (which is shown as HTML and e-mailed): tags and control
 * characters removed, whitespace collapsed, `&<>` escaped, cut short — a CRM cannot inject markup
 * into the portal nor flood the status with a whole error page.
 */
export function answerExcerpt(body: string, max = 200): string {
  const text = body
    .replace(/<(script|style)[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return cut.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);
}

/** Status codes that say "try again later" rather than "this lead is wrong". */
export function isTransientStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/** Delay before the next round of delivery attempts: doubling per round, capped at an hour. */
export function redeliveryDelaySeconds(round: number, baseSeconds: number): number {
  return Math.min(3600, Math.max(1, Math.round(baseSeconds * 2 ** Math.min(round, 20))));
}

/** Removes anything that looks like a credential (SAS signatures, account keys) from an error text. */
export function scrubSecrets(text: string): string {
  return text.replace(/\b(sig|AccountKey|SharedAccessSignature|password|client_secret)=[^&;\s]+/gi, '$1=***');
}
