import * as df from 'durable-functions';
import type { CopyInput } from '../domain/publishing/contract';
import { blobService } from '../adapters/storage/connection';
import { checkOutboundUrl } from '../adapters/net/egress-policy';
import { copyImage, copyMode } from '../adapters/images/copy-image';
import { provisionRegions } from '../adapters/settings/public-url';
import { imageDisks, regionContainer, replicaBlobName } from '../domain/publishing/replicas';
import { ACTIVITY } from '../domain/publishing/stages';
import { applyStepChange } from '../domain/publishing/status';
import { nowIso, snapshot, statuses } from './_shared/context';

const V = 'microsoft-azure-virtualmachines.';

/** Step 3, planning: the regions to replicate to (configuration, read outside the orchestrator). */
export async function planProvisioning(): Promise<{ regions: string[] }> {
  return { regions: provisionRegions() };
}
df.app.activity(ACTIVITY.planProvisioning, { handler: planProvisioning });

export type { CopyInput };

export class RegionCopyFailed extends Error {}

/**
 * Step 3, one region: server-side copies of every disk of every plan into the region's container
 * (nothing flows through this process), each verified by size. A copy already verified is not
 * redone, so a re-run after a crash makes no duplicate copies.
 */
export async function copyImageToRegion(
  input: CopyInput,
): Promise<{ region: string; copied: number; skipped: number }> {
  const doc = await snapshot(input);
  const container = blobService().getContainerClient(regionContainer(input.region));
  await container.createIfNotExists();
  let copied = 0;
  let skipped = 0;
  for (const plan of doc.definition.plans) {
    const images =
      ((plan as Record<string, unknown>)[V + 'vmImages'] as Record<
        string,
        { osVhdUrl?: string; lunVhdDetails?: { lun?: number; lunVhdUri?: string }[] }
      >) ?? {};
    for (const [version, image] of Object.entries(images)) {
      for (const disk of imageDisks(image)) {
        await checkOutboundUrl(disk.url, `The image of plan ${plan.planId} ${version}`);
        const name = replicaBlobName(input, plan.planId ?? '', version, disk.name);
        try {
          const r = await copyImage(disk.url, container, name, copyMode());
          if (r.skipped) skipped++;
          else copied++;
        } catch (e) {
          throw new RegionCopyFailed(
            `Region ${input.region}: copying ${disk.name} of plan ${plan.planId} ${version} failed: ${(e as Error).message.split('\n')[0]}`,
          );
        }
      }
    }
  }
  await statuses.update(input.publisherId, input.offerId, nowIso, (s) => {
    if (s.publishingVersion !== input.version) return undefined;
    const done = [...new Set([...(s.provisionedRegions ?? []), input.region])];
    const next = applyStepChange(
      s,
      {
        step: 'displayprovision',
        status: 'inProgress',
        progressPercentage: Math.round((done.length / input.total) * 100),
        messages: [
          { level: 'information', text: `Replicated to ${input.region} (${done.length} of ${input.total} regions).` },
        ],
      },
      nowIso(),
    );
    return { ...next, provisionedRegions: done };
  });
  return { region: input.region, copied, skipped };
}
df.app.activity(ACTIVITY.copyImageToRegion, { handler: copyImageToRegion });
