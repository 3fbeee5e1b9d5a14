// The machine-readable listing built from an offer snapshot: what the product page and the
// marketplace catalogue show. Marketing text is sanitised here, once.
import { OfferDraft, OfferListing, Plan } from '../offer/document';
import { ListingKey, listingField, planField, planImages } from '../offer/fields';
import { priceModel, PricingSummary, pricingSummary } from '../offer/pricing';
import type { DeploymentTemplate } from './deployment-template';
import { safeUrl, sanitizeDescription } from './sanitize';

export interface ListingPlan {
  planId: string;
  title: string;
  summary: string;
  description: string;
  operatingSystemFamily: string;
  operatingSystem: string;
  recommendedVMSizes: string[];
  regions: string[];
  licenseModel: string;
  imageVersions: string[];
  /** Hidden plans (`hideSKUForSolutionTemplate`) are neither listed nor searchable, but deployable by their template link. */
  hidden: boolean;
  pricing: PricingSummary;
  cloudAvailability: string[];
  windowsOSType?: string;
}

export interface ListingVideo {
  name: string;
  url: string;
  thumbnail?: string;
}

export interface Listing {
  publisherId: string;
  offerId: string;
  version: number;
  title: string;
  summary: string;
  longSummary: string;
  descriptionHtml: string;
  categories: string[];
  logos: { small?: string; medium?: string; large?: string; wide?: string };
  screenshots: string[];
  heroLogo?: string;
  videos: ListingVideo[];
  usefulLinks: { title: string; url: string }[];
  /** The listing's URL slug (`offerMarketingUrlIdentifier`), unique across publishers. */
  marketingUrlIdentifier?: string;
  supportUrls: { publicAzure?: string; azureGovernment?: string };
  privacyUrl?: string;
  termsOfUse?: string;
  support: { name?: string; email?: string; phone?: string };
  plans: ListingPlan[];
  /** Subscriptions that may see the preview. */
  previewAudience: string[];
  /** Per plan id, the template that deploys its replicated image (added at packaging). */
  deploymentTemplates?: Record<string, DeploymentTemplate>;
}

/**
 * A URL the listing may hand to browsers: absolute http(s) only. Anything else (`javascript:`,
 * `data:`, relative junk) is left out here, once, whatever a snapshot holds.
 */
export function listingUrl(raw: string | undefined): string | undefined {
  return safeUrl(raw, ['https:', 'http:']);
}

/** The marketplace fields that hold one text. */
type TextKey = {
  [K in ListingKey]: OfferListing[`microsoft-azure-marketplace.${K}`] extends string | undefined ? K : never;
}[ListingKey];

export function buildListing(publisherId: string, offerId: string, version: number, doc: OfferDraft): Listing {
  const o = doc.definition.offer;
  const s = <K extends TextKey>(k: K) => listingField(o, k);
  const url = (k: TextKey) => listingUrl(s(k));
  const audience = (listingField(o, 'allowedSubscriptions') ?? []).map((a) =>
    (typeof a === 'string' ? a : a.subscriptionId).toLowerCase(),
  );
  return {
    publisherId,
    offerId,
    version,
    title: s('title') ?? doc.definition.displayText ?? offerId,
    summary: s('summary') ?? '',
    longSummary: s('longSummary') ?? '',
    descriptionHtml: sanitizeDescription(s('description') ?? ''),
    categories: categoriesOf(doc.definition.offer),
    logos: { small: url('smallLogo'), medium: url('mediumLogo'), large: url('largeLogo'), wide: url('wideLogo') },
    screenshots: (listingField(o, 'screenshots') ?? []).map(listingUrl).filter((u): u is string => !!u),
    heroLogo: url('heroLogo'),
    videos: (listingField(o, 'videos') ?? [])
      .map((v) => ({ name: v.videoName ?? '', url: listingUrl(v.videoLink), thumbnail: listingUrl(v.thumbnailLink) }))
      .filter((v): v is { name: string; url: string; thumbnail: string | undefined } => v.url !== undefined)
      .map(({ thumbnail, ...v }) => (thumbnail ? { ...v, thumbnail } : v)),
    usefulLinks: (listingField(o, 'usefulLinks') ?? [])
      .map((l) => ({ title: l.linkTitle ?? l.linkUrl ?? '', url: listingUrl(l.linkUrl) }))
      .filter((l): l is { title: string; url: string } => l.url !== undefined),
    marketingUrlIdentifier: s('offerMarketingUrlIdentifier') || undefined,
    supportUrls: { publicAzure: url('publicAzureSupportUrl'), azureGovernment: url('fairfaxSupportUrl') },
    privacyUrl: url('privacyURL'),
    termsOfUse: s('termsOfUse'),
    support: { name: s('supportContactName'), email: s('supportContactEmail'), phone: s('supportContactPhone') },
    previewAudience: audience,
    plans: doc.definition.plans.map((p) => {
      const ps = (k: 'skuTitle' | 'skuSummary' | 'skuDescription' | 'operatingSystemFamily' | 'operationSystem') =>
        planField(p, k) ?? '';
      return {
        planId: p.planId ?? '',
        title: ps('skuTitle'),
        summary: ps('skuSummary'),
        description: sanitizeDescription(ps('skuDescription')),
        operatingSystemFamily: ps('operatingSystemFamily'),
        operatingSystem: ps('operationSystem'),
        recommendedVMSizes: planField(p, 'recommendedVMSizes') ?? [],
        regions: p.regions ?? [],
        licenseModel: licenseOf(p),
        imageVersions: Object.keys(planImages(p)),
        hidden: planField(p, 'hideSKUForSolutionTemplate') === true,
        pricing: pricingSummary(p.virtualMachinePricing),
        cloudAvailability: planField(p, 'cloudAvailability') ?? ['PublicAzure'],
        ...(planField(p, 'windowsOSType') ? { windowsOSType: planField(p, 'windowsOSType') } : {}),
      };
    }),
  };
}

/**
 * The offer's categories as flat keys: the 2018 revision's `categories`, or the 2020–21
 * `categoryMap` (each category followed by its subcategories), without repeats.
 */
export function categoriesOf(offer: OfferListing): string[] {
  const keys = [...(listingField(offer, 'categories') ?? [])];
  for (const entry of listingField(offer, 'categoryMap') ?? []) {
    keys.push(entry.categoryL1, ...((entry[`categoryL2-${entry.categoryL1}`] as string[] | undefined) ?? []));
  }
  return [...new Set(keys.filter(Boolean))];
}

/** BYOL or pay as you go, from the pricing when there is one (else the older free-text license model). */
function licenseOf(p: Plan): string {
  const model = priceModel(p.virtualMachinePricing);
  if (model === 'byol') return 'BYOL';
  if (model !== 'none') return 'PAYG';
  return planField(p, 'licenseModel') || 'BYOL';
}
