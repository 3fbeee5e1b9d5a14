import * as df from 'durable-functions';
import { deliverLead, LeadRejected } from '../adapters/leads/lead-destinations';
import { leadDestinationOf } from '../domain/leads/delivery';
import { testLead } from '../domain/leads/lead';
import { blobService } from '../adapters/storage/connection';
import { provisionRegions } from '../adapters/settings/public-url';
import { deploymentTemplate, DeploymentTemplate, newestVersion } from '../domain/listing/deployment-template';
import { buildListing } from '../domain/listing/listing';
import type { VmImage } from '../domain/offer/document';
import { imageDisks, regionContainer, replicaBlobName } from '../domain/publishing/replicas';
import { ACTIVITY, PublishRef, StageOutcome } from '../domain/publishing/stages';
import { nowIso, offers, snapshot } from './_shared/context';

const M = 'microsoft-azure-marketplace.';
const V = 'microsoft-azure-virtualmachines.';

/**
 * Step 4a: the listing built from the snapshot, with a deployment template per plan that points at
 * the image provisioning replicated (its newest version, in every provisioned region), written to
 * the preview slot.
 */
export async function packageListing(ref: PublishRef): Promise<StageOutcome> {
  const doc = await snapshot(ref);
  const listing = buildListing(ref.publisherId, ref.offerId, ref.version, doc);
  const regions = provisionRegions();
  const templates: Record<string, DeploymentTemplate> = {};
  for (const [i, plan] of listing.plans.entries()) {
    const images = ((doc.definition.plans[i] as Record<string, unknown>)[V + 'vmImages'] ?? {}) as Record<
      string,
      VmImage
    >;
    const version = newestVersion(Object.keys(images));
    if (!version) continue;
    const [os, ...data] = imageDisks(images[version]);
    const url = (region: string, disk: string) =>
      blobService()
        .getContainerClient(regionContainer(region))
        .getBlobClient(replicaBlobName(ref, plan.planId, version, disk)).url;
    const replicas = Object.fromEntries(
      regions.map((r) => [
        r,
        { osVhdUri: url(r, os.name), dataDisks: data.map((d) => ({ lun: d.lun ?? 0, blobUri: url(r, d.name) })) },
      ]),
    );
    templates[plan.planId] = deploymentTemplate(ref, plan, version, replicas);
  }
  await offers.writeSlot(
    ref.publisherId,
    ref.offerId,
    'preview',
    { ...listing, deploymentTemplates: templates },
    ref.version,
    nowIso(),
  );
  const n = Object.keys(templates).length;
  return {
    ok: true,
    messages: [
      {
        level: 'information',
        text: `Product page packaged with ${listing.plans.length} plan(s) and ${n} deployment template${n === 1 ? '' : 's'}.`,
      },
    ],
  };
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
  if (destination.kind === 'None')
    return {
      ok: true,
      messages: [{ level: 'information', text: 'No lead destination is configured; no test lead was sent.' }],
    };
  const title = (o[M + 'title'] as string | undefined) ?? ref.offerId;
  // One id per publishing version: a re-run rewrites the same test record.
  const leadId = `test-v${ref.version}`;
  const lead = testLead(ref.publisherId, ref.offerId, title, Date.now());
  try {
    const where = await deliverLead(destination, lead, leadId);
    const verb = destination.kind === 'AzureTable' ? 'written to' : 'sent to';
    return {
      ok: true,
      messages: [{ level: 'information', text: `A test lead was ${verb} ${where} (values start with MSFT_TEST_).` }],
    };
  } catch (e) {
    if (e instanceof LeadRejected) return { ok: false, messages: [{ level: 'error', text: e.message }] };
    throw e;
  }
}
df.app.activity(ACTIVITY.registerTestLead, { handler: registerTestLead });
