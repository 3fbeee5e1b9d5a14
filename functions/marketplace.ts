// The public marketplace: live listings, their product pages and search (anonymous), and the
// preview of an offer for the subscriptions in its preview audience.
import { app, HttpRequest } from '@azure/functions';
import { OfferStore } from '../adapters/offers/offer-store';
import { SlugStore } from '../adapters/offers/slug-store';
import { publicBaseUrl } from '../adapters/settings/public-url';
import { fromChunks } from '../adapters/storage/chunked-json';
import { table } from '../adapters/storage/connection';
import { isValidOfferId } from '../domain/offer/ids';
import { inPreviewAudience, parseCatalogQuery, publicListing, searchCatalog } from '../domain/listing/catalog';
import { Listing } from '../domain/listing/listing';
import { PAGE_HEADERS, renderProductPage } from '../domain/listing/page';
import { fail, handle } from './_shared/http';
import { TABLE } from '../adapters/storage/table-names';

const offers = new OfferStore();
const slugs = new SlugStore();
const OFFER = 'api/marketplace/offers/{publisherId}.{offerId}';

// One answer for "no such offer", "never live" and "a preview you may not see", so nobody can
// learn that an unreleased offer exists.
const notFound = (): never => fail(404, 'NotFound', 'No such offer in the marketplace.');

/** The listing the caller may see: production, or with ?preview=true the preview for its audience. */
async function visibleListing(request: HttpRequest): Promise<{ listing: Listing; preview: boolean }> {
  const { publisherId, offerId } = request.params;
  if (!isValidOfferId(offerId) || !isValidOfferId(publisherId)) notFound();
  const preview = (request.query.get('preview') ?? '').toLowerCase() === 'true';
  const slot = await offers.slot<Listing>(publisherId, offerId, preview ? 'preview' : 'production');
  if (!slot) notFound();
  // The subscription is what the caller says it is: the real marketplace takes it from the
  // customer's signed-in Azure account; this service has no customer sign-in yet.
  const subscription = request.headers.get('x-ms-subscription-id') ?? request.query.get('subscriptionId');
  if (preview && !inPreviewAudience(slot!.listing, subscription)) notFound();
  return { listing: slot!.listing, preview };
}

/** Previews differ per subscription and must not be cached by a shared cache. */
function cacheHeaders(preview: boolean): Record<string, string> {
  return preview
    ? { 'cache-control': 'private, no-store', vary: 'x-ms-subscription-id' }
    : { 'cache-control': 'public, max-age=60' };
}

app.http('marketplaceOffer', {
  route: OFFER,
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: handle(async (request) => {
    const { listing, preview } = await visibleListing(request);
    return { jsonBody: publicListing(listing), headers: cacheHeaders(preview) };
  }),
});

app.http('marketplaceOfferPage', {
  route: `${OFFER}/page`,
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: handle(async (request) => {
    const { listing, preview } = await visibleListing(request);
    return {
      body: renderProductPage(listing, { preview, ownOrigin: publicBaseUrl() }),
      headers: { ...PAGE_HEADERS, ...cacheHeaders(preview) },
    };
  }),
});

/** The listing's marketing URL: `/api/marketplace/apps/{offerMarketingUrlIdentifier}`, live offers only. */
app.http('marketplaceOfferBySlug', {
  route: 'api/marketplace/apps/{slug}',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: handle(async (request) => {
    const slug = request.params.slug;
    if (!isValidOfferId(slug)) notFound();
    const owner = await slugs.owner(slug);
    const slot = owner ? await offers.slot<Listing>(owner.publisherId, owner.offerId, 'production') : undefined;
    if (!slot || slot.listing.marketingUrlIdentifier !== slug) notFound();
    return {
      body: renderProductPage(slot!.listing, { ownOrigin: publicBaseUrl() }),
      headers: { ...PAGE_HEADERS, ...cacheHeaders(false) },
    };
  }),
});

app.http('marketplaceDeploymentTemplate', {
  route: `${OFFER}/plans/{planId}/template`,
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: handle(async (request) => {
    const { listing, preview } = await visibleListing(request);
    const template = listing.deploymentTemplates?.[request.params.planId];
    if (!template) fail(404, 'NotFound', 'No such plan in this listing.');
    return { jsonBody: template, headers: cacheHeaders(preview) };
  }),
});

/**
 * Every production listing. Slots are partitioned by publisher with RowKey `<offerId>|<slot>`, and
 * Table queries cannot filter on a key suffix, so this reads the whole `OfferSlots` table and keeps
 * `|production` rows: fine for hundreds of offers. Beyond that, write a catalogue row per live
 * offer (or feed a search index) at Go Live and query that instead.
 */
async function liveListings(): Promise<Listing[]> {
  const slots = await table(TABLE.offerSlots);
  const out: Listing[] = [];
  for await (const e of slots.listEntities<Record<string, unknown>>()) {
    if (String(e.rowKey).endsWith('|production')) out.push(fromChunks<Listing>(e));
  }
  return out;
}

app.http('marketplaceSearch', {
  route: 'api/marketplace/search',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: handle(async (request) => {
    const parsed = parseCatalogQuery((n) => request.query.get(n));
    if (!parsed.ok) return fail(400, 'InvalidParameter', parsed.message);
    const top = Number(request.query.get('top') ?? 50);
    if (!Number.isInteger(top) || top < 1 || top > 200)
      fail(400, 'InvalidParameter', 'top must be a whole number from 1 to 200.');
    const hits = searchCatalog(await liveListings(), parsed.query);
    return { jsonBody: { count: hits.length, items: hits.slice(0, top) }, headers: cacheHeaders(false) };
  }),
});
