import type { RegionReplicas } from '../adapters/images/region-replicas';
import type { CopyInput } from '../domain/publishing/contract';
import { planDisks } from '../domain/offer/fields';
import { replicaBlobName } from '../domain/publishing/replicas';
import { recordTransitions, snapshot, Stores } from './_shared/context';

export type { CopyInput };

export class RegionCopyFailed extends Error {}

/** Step 3, planning: the regions to replicate to (configuration, read outside the orchestrator). */
export function makePlanProvisioning(d: { provisionRegions: () => string[] }) {
  return async function planProvisioning(): Promise<{ regions: string[] }> {
    return { regions: d.provisionRegions() };
  };
}

export interface CopyImageToRegionDeps extends Pick<Stores, 'offers' | 'statuses' | 'now'> {
  replicas: Pick<RegionReplicas, 'open'>;
  /** Refuses (throws) a source URL the outbound policy does not allow. */
  checkOutboundUrl: (url: string, what: string) => Promise<unknown>;
}

/**
 * Step 3, one region: server-side copies of every disk of every plan into the region's container
 * (nothing flows through this process), each verified by size. A copy already verified is not
 * redone, so a re-run after a crash makes no duplicate copies.
 */
export function makeCopyImageToRegion(d: CopyImageToRegionDeps) {
  return async function copyImageToRegion(
    input: CopyInput,
  ): Promise<{ region: string; copied: number; skipped: number }> {
    const doc = await snapshot(d.offers, input);
    const region = await d.replicas.open(input.region);
    let copied = 0;
    let skipped = 0;
    for (const plan of doc.definition.plans) {
      for (const disk of planDisks(plan)) {
        await d.checkOutboundUrl(disk.url, `The image of plan ${plan.planId} ${disk.version}`);
        const name = replicaBlobName(input, disk.planId, disk.version, disk.fileName);
        try {
          const r = await region.copy(disk.url, name);
          if (r.skipped) skipped++;
          else copied++;
        } catch (e) {
          throw new RegionCopyFailed(
            `Region ${input.region}: copying ${disk.fileName} of plan ${plan.planId} ${disk.version} failed: ${(e as Error).message.split('\n')[0]}`,
          );
        }
      }
    }
    await recordTransitions(d, input, [{ kind: 'regionProvisioned', region: input.region, total: input.total }]);
    return { region: input.region, copied, skipped };
  };
}
