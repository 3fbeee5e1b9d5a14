// Customer leads: a customer asks to be contacted (or deploys) from a live listing; the lead is
// recorded, then delivered to the partner's CRM from a queue so a CRM outage delays it, never loses it.
import { app, InvocationContext } from '@azure/functions';
import { newId } from '../adapters/ids/new-id';
import { deliverLead, LeadRejected } from '../adapters/leads/lead-destinations';
import {
  CustomerLeadRecord,
  enqueueDelivery,
  LEAD_DELIVERY_QUEUE,
  LEAD_STATES,
  LeadDeliveryMessage,
  LeadState,
  LeadStore,
  newLeadId,
} from '../adapters/leads/lead-store';
import { OfferStore } from '../adapters/offers/offer-store';
import {
  customerLead,
  customerLeadRequestSchema,
  firstIssue,
  leadDestinationOf,
  redeliveryDelaySeconds,
  scrubSecrets,
} from '../domain/leads/delivery';
import { Listing } from '../domain/listing/listing';
import { isValidOfferId } from '../domain/offer/ids';
import { authorize, continuationToken, fail, handle, nowIso, readJson } from './_shared/http';

const offers = new OfferStore();
const leads = new LeadStore();

app.http('customerLead', {
  route: 'api/marketplace/offers/{publisherId}.{offerId}/leads',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: handle(async (request) => {
    const { publisherId, offerId } = request.params;
    const live =
      isValidOfferId(offerId) && isValidOfferId(publisherId)
        ? await offers.slot<Listing>(publisherId, offerId, 'production')
        : undefined;
    if (!live) fail(404, 'NotFound', 'No such offer in the marketplace.');
    const parsed = customerLeadRequestSchema.safeParse(await readJson(request, 16 * 1024));
    if (!parsed.success) return fail(400, 'InvalidLead', firstIssue(parsed.error));
    const now = nowIso();
    const record: CustomerLeadRecord = {
      leadId: newLeadId(Date.now(), newId().slice(0, 8)),
      publisherId,
      offerId,
      lead: customerLead(publisherId, offerId, live!.listing.title, parsed.data),
      state: 'pending',
      attempts: 0,
      createdTime: now,
      changedTime: now,
    };
    await leads.create(record);
    try {
      await enqueueDelivery({ publisherId, leadId: record.leadId, round: 0 });
    } catch (e) {
      // Nothing half-written: without a queued delivery the record would sit pending forever.
      await leads.delete(publisherId, record.leadId).catch(() => undefined);
      throw e;
    }
    return { status: 202, jsonBody: { leadId: record.leadId, state: record.state } };
  }),
});

app.http('publisherLeads', {
  route: 'api/publishers/{publisherId}/leads',
  methods: ['GET'],
  handler: handle(async (request) => {
    const { publisherId } = await authorize(request, 'offers.read');
    const state = request.query.get('state') ?? undefined;
    if (state !== undefined && !LEAD_STATES.includes(state as LeadState))
      fail(400, 'InvalidParameter', `state must be one of ${LEAD_STATES.join(', ')}.`);
    const top = Number(request.query.get('top') ?? 100);
    if (!Number.isInteger(top) || top < 1 || top > 1000)
      fail(400, 'InvalidParameter', 'top must be a whole number from 1 to 1000.');
    const token = continuationToken(request);
    const page = await leads
      .list(publisherId, state as LeadState | undefined, top, token)
      .catch((e: { statusCode?: number }) => {
        if (e.statusCode === 400) fail(400, 'InvalidParameter', 'The continuation token is not valid.');
        throw e;
      });
    const headers: Record<string, string> = { 'cache-control': 'private, no-store' };
    if (page.continuationToken) headers['x-ms-continuation-token'] = page.continuationToken;
    return { jsonBody: page.leads, headers };
  }),
});

function setting(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

/**
 * Delivers one lead. A transient failure is thrown so the host retries; once the message has been
 * dequeued LEAD_REQUEUE_AT times (below host.json's maxDequeueCount, MAX_DEQUEUE) a fresh message is
 * enqueued with a growing delay instead, so the lead never lands in the poison queue.
 */
export async function deliverCustomerLead(message: LeadDeliveryMessage, context: InvocationContext): Promise<void> {
  const r = await leads.get(message.publisherId, message.leadId);
  if (!r || r.state !== 'pending') return; // delivered or failed already: a repeated message does nothing
  const now = nowIso();
  try {
    const production = await offers.slot<Listing>(r.publisherId, r.offerId, 'production');
    if (!production) throw new LeadRejected('The offer is no longer live.');
    const doc = (await offers.version(r.publisherId, r.offerId, production.version)) as
      { definition?: { offer?: Record<string, unknown> } } | undefined;
    if (!doc) throw new Error(`Offer version ${production.version} of ${r.offerId} is missing.`);
    const destination = leadDestinationOf(doc.definition?.offer ?? {});
    await deliverLead(destination, r.lead, r.leadId);
    await leads.update({
      ...r,
      state: 'delivered',
      attempts: r.attempts + 1,
      destination: destination.kind,
      lastError: undefined,
      changedTime: now,
      deliveredTime: now,
    });
  } catch (e) {
    const rejected = e instanceof LeadRejected;
    const error = scrubSecrets((e as Error).message.split('\n')[0]);
    await leads.update({
      ...r,
      state: rejected ? 'failed' : 'pending',
      attempts: r.attempts + 1,
      lastError: error,
      changedTime: now,
    });
    if (rejected) return; // the partner must fix the destination; retrying would not help
    const dequeueCount = Number(context.triggerMetadata?.dequeueCount ?? 1);
    if (dequeueCount < setting('LEAD_REQUEUE_AT', 3)) throw e;
    const delay = redeliveryDelaySeconds(message.round, setting('LEAD_REDELIVERY_DELAY_SECONDS', 60));
    await enqueueDelivery({ ...message, round: message.round + 1 }, delay);
    context.warn(
      `Lead ${r.leadId} for ${r.publisherId}/${r.offerId}: delivery failed ${dequeueCount} times (${error}); retrying in ${delay} s.`,
    );
  }
}

app.storageQueue('deliverCustomerLead', {
  queueName: LEAD_DELIVERY_QUEUE,
  connection: 'AzureWebJobsStorage',
  handler: async (item, context) => {
    const m = item as Partial<LeadDeliveryMessage> | null;
    // Not one of ours (e.g. put there by hand): retrying cannot help, so drop it with a note.
    if (typeof m?.publisherId !== 'string' || typeof m.leadId !== 'string')
      return context.warn('Ignoring a lead-deliveries message without publisherId and leadId.');
    await deliverCustomerLead({ publisherId: m.publisherId, leadId: m.leadId, round: Number(m.round) || 0 }, context);
  },
});
