import * as df from 'durable-functions';
import { deliverLead, LeadRejected } from '../adapters/leads/lead-destinations';
import { leadDestinationOf } from '../domain/leads/delivery';
import { testLead } from '../domain/leads/lead';
import { buildListing } from '../domain/listing/listing';
import { ACTIVITY, PublishRef, StageOutcome } from '../domain/publishing/stages';
import { nowIso, offers, snapshot } from './_shared/context';

const M = 'microsoft-azure-marketplace.';

/** Step 4a: the listing built from the snapshot, written to the preview slot. */
export async function packageListing(ref: PublishRef): Promise<StageOutcome> {
  const doc = await snapshot(ref);
  const listing = buildListing(ref.publisherId, ref.offerId, ref.version, doc);
  await offers.writeSlot(ref.publisherId, ref.offerId, 'preview', listing, ref.version, nowIso());
  return { ok: true, messages: [{ level: 'information', text: `Product page packaged with ${listing.plans.length} plan(s).` }] };
}
df.app.activity(ACTIVITY.packageListing, { handler: packageListing });

/**
 * Step 4b: lead generation registration — a test lead with recognisable fake values goes to the
 * configured destination; a refusing destination fails the step with its answer. A transient fault
 * (CRM down, timing out) is thrown, so the orchestrator's activity retry runs.
 */
export async function registerTestLead(ref: PublishRef): Promise<StageOutcome> {
  const doc = await snapshot(ref);
  const o = doc.definition.offer as Record<string, unknown>;
  const destination = leadDestinationOf(o);
  if (destination.kind === 'None') return { ok: true, messages: [{ level: 'information', text: 'No lead destination is configured; no test lead was sent.' }] };
  const title = (o[M + 'title'] as string | undefined) ?? ref.offerId;
  // One id per publishing version: a re-run rewrites the same test record.
  const leadId = `test-v${ref.version}`;
  const lead = testLead(ref.publisherId, ref.offerId, title, Date.now());
  try {
    const where = await deliverLead(destination, lead, leadId);
    const verb = destination.kind === 'AzureTable' ? 'written to' : 'sent to';
    return { ok: true, messages: [{ level: 'information', text: `A test lead was ${verb} ${where} (values start with MSFT_TEST_).` }] };
  } catch (e) {
    if (e instanceof LeadRejected) return { ok: false, messages: [{ level: 'error', text: e.message }] };
    throw e;
  }
}
df.app.activity(ACTIVITY.registerTestLead, { handler: registerTestLead });
