import { answerExcerpt, isTransientStatus } from '../../domain/leads/delivery';
import { Lead } from '../../domain/leads/lead';
import { checkOutboundUrl } from '../net/egress-policy';
import { LeadRejected } from './table-lead-writer';

/** A fault worth retrying (CRM down, timing out, throttling): thrown so the caller's retry runs. */
export class LeadDeliveryUnavailable extends Error {}

function timeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.LEAD_TIMEOUT_MS ?? 10_000);
  return Number.isFinite(v) && v > 0 ? v : 10_000;
}

/**
 * POSTs to a CRM and classifies the answer: 2xx delivered; 408/429/5xx, timeouts and network errors
 * transient (LeadDeliveryUnavailable); anything else a LeadRejected quoting a sanitised excerpt.
 * The URL is vetted before every call and redirects are not followed (a redirect to an internal
 * address would otherwise slip past the vetting). Messages name `what`, never the URL, which may
 * carry a token.
 */
export async function postToCrm(rawUrl: string, what: string, body: string, contentType: string, leadId: string): Promise<void> {
  const url = await checkOutboundUrl(rawUrl, what).catch((e: Error) => {
    throw new LeadRejected(e.message);
  });
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': contentType, 'x-ms-lead-id': leadId },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs()),
    });
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    const why = err.name === 'TimeoutError' ? `did not answer within ${timeoutMs()} ms` : `could not be reached (${err.cause?.code ?? err.message})`;
    throw new LeadDeliveryUnavailable(`${what} ${why}.`);
  }
  const text = await readStart(res, 4096).catch(() => '');
  if (res.ok) return;
  const excerpt = answerExcerpt(text);
  const answer = `${what} answered HTTP ${res.status}${excerpt ? `: ${excerpt}` : ''}`;
  if (isTransientStatus(res.status)) throw new LeadDeliveryUnavailable(answer);
  if (res.status >= 300 && res.status < 400) throw new LeadRejected(`${answer} (a redirect; redirects are not followed — configure the final URL).`);
  throw new LeadRejected(answer);
}

/** The first `max` bytes of an answer: enough to quote, without buffering a hostile CRM's gigabyte. */
async function readStart(res: Response, max: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < max) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
  }
  await reader.cancel().catch(() => undefined);
  return Buffer.concat(chunks).subarray(0, max).toString('utf8');
}

/** The HTTPS endpoint destination: the lead as JSON, in the marketplace's lead shape. */
export async function writeHttpsLead(endpointUrl: string | undefined, lead: Lead, leadId: string): Promise<void> {
  if (!endpointUrl) throw new LeadRejected('Lead destination HTTPS endpoint has no URL (httpsEndpointLeadConfiguration.httpsEndpointUrl).');
  await postToCrm(endpointUrl, 'The lead HTTPS endpoint', JSON.stringify(lead), 'application/json', leadId);
}
