// The offer document's namespaced fields, read in one place and typed by the schema
// (document.ts): the listing's `microsoft-azure-marketplace.*` and a plan's
// `microsoft-azure-virtualmachines.*` keys, and the disks of a plan's images.
import type { DataDisk, OfferListing, Plan, VmImage } from './document';

export const MARKETPLACE = 'microsoft-azure-marketplace.';
export const VIRTUAL_MACHINES = 'microsoft-azure-virtualmachines.';

type Suffix<Key, Prefix extends string> = Key extends `${Prefix}${infer Rest}` ? Rest : never;
export type ListingKey = Suffix<keyof OfferListing, typeof MARKETPLACE>;
export type PlanKey = Suffix<keyof Plan, typeof VIRTUAL_MACHINES>;

/** A field of the offer's marketplace section by its short name: `listingField(o, 'title')`. */
export function listingField<K extends ListingKey>(
  offer: OfferListing,
  key: K,
): OfferListing[`${typeof MARKETPLACE}${K}`] {
  return offer[`${MARKETPLACE}${key}`];
}

/** A field of a plan's virtual-machine section by its short name: `planField(p, 'skuTitle')`. */
export function planField<K extends PlanKey>(plan: Plan, key: K): Plan[`${typeof VIRTUAL_MACHINES}${K}`] {
  return plan[`${VIRTUAL_MACHINES}${key}`];
}

/** A plan's image versions (version key → its disks' VHD URLs). */
export function planImages(plan: Plan): Record<string, VmImage> {
  return planField(plan, 'vmImages') ?? {};
}

export interface PlanDisk {
  planId: string;
  /** The image version key. */
  version: string;
  role: 'os' | 'data';
  /** The data disk's LUN (undefined for the OS disk, or a data disk that does not name one). */
  lun?: number;
  /** The partner's VHD URL, '' when not given. */
  url: string;
  /** The disk's file name in a replica: `os.vhd`, `lun0.vhd`, … */
  fileName: string;
}

/**
 * Every disk of a plan's images — of one version when `version` is given — in order: per version
 * the OS disk, then the data disks as listed. Certification, provisioning and the deployment
 * template all walk the disks through this one function.
 */
export function planDisks(plan: Plan, version?: string): PlanDisk[] {
  const planId = plan.planId ?? '';
  return Object.entries(planImages(plan))
    .filter(([v]) => version === undefined || v === version)
    .flatMap(([v, image]) => [
      { planId, version: v, role: 'os' as const, url: image.osVhdUrl ?? '', fileName: 'os.vhd' },
      ...(image.lunVhdDetails ?? []).map((d: DataDisk) => ({
        planId,
        version: v,
        role: 'data' as const,
        lun: d.lun,
        url: d.lunVhdUri ?? '',
        fileName: `lun${d.lun}.vhd`,
      })),
    ]);
}
