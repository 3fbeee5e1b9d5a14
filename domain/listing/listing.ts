// The machine-readable listing built from an offer snapshot: what the product page and the
// marketplace catalogue show. Marketing text is sanitised here, once.
import { OfferDraft } from '../offer/document';
import type { DeploymentTemplate } from './deployment-template';
import { sanitizeDescription } from './sanitize';

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
  privacyUrl?: string;
  termsOfUse?: string;
  support: { name?: string; email?: string; phone?: string };
  plans: ListingPlan[];
  /** Subscriptions that may see the preview. */
  previewAudience: string[];
  /** Per plan id, the template that deploys its replicated image (added at packaging). */
  deploymentTemplates?: Record<string, DeploymentTemplate>;
}

const M = 'microsoft-azure-marketplace.';
const V = 'microsoft-azure-virtualmachines.';

export function buildListing(publisherId: string, offerId: string, version: number, doc: OfferDraft): Listing {
  const o = doc.definition.offer as Record<string, unknown>;
  const s = (k: string) => (typeof o[M + k] === 'string' ? (o[M + k] as string) : undefined);
  const audience = ((o[M + 'allowedSubscriptions'] as unknown[]) ?? []).map((a) => (typeof a === 'string' ? a : (a as { subscriptionId: string }).subscriptionId).toLowerCase());
  return {
    publisherId,
    offerId,
    version,
    title: s('title') ?? doc.definition.displayText ?? offerId,
    summary: s('summary') ?? '',
    longSummary: s('longSummary') ?? '',
    descriptionHtml: sanitizeDescription(s('description') ?? ''),
    categories: (o[M + 'categories'] as string[]) ?? [],
    logos: { small: s('smallLogo'), medium: s('mediumLogo'), large: s('largeLogo'), wide: s('wideLogo') },
    screenshots: (o[M + 'screenshots'] as string[]) ?? [],
    privacyUrl: s('privacyURL'),
    termsOfUse: s('termsOfUse'),
    support: { name: s('supportContactName'), email: s('supportContactEmail'), phone: s('supportContactPhone') },
    previewAudience: audience,
    plans: doc.definition.plans.map((p) => {
      const pr = p as Record<string, unknown>;
      const ps = (k: string) => (typeof pr[V + k] === 'string' ? (pr[V + k] as string) : '');
      return {
        planId: p.planId ?? '',
        title: ps('skuTitle'),
        summary: ps('skuSummary'),
        description: sanitizeDescription(ps('skuDescription')),
        operatingSystemFamily: ps('operatingSystemFamily'),
        operatingSystem: ps('operationSystem'),
        recommendedVMSizes: (pr[V + 'recommendedVMSizes'] as string[]) ?? [],
        regions: p.regions ?? [],
        licenseModel: ps('licenseModel') || 'BYOL',
        imageVersions: Object.keys((pr[V + 'vmImages'] as object) ?? {}),
      };
    }),
  };
}
