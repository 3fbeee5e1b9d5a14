// Pure rules for the two CRM destinations that need a sign-in: Dynamics 365 (Dataverse Web API,
// tokens from Microsoft Entra ID) and Marketo (REST API, tokens from its Identity service).
// What is checked in a partner's configuration before it goes into a URL, the request bodies a
// lead becomes, and how each service's answers (and error envelopes) are read.
import { Lead } from './lead';

// ---- configuration values that end up in URLs -----------------------------------------------

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// A DNS name with at least one dot (contoso.onmicrosoft.com): labels of letters, digits and inner
// dashes only, so a tenant can never add a path segment, a query or another host to the token URL.
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/i;
// Marketo account ids look like 123-PQR-789; they become the host name {munchkinId}.mktorest.com.
const MUNCHKIN = /^[0-9]{3}-[a-z]{3}-[0-9]{3}$/i;
const FORM_ID = /^[1-9][0-9]{0,9}$/;

export function isGuid(value: string): boolean {
  return GUID.test(value);
}

/** An Entra ID tenant as the token URL's path segment: a directory id (GUID) or a verified domain name. */
export function isTenantId(value: string): boolean {
  return GUID.test(value) || DOMAIN.test(value);
}

export function isMunchkinId(value: string): boolean {
  return MUNCHKIN.test(value);
}

/** Marketo form ids are positive integers; Submit Form takes the id as a JSON number. */
export function marketoFormId(value: string): number | undefined {
  if (!FORM_ID.test(value)) return undefined;
  const n = Number(value);
  return n <= 2_147_483_647 ? n : undefined;
}

/**
 * The Dynamics instance as an origin (`https://contoso.crm4.dynamics.com`), or why it is not one.
 * Only scheme, host and port are taken: the lead and its bearer token go to `/api/data/…` of that
 * origin, so a path, query or user name in the setting could only be a mistake or an attempt to
 * steer the call elsewhere. Whether the scheme and host may be reached is the egress policy's call.
 */
export function dynamicsInstanceOrigin(value: string): { origin: string } | { problem: string } {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return { problem: 'is not an absolute URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { problem: `uses "${url.protocol}"; it must start with https://` };
  if (url.username || url.password) return { problem: 'must not contain a user name or password' };
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    return {
      problem:
        'must be the address of the instance only, without a path or query (e.g. https://contoso.crm4.dynamics.com)',
    };
  }
  return { origin: url.origin };
}

export type DynamicsAuthentication = 'AzureActiveDirectory' | 'Office365';

/**
 * The sign-in the partner chose. The portal offers "Azure Active Directory" (the default, and what
 * Microsoft recommends) and "Office 365"; spacing and case are not significant, and Entra ID's
 * current name is accepted for the former. Undefined for anything else.
 */
export function dynamicsAuthentication(value: string | undefined): DynamicsAuthentication | undefined {
  if (value === undefined || value.trim() === '') return 'AzureActiveDirectory';
  const v = value.replace(/\s+/g, '').toLowerCase();
  if (v === 'azureactivedirectory' || v === 'microsoftentraid' || v === 'entraid') return 'AzureActiveDirectory';
  if (v === 'office365') return 'Office365';
  return undefined;
}

// ---- request bodies -------------------------------------------------------------------------

/** Lead source "Web" in the Dataverse lead table's LeadSourceCode choices (1 Advertisement … 10 Other). */
export const DATAVERSE_LEAD_SOURCE_WEB = 8;

// Column lengths of the Dataverse lead table: a longer value is refused with a 400, which would
// lose the whole lead for one long company name, so values are shortened instead.
const DATAVERSE_MAX: Record<string, number> = {
  subject: 300,
  firstname: 50,
  lastname: 50,
  companyname: 100,
  emailaddress1: 100,
  telephone1: 50,
  jobtitle: 100,
  address1_country: 80,
  description: 2000,
};

/** Cuts by code points, so a surrogate pair is never split into invalid UTF-16. */
function cut(value: string, max: number): string {
  const chars = Array.from(value);
  return chars.length > max ? chars.slice(0, max).join('') : value;
}

/**
 * The Dataverse `lead` row a marketplace lead becomes. The topic (subject) carries the
 * marketplace's "Source-Action|Offer" string, the form leads arrive in everywhere; what has no
 * column of its own (offer title, action) goes into the description. Empty values are left out so
 * the partner's defaults apply.
 */
export function dynamicsLead(lead: Lead): Record<string, string | number> {
  const u = lead.UserDetails;
  const row: Record<string, string | number> = {};
  const put = (column: string, value: string) => {
    const v = value.trim();
    if (v) row[column] = cut(v, DATAVERSE_MAX[column]);
  };
  const notes = [
    lead.Description,
    `Offer: ${lead.OfferTitle}`,
    `Lead source: ${lead.LeadSource} (action ${lead.ActionCode})`,
  ];
  put('subject', lead.LeadSource);
  put('firstname', u.FirstName);
  put('lastname', u.LastName);
  put('companyname', u.Company);
  // A shortened address would be a wrong address: one too long for the column goes into the notes.
  if (u.Email.trim().length <= DATAVERSE_MAX.emailaddress1) put('emailaddress1', u.Email);
  else notes.push(`Email: ${u.Email.trim()}`);
  put('telephone1', u.Phone);
  put('jobtitle', u.Title);
  put('address1_country', u.Country);
  put('description', notes.filter((n) => n.trim()).join('\n'));
  row.leadsourcecode = DATAVERSE_LEAD_SOURCE_WEB;
  return row;
}

/**
 * Form fields a Marketo Submit Form request fills (REST API names). Marketo refuses a field that is
 * not on the form, so the partner's form needs these; `email` is the one Marketo requires.
 */
export const MARKETO_FORM_FIELDS = [
  'email',
  'firstName',
  'lastName',
  'company',
  'phone',
  'title',
  'country',
  'leadSource',
] as const;

/** The Submit Form body: one record for the partner's form, email first (Marketo's key for the upsert). */
export function marketoSubmitForm(
  formId: number,
  lead: Lead,
): { formId: number; input: { leadFormFields: Record<string, string> }[] } {
  const u = lead.UserDetails;
  const values: Record<(typeof MARKETO_FORM_FIELDS)[number], string> = {
    email: u.Email,
    firstName: u.FirstName,
    lastName: u.LastName,
    company: u.Company,
    phone: u.Phone,
    title: u.Title,
    country: u.Country,
    leadSource: lead.LeadSource,
  };
  const fields: Record<string, string> = {};
  for (const name of MARKETO_FORM_FIELDS) {
    const v = values[name].trim();
    if (v || name === 'email') fields[name] = v;
  }
  return { formId, input: [{ leadFormFields: fields }] };
}

// ---- answers ----------------------------------------------------------------------------------

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

/** An OAuth token answer: the token and how long it lives, or undefined if it is not one. */
export function tokenAnswer(text: string): { token: string; expiresInSeconds: number } | undefined {
  const j = parseObject(text);
  const token = j?.access_token;
  if (typeof token !== 'string' || token === '') return undefined;
  // Entra ID's v2 endpoint sends a number, its v1 endpoint a string: both are seconds.
  const expires = Number(j?.expires_in);
  return { token, expiresInSeconds: Number.isFinite(expires) && expires > 0 ? expires : 0 };
}

/**
 * An OAuth error answer (Entra ID, Marketo Identity) as `error: description`. Entra ID appends
 * trace and correlation ids on further lines; the first line is the part a partner can act on.
 */
export function oauthErrorText(text: string): string {
  const j = parseObject(text);
  if (!j || typeof j.error !== 'string') return text;
  const description = str(j.error_description).split(/\r?\n/)[0].trim();
  return description ? `${j.error}: ${description}` : j.error;
}

/** Entra ID's own way of saying "later": its `temporarily_unavailable` error, whatever the status. */
export function isOAuthTemporarilyUnavailable(text: string): boolean {
  return parseObject(text)?.error === 'temporarily_unavailable';
}

/** A Dataverse error body (`{"error":{"code","message"}}`) as `message (code)`; the code is often empty. */
export function dataverseErrorText(text: string): string {
  const e = parseObject(text)?.error;
  if (!e || typeof e !== 'object') return text;
  const { code, message } = e as Record<string, unknown>;
  const m = str(message).trim();
  const c = str(code).trim();
  if (!m) return c || text;
  return c ? `${m} (${c})` : m;
}

/** The created lead's id from Dataverse's `OData-EntityId` header (`…/leads(<guid>)`), if it has one. */
export function dataverseEntityId(header: string | null): string | undefined {
  const m = /\(([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\)\s*$/i.exec(header ?? '');
  return m?.[1].toLowerCase();
}

export type MarketoOutcome =
  | { kind: 'delivered'; id?: number; status: string }
  /** 601/602: the token is invalid or expired; a fresh one may well work. */
  | { kind: 'token'; text: string }
  | { kind: 'transient'; text: string }
  /** `record`: Marketo took the request but skipped the lead (e.g. a field not on the form). */
  | { kind: 'rejected'; text: string; record?: true };

// Marketo answers HTTP 200 for failures too; the error code says whether trying later can help:
// rate, quota and concurrency limits, time-outs and its own outages can; the rest need the partner.
const MARKETO_TOKEN_CODES = new Set(['601', '602']);
const MARKETO_TRANSIENT_CODES = new Set(['502', '604', '606', '607', '608', '611', '615', '713']);

function marketoReasons(list: unknown): { code: string; text: string }[] {
  if (!Array.isArray(list)) return [];
  return list
    .filter((e): e is Record<string, unknown> => !!e && typeof e === 'object')
    .map((e) => ({ code: str(e.code), text: [str(e.code), str(e.message)].filter(Boolean).join(' ') }));
}

/** Reads a Marketo REST answer: the response-level `errors`, then the record's status and `reasons`. */
export function marketoOutcome(text: string): MarketoOutcome {
  const j = parseObject(text);
  if (!j || typeof j.success !== 'boolean') return { kind: 'rejected', text: `not a Marketo REST answer: ${text}` };
  if (!j.success) {
    const errors = marketoReasons(j.errors);
    const summary = errors.map((e) => e.text).join('; ') || 'success: false without errors';
    const first = errors[0]?.code ?? '';
    if (MARKETO_TOKEN_CODES.has(first)) return { kind: 'token', text: summary };
    if (MARKETO_TRANSIENT_CODES.has(first)) return { kind: 'transient', text: summary };
    return { kind: 'rejected', text: summary };
  }
  const record =
    Array.isArray(j.result) && j.result[0] && typeof j.result[0] === 'object'
      ? (j.result[0] as Record<string, unknown>)
      : {};
  const status = str(record.status);
  const reasons = marketoReasons(record.reasons);
  if (status === 'skipped' || (reasons.length > 0 && status !== 'created' && status !== 'updated')) {
    return {
      kind: 'rejected',
      record: true,
      text: `the lead was ${status || 'not accepted'}: ${reasons.map((r) => r.text).join('; ') || 'no reason given'}`,
    };
  }
  return {
    kind: 'delivered',
    status: status || 'accepted',
    ...(typeof record.id === 'number' ? { id: record.id } : {}),
  };
}

/**
 * A CRM's answer with the partner's secrets taken out, before it is quoted anywhere: a CRM (or
 * something posing as one) may echo the request, and the answer ends up in step messages, e-mails
 * and the lead's record. Encoded forms are covered because request bodies are form- or URL-encoded.
 */
export function withoutSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) {
    if (!s) continue;
    for (const form of new Set([
      s,
      encodeURIComponent(s),
      new URLSearchParams({ s }).toString().slice(2),
      JSON.stringify(s).slice(1, -1),
    ])) {
      if (form) out = out.split(form).join('***');
    }
  }
  return out;
}
