import * as df from 'durable-functions';
import { LeadRejected, writeTableLead } from '../adapters/leads/table-lead-writer';
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
 * configured destination; a refusing destination fails the step with its answer.
 */
export async function registerTestLead(ref: PublishRef): Promise<StageOutcome> {
  const doc = await snapshot(ref);
  const o = doc.definition.offer as Record<string, unknown>;
  const destination = (o[M + 'leadDestination'] as string | undefined) ?? 'None';
  const title = (o[M + 'title'] as string | undefined) ?? ref.offerId;
  // One id per publishing version: a re-run rewrites the same test record.
  const leadId = `test-v${ref.version}`;
  const lead = testLead(ref.publisherId, ref.offerId, title, Date.now());
  try {
    switch (destination) {
      case 'None':
        return { ok: true, messages: [{ level: 'information', text: 'No lead destination is configured; no test lead was sent.' }] };
      case 'AzureTable': {
        const cs = (o[M + 'tableLeadConfiguration'] as { connectionString?: string } | undefined)?.connectionString;
        if (!cs) return { ok: false, messages: [{ level: 'error', text: 'Lead destination Azure Table has no connection string.' }] };
        await writeTableLead(cs, lead, leadId);
        return { ok: true, messages: [{ level: 'information', text: 'A test lead was written to your MarketplaceLeads table (values start with MSFT_TEST_).' }] };
      }
      default:
        return { ok: false, messages: [{ level: 'error', text: `Lead destination ${destination} is not supported yet. Choose Azure Table, or None.` }] };
    }
  } catch (e) {
    if (e instanceof LeadRejected) return { ok: false, messages: [{ level: 'error', text: e.message }] };
    throw e;
  }
}
df.app.activity(ACTIVITY.registerTestLead, { handler: registerTestLead });
