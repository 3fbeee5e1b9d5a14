import { withoutSecrets } from '../../domain/leads/crm-bodies';
import { answerExcerpt, isTransientStatus } from '../../domain/leads/delivery';
import { Lead } from '../../domain/leads/lead';
import { checkOutboundUrl } from '../net/egress-policy';
import { EgressRefused, OutboundStreamResponse, outboundStream, readStart } from '../net/outbound';
import { LeadRejected } from './table-lead-writer';

/** A fault worth retrying (CRM down, timing out, throttling): thrown so the caller's retry runs. */
export class LeadDeliveryUnavailable extends Error {}

function timeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.LEAD_TIMEOUT_MS ?? 10_000);
  return Number.isFinite(v) && v > 0 ? v : 10_000;
}

/** One call to a CRM (or its sign-in service). */
export interface CrmCall {
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

/** What the CRM answered: the status, its headers and the start of its body. */
export interface CrmAnswer {
  status: number;
  headers: Headers;
  text: string;
}

/**
 * Makes one call to a CRM and returns whatever HTTP answer it gave. The URL is vetted before every
 * call and redirects are not followed (a redirect to an internal address would otherwise slip past
 * the vetting); timeouts and network errors are transient (LeadDeliveryUnavailable). Messages name
 * `what`, never the URL, which may carry a token or a client secret.
 */
export async function callCrm(rawUrl: string, what: string, call: CrmCall): Promise<CrmAnswer> {
  await checkOutboundUrl(rawUrl, what).catch((e: Error) => {
    throw new LeadRejected(e.message);
  });
  let res: OutboundStreamResponse;
  try {
    res = await outboundStream(rawUrl, what, {
      method: call.method,
      headers: call.headers,
      body: call.body,
      timeoutMs: timeoutMs(),
    });
  } catch (e) {
    if (e instanceof EgressRefused) throw new LeadRejected(e.message);
    throw new LeadDeliveryUnavailable((e as Error).message);
  }
  const text = await readStart(res, 4096);
  const headers = new Headers();
  for (const [k, v] of Object.entries(res.headers))
    if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
  return { status: res.status, headers, text };
}

/**
 * The error for an answer that did not deliver the lead: 408/429/5xx transient (with the wait the
 * CRM asked for, if any), anything else a LeadRejected. `quote` is the part of the answer worth
 * showing (default: the body); it is cleaned of `secrets`, sanitised and cut short.
 */
export function crmFailure(
  what: string,
  answer: CrmAnswer,
  quote = answer.text,
  secrets: readonly (string | undefined)[] = [],
): Error {
  const excerpt = answerExcerpt(withoutSecrets(quote, secrets));
  const text = `${what} answered HTTP ${answer.status}${excerpt ? `: ${excerpt}` : ''}`;
  if (isTransientStatus(answer.status)) {
    const retryAfter = /^\d{1,6}$/.exec(answer.headers.get('retry-after')?.trim() ?? '')?.[0];
    return new LeadDeliveryUnavailable(retryAfter ? `${text} (asked to retry after ${retryAfter} s)` : text);
  }
  if (answer.status >= 300 && answer.status < 400)
    return new LeadRejected(`${text} (a redirect; redirects are not followed — configure the final URL).`);
  return new LeadRejected(text);
}

export const isSuccess = (answer: CrmAnswer): boolean => answer.status >= 200 && answer.status < 300;

/**
 * POSTs a lead to a CRM and classifies the answer: 2xx delivered; 408/429/5xx, timeouts and network
 * errors transient (LeadDeliveryUnavailable); anything else a LeadRejected quoting a sanitised
 * excerpt. `leadId` goes along as x-ms-lead-id so the receiver can drop a repeat.
 */
export async function postToCrm(
  rawUrl: string,
  what: string,
  body: string,
  contentType: string,
  leadId: string,
): Promise<void> {
  const answer = await callCrm(rawUrl, what, {
    method: 'POST',
    headers: { 'content-type': contentType, 'x-ms-lead-id': leadId },
    body,
  });
  if (!isSuccess(answer)) throw crmFailure(what, answer);
}

/** The HTTPS endpoint destination: the lead as JSON, in the marketplace's lead shape. */
export async function writeHttpsLead(endpointUrl: string | undefined, lead: Lead, leadId: string): Promise<void> {
  if (!endpointUrl)
    throw new LeadRejected(
      'Lead destination HTTPS endpoint has no URL (httpsEndpointLeadConfiguration.httpsEndpointUrl).',
    );
  await postToCrm(endpointUrl, 'The lead HTTPS endpoint', JSON.stringify(lead), 'application/json', leadId);
}
