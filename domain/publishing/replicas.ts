// Where provisioning puts each disk of each plan in a region, so the copy (activities/provision.ts)
// and the deployment template that points at it (activities/package-listing.ts) agree.
import type { VmImage } from '../offer/document';
import { PublishRef } from './stages';

/** The container holding a region's replicated images. */
export const regionContainer = (region: string): string => `region-${region}`;

/** The blob name of one disk (`os.vhd`, `lun0.vhd`, …) of one plan's image version. */
export function replicaBlobName(
  ref: Pick<PublishRef, 'publisherId' | 'offerId' | 'version'>,
  planId: string,
  imageVersion: string,
  disk: string,
): string {
  return `${ref.publisherId}/${ref.offerId}/v${ref.version}/${planId}/${imageVersion}/${disk}`;
}

/** The disks of one image version, each with the blob name its replicas get: the OS disk, then the data disks by LUN. */
export function imageDisks(
  image: Pick<VmImage, 'osVhdUrl' | 'lunVhdDetails'>,
): { name: string; url: string; lun?: number }[] {
  return [
    { name: 'os.vhd', url: image.osVhdUrl ?? '' },
    ...(image.lunVhdDetails ?? []).map((d) => ({ name: `lun${d.lun}.vhd`, url: d.lunVhdUri ?? '', lun: d.lun })),
  ];
}
