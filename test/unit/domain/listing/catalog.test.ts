import {
  CatalogQuery,
  inPreviewAudience,
  matchesQuery,
  parseCatalogQuery,
  publicListing,
  searchCatalog,
} from '../../../../domain/listing/catalog';
import { buildListing, Listing } from '../../../../domain/listing/listing';
import { sampleOffer } from '../../../../domain/offer/sample-offer';

const M = 'microsoft-azure-marketplace.';
// Listings are built after step 1 has ingested the images, so their logos are stored URLs.
const INGESTED_LOGOS = Object.fromEntries(
  ['small-40x40', 'medium-90x90', 'large-115x115', 'wide-255x115'].map((n) => [
    `${M}${n.split('-')[0]}Logo`,
    `https://contoso.example.com/marketplace/${n}.png`,
  ]),
);
const V = 'microsoft-azure-virtualmachines.';

function listing(offerId: string, offer: Record<string, unknown>, os: 'Linux' | 'Windows' = 'Linux'): Listing {
  const doc = sampleOffer({ offerId });
  Object.assign(doc.definition.offer, INGESTED_LOGOS);
  Object.assign(doc.definition.offer, offer);
  (doc.definition.plans[0] as Record<string, unknown>)[V + 'operatingSystemFamily'] = os;
  return buildListing('contoso', offerId, 1, doc);
}

const query = (params: Record<string, string>): CatalogQuery => {
  const parsed = parseCatalogQuery((n) => params[n] ?? null);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.query;
};

const linux = listing('contoso-vm', {
  [M + 'title']: 'Contoso Analytics',
  [M + 'description']: '<p>Streams <b>telemetry</b> &amp; logs</p>',
  [M + 'categories']: ['analytics', 'devService'],
});
const windows = listing(
  'fabrikam-sql',
  { [M + 'title']: 'Fabrikam SQL', [M + 'summary']: 'A database server.', [M + 'categories']: ['databases'] },
  'Windows',
);

describe('matchesQuery', () => {
  it('matches every word, case-insensitively, in title, summaries or description text', () => {
    expect(matchesQuery(linux, query({ q: 'ANALYTICS' }))).toBe(true);
    expect(matchesQuery(linux, query({ q: 'telemetry logs' }))).toBe(true);
    expect(matchesQuery(linux, query({ q: 'telemetry & logs' }))).toBe(true);
    expect(matchesQuery(linux, query({ q: 'hardened' }))).toBe(true); // from the summary
    expect(matchesQuery(linux, query({ q: 'telemetry database' }))).toBe(false);
    expect(matchesQuery(windows, query({ q: 'database' }))).toBe(true);
  });

  it('does not match markup, only the words a reader sees', () => {
    expect(matchesQuery(linux, query({ q: '<b>' }))).toBe(false);
    expect(matchesQuery(linux, query({ q: 'amp' }))).toBe(false);
  });

  it('filters by category and OS family, case-insensitively', () => {
    expect(matchesQuery(linux, query({ category: 'Analytics' }))).toBe(true);
    expect(matchesQuery(linux, query({ category: 'databases' }))).toBe(false);
    expect(matchesQuery(linux, query({ os: 'LINUX' }))).toBe(true);
    expect(matchesQuery(linux, query({ os: 'windows' }))).toBe(false);
    expect(matchesQuery(windows, query({ os: 'Windows', category: 'databases', q: 'fabrikam' }))).toBe(true);
  });

  it('an empty query matches everything', () => {
    expect(matchesQuery(linux, query({}))).toBe(true);
  });
});

describe('parseCatalogQuery', () => {
  it('refuses an unknown OS family and an overlong q', () => {
    expect(parseCatalogQuery((n) => (n === 'os' ? 'beos' : null))).toEqual({
      ok: false,
      message: expect.stringContaining('os:'),
    });
    expect(parseCatalogQuery((n) => (n === 'q' ? 'x'.repeat(201) : null)).ok).toBe(false);
  });
});

describe('searchCatalog', () => {
  it('returns tiles sorted by title, without the preview audience', () => {
    const hits = searchCatalog([windows, linux], query({}));
    expect(hits.map((h) => h.id)).toEqual(['contoso.contoso-vm', 'contoso.fabrikam-sql']);
    expect(hits[1]).toEqual({
      id: 'contoso.fabrikam-sql',
      publisherId: 'contoso',
      offerId: 'fabrikam-sql',
      title: 'Fabrikam SQL',
      summary: 'A database server.',
      categories: ['databases'],
      operatingSystems: ['Windows'],
      smallLogo: 'https://contoso.example.com/marketplace/small-40x40.png',
      freeTrial: false,
    });
    expect(searchCatalog([windows, linux], query({ os: 'linux' })).map((h) => h.id)).toEqual(['contoso.contoso-vm']);
  });
});

describe('preview audience', () => {
  const l = listing('contoso-vm', {
    [M + 'allowedSubscriptions']: [
      '6F1F9C2E-3B1A-4C55-9F0E-2D7B8A1C4E90',
      { subscriptionId: 'b2d4e6f8-1a3c-4e5f-8a9b-0c1d2e3f4a5b' },
    ],
  });

  it('admits listed subscriptions whatever their case', () => {
    expect(inPreviewAudience(l, '6f1f9c2e-3b1a-4c55-9f0e-2d7b8a1c4e90')).toBe(true);
    expect(inPreviewAudience(l, ' B2D4E6F8-1A3C-4E5F-8A9B-0C1D2E3F4A5B ')).toBe(true);
  });

  it('refuses others, non-GUIDs and nothing', () => {
    expect(inPreviewAudience(l, '00000000-0000-4000-8000-000000000001')).toBe(false);
    expect(inPreviewAudience(l, '6f1f9c2e')).toBe(false);
    expect(inPreviewAudience(l, null)).toBe(false);
    expect(inPreviewAudience({ ...l, previewAudience: [''] }, '')).toBe(false);
  });

  it('is never part of the public listing', () => {
    expect(publicListing(l)).not.toHaveProperty('previewAudience');
    expect(publicListing(l)).toMatchObject({ offerId: 'contoso-vm', title: 'Contoso VM' });
  });
});
