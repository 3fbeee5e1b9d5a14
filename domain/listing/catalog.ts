// Marketplace search over live listings: pure matching, so the rules are testable without storage.
import { Listing } from './listing';

export const OS_FAMILIES = ['linux', 'windows'] as const;

export interface CatalogQuery {
  /** Words that must all appear in the title, summaries or description (case-insensitive). */
  terms: string[];
  category?: string;
  os?: (typeof OS_FAMILIES)[number];
}

export type ParsedQuery = { ok: true; query: CatalogQuery } | { ok: false; message: string };

/** Reads `q`, `category` and `os` as a search box sends them; an unknown OS family is an error. */
export function parseCatalogQuery(get: (name: string) => string | null): ParsedQuery {
  const q = (get('q') ?? '').trim();
  if (q.length > 200) return { ok: false, message: 'q: at most 200 characters.' };
  const category = (get('category') ?? '').trim() || undefined;
  const osRaw = (get('os') ?? '').trim().toLowerCase();
  if (osRaw && !(OS_FAMILIES as readonly string[]).includes(osRaw))
    return { ok: false, message: `os: '${osRaw}' is not an OS family; use Linux or Windows.` };
  return {
    ok: true,
    query: {
      terms: q.toLowerCase().split(/\s+/).filter(Boolean),
      category,
      os: (osRaw || undefined) as CatalogQuery['os'],
    },
  };
}

/** The description as plain words: tags dropped and common entities decoded, so markup never matches. */
function plainText(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(
      /&(amp|lt|gt|quot|#39|nbsp);/g,
      (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: ' ' })[e]!,
    );
}

/** The plans customers can find: hidden ones are deployable by their template link only. */
export const visiblePlans = (l: Pick<Listing, 'plans'>): Listing['plans'] => l.plans.filter((p) => !p.hidden);

export function matchesQuery(l: Listing, q: CatalogQuery): boolean {
  const plans = visiblePlans(l);
  // An offer whose every plan is hidden has nothing to show in search.
  if (plans.length === 0) return false;
  if (q.category && !l.categories.some((c) => c.toLowerCase() === q.category!.toLowerCase())) return false;
  if (q.os && !plans.some((p) => p.operatingSystemFamily.toLowerCase() === q.os)) return false;
  if (q.terms.length === 0) return true;
  const haystack = [
    l.title,
    l.summary,
    l.longSummary,
    plainText(l.descriptionHtml),
    ...plans.flatMap((p) => [p.title, p.summary]),
  ]
    .join('\n')
    .toLowerCase();
  return q.terms.every((t) => haystack.includes(t));
}

export interface CatalogEntry {
  id: string;
  publisherId: string;
  offerId: string;
  title: string;
  summary: string;
  categories: string[];
  operatingSystems: string[];
  smallLogo?: string;
  /** Some visible plan has a free trial. */
  freeTrial: boolean;
}

/** A search hit: enough to show a tile, nothing from the preview audience. */
export function catalogEntry(l: Listing): CatalogEntry {
  return {
    id: `${l.publisherId}.${l.offerId}`,
    publisherId: l.publisherId,
    offerId: l.offerId,
    title: l.title,
    summary: l.summary,
    categories: l.categories,
    operatingSystems: [
      ...new Set(
        visiblePlans(l)
          .map((p) => p.operatingSystemFamily)
          .filter(Boolean),
      ),
    ],
    smallLogo: l.logos.small,
    freeTrial: visiblePlans(l).some((p) => (p.pricing?.freeTrialMonths ?? 0) > 0),
  };
}

/** Matching listings as entries, by title. */
export function searchCatalog(listings: Listing[], q: CatalogQuery): CatalogEntry[] {
  return listings
    .filter((l) => matchesQuery(l, q))
    .map(catalogEntry)
    .sort((a, b) => a.title.localeCompare(b.title) || a.id.localeCompare(b.id));
}

/** Where a plan's deployment template is served (functions/marketplace.ts). */
export const deploymentTemplatePath = (l: Pick<Listing, 'publisherId' | 'offerId'>, planId: string): string =>
  `/api/marketplace/offers/${encodeURIComponent(l.publisherId)}.${encodeURIComponent(l.offerId)}/plans/${encodeURIComponent(planId)}/template`;

/** Where a live listing's marketing URL is served (functions/marketplace.ts). */
export const marketingUrlPath = (slug: string): string => `/api/marketplace/apps/${encodeURIComponent(slug)}`;

/**
 * The listing as the public sees it: the preview audience (customers' subscription ids) removed,
 * hidden plans left out, and each plan's deployment template as a link rather than inline.
 */
export function publicListing(l: Listing): Omit<Listing, 'previewAudience' | 'deploymentTemplates'> {
  const { previewAudience: _audience, deploymentTemplates: templates, ...rest } = l;
  return {
    ...rest,
    ...(l.marketingUrlIdentifier ? { marketingUrl: marketingUrlPath(l.marketingUrlIdentifier) } : {}),
    plans: visiblePlans(rest).map((p) =>
      templates?.[p.planId] ? { ...p, deploymentTemplateUrl: deploymentTemplatePath(l, p.planId) } : p,
    ),
  };
}

/** Whether a subscription may see the preview (GUIDs compared case-insensitively). */
export function inPreviewAudience(l: Listing, subscriptionId: string | null | undefined): boolean {
  const id = (subscriptionId ?? '').trim().toLowerCase();
  return (
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id) &&
    l.previewAudience.some((a) => a.toLowerCase() === id)
  );
}
