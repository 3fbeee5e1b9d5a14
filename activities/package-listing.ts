import type { RegionReplicas } from '../adapters/images/region-replicas';
import { LeadRejected } from '../adapters/leads/lead-destinations';
import { LeadDestination, leadDestinationOf } from '../domain/leads/delivery';
import { Lead, testLead } from '../domain/leads/lead';
import { deploymentTemplate, DeploymentTemplate, newestVersion } from '../domain/listing/deployment-template';
import { buildListing } from '../domain/listing/listing';
import { listingField, planDisks, planImages } from '../domain/offer/fields';
import { replicaBlobName } from '../domain/publishing/replicas';
import { PublishRef, StageOutcome } from '../domain/publishing/stages';
import { snapshot, Stores } from './_shared/context';

export interface PackageListingDeps extends Pick<Stores, 'offers' | 'now'> {
  provisionRegions: () => string[];
  replicas: Pick<RegionReplicas, 'url'>;
}

/**
 * Step 4a: the listing built from the snapshot, with a deployment template per plan that points at
 * the image provisioning replicated (its newest version, in every provisioned region), written to
 * the preview slot.
 */
export function makePackageListing(d: PackageListingDeps) {
  return async function packageListing(ref: PublishRef): Promise<StageOutcome> {
    const doc = await snapshot(d.offers, ref);
    const listing = buildListing(ref.publisherId, ref.offerId, ref.version, doc);
    const regions = d.provisionRegions();
    const templates: Record<string, DeploymentTemplate> = {};
    for (const [i, plan] of listing.plans.entries()) {
      const source = doc.definition.plans[i];
      const version = newestVersion(Object.keys(planImages(source)));
      if (!version) continue;
      const [os, ...data] = planDisks(source, version);
      const url = (region: string, fileName: string) =>
        d.replicas.url(region, replicaBlobName(ref, plan.planId, version, fileName));
      const replicas = Object.fromEntries(
        regions.map((r) => [
          r,
          {
            osVhdUri: url(r, os.fileName),
            dataDisks: data.map((disk) => ({ lun: disk.lun ?? 0, blobUri: url(r, disk.fileName) })),
          },
        ]),
      );
      templates[plan.planId] = deploymentTemplate(ref, plan, version, replicas);
    }
    await d.offers.writeSlot(
      ref.publisherId,
      ref.offerId,
      'preview',
      { ...listing, deploymentTemplates: templates },
      ref.version,
      d.now(),
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
  };
}

export interface RegisterTestLeadDeps extends Pick<Stores, 'offers'> {
  /** Delivers the lead; answers where it went; throws LeadRejected when the destination refuses it. */
  deliverLead: (destination: LeadDestination, lead: Lead, leadId: string) => Promise<string>;
  /** Milliseconds since the epoch, for the test lead's timestamp. */
  clock: () => number;
}

/**
 * Step 4b: lead generation registration — a test lead with recognisable fake values goes to the
 * configured destination; a refusing destination fails the step with its answer. A transient fault
 * (CRM down, timing out) is thrown, so the orchestrator's activity retry runs.
 */
export function makeRegisterTestLead(d: RegisterTestLeadDeps) {
  return async function registerTestLead(ref: PublishRef): Promise<StageOutcome> {
    const doc = await snapshot(d.offers, ref);
    const offer = doc.definition.offer;
    const destination = leadDestinationOf(offer);
    if (destination.kind === 'None')
      return {
        ok: true,
        messages: [{ level: 'information', text: 'No lead destination is configured; no test lead was sent.' }],
      };
    const title = listingField(offer, 'title') ?? ref.offerId;
    // One id per publishing version: a re-run rewrites the same test record.
    const leadId = `test-v${ref.version}`;
    const lead = testLead(ref.publisherId, ref.offerId, title, d.clock());
    try {
      const where = await d.deliverLead(destination, lead, leadId);
      const verb = destination.kind === 'AzureTable' ? 'written to' : 'sent to';
      return {
        ok: true,
        messages: [{ level: 'information', text: `A test lead was ${verb} ${where} (values start with MSFT_TEST_).` }],
      };
    } catch (e) {
      if (e instanceof LeadRejected) return { ok: false, messages: [{ level: 'error', text: e.message }] };
      throw e;
    }
  };
}
