// Where provisioning puts each disk of each plan in a region, so the copy (activities/provision.ts)
// and the deployment template that points at it (activities/package-listing.ts) agree.
import { PublishRef } from './stages';

/** The container holding a region's replicated images. */
export const regionContainer = (region: string): string => `region-${region}`;

/** The blob name of one disk (its `PlanDisk.fileName`: `os.vhd`, `lun0.vhd`, …) of one plan's image version. */
export function replicaBlobName(
  ref: Pick<PublishRef, 'publisherId' | 'offerId' | 'version'>,
  planId: string,
  imageVersion: string,
  disk: string,
): string {
  return `${ref.publisherId}/${ref.offerId}/v${ref.version}/${planId}/${imageVersion}/${disk}`;
}
