// The VM offer's fields with a meaning, end to end on the devhost: image artifacts ingested into the
// service's storage (and refused by field when they are not what they must be), pricing and the
// free trial, hidden plans, useful links and videos, cloud availability, the listing's URL slug.
import { sampleOffer } from '../../domain/offer/sample-offer';
import { CORE_SIZES } from '../../domain/offer/pricing-schema';
import { Partner } from '../support/partner-api';
import { png, PngServer, startPngServer } from '../support/png-server';
import { startStack, Stack, waitUntil } from '../support/stack';
import { uploadVhd } from '../support/vhd-images';

const M = 'microsoft-azure-marketplace.';
const V = 'microsoft-azure-virtualmachines.';
const AUDIENCE = '6f1f9c2e-3b1a-4c55-9f0e-2d7b8a1c4e90';

let stack: Stack;
let images: PngServer;
let contoso: Partner;
let fabrikam: Partner;
let vhd: string;

beforeAll(async () => {
  images = await startPngServer();
  stack = await startStack('.', {
    OUTBOUND_ALLOWED_HOSTS: images.host,
    DEV_PUBLISHERS: 'contoso:contoso-key,fabrikam:fabrikam-key',
    PROVISION_REGIONS: 'eastus,westeurope',
    PUBLISH_RETRY_FIRST_MS: '50',
    PUBLISH_RETRY_ATTEMPTS: '2',
  });
  contoso = new Partner(stack, 'contoso', 'contoso-key');
  fabrikam = new Partner(stack, 'fabrikam', 'fabrikam-key');
  vhd = await uploadVhd(stack.connectionString, 'vhds', 'features-30g.vhd');
});
afterAll(async () => {
  await stack?.stop();
  await images?.close();
});

type Doc = ReturnType<typeof sampleOffer>;

function base(offerId: string, publisherId = 'contoso'): Doc {
  const doc = sampleOffer({ publisherId, offerId, osVhdUrl: vhd, leadConnectionString: stack.connectionString });
  doc.definition.offer[`${M}leadDestination`] = 'None';
  delete doc.definition.offer[`${M}tableLeadConfiguration`];
  return doc;
}

const perCoreSize = Object.fromEntries(CORE_SIZES.map((size, i) => [size, Number((0.01 * (i + 1)).toFixed(2))]));

function rich(offerId: string): Doc {
  const doc = base(offerId);
  Object.assign(doc.definition.offer, {
    [`${M}smallLogo`]: images.url('/png/40x40.png'),
    [`${M}mediumLogo`]: images.url('/png/90x90.png'),
    [`${M}largeLogo`]: images.url('/png/115x115.png'),
    [`${M}wideLogo`]: images.url('/png/255x115.png'),
    [`${M}heroLogo`]: images.url('/png/815x290.png'),
    [`${M}screenshots`]: [images.url('/png/1280x720.png')],
    [`${M}videos`]: [
      {
        videoName: 'Contoso in 90 seconds',
        videoLink: 'https://www.youtube.com/watch?v=contoso',
        thumbnailLink: images.url('/png/1280x720.png'),
      },
    ],
    [`${M}usefulLinks`]: [
      { linkTitle: 'Contoso docs', linkUrl: 'https://docs.contoso.example.com/' },
      { linkTitle: 'Contoso blog', linkUrl: 'https://blog.contoso.example.com/' },
    ],
    [`${M}publicAzureSupportUrl`]: 'https://support.contoso.example.com/azure',
    [`${M}offerMarketingUrlIdentifier`]: 'contoso-rich',
    [`${M}categoryMap`]: [{ categoryL1: 'compute', 'categoryL2-compute': ['operating-systems'] }],
  });
  delete doc.definition.offer[`${M}categories`]; // the later revision's categoryMap instead
  const visible = doc.definition.plans[0];
  Object.assign(visible, {
    virtualMachinePricing: {
      isByol: false,
      freeTrialDurationInMonths: 3,
      coreMultiplier: { currency: 'USD', individually: perCoreSize },
    },
    [`${V}cloudAvailability`]: ['PublicAzure'],
  });
  doc.definition.plans.push({
    ...structuredClone(visible),
    planId: 'secret',
    [`${V}skuTitle`]: 'Zanzibar Edition',
    [`${V}skuSummary`]: 'Only for solution templates.',
    [`${V}hideSKUForSolutionTemplate`]: true,
    virtualMachinePricing: { isByol: true, freeTrialDurationInMonths: 0 },
  });
  return doc;
}

async function put(p: Partner, offerId: string, doc: unknown): Promise<void> {
  const res = await p.putOffer(offerId, doc);
  expect({ status: res.status, body: res.status === 201 ? '' : await res.text() }).toEqual({ status: 201, body: '' });
}

const asPreview = (path: string) =>
  stack.url(`${path}${path.includes('?') ? '&' : '?'}preview=true&subscriptionId=${AUDIENCE}`);
const getJson = async <T>(url: string): Promise<T> => (await (await fetch(url)).json()) as T;

describe('a rich offer from PUT to live', () => {
  const offerId = 'rich-vm';
  const ours = new RegExp(`^https?://[^/]+/api/marketplace/artifacts/contoso/${offerId}/[0-9a-f]{64}\\.png$`);

  test('publish ingests every image into the service and rewrites the draft to its URLs', async () => {
    await put(contoso, offerId, rich(offerId));
    expect((await contoso.publish(offerId)).status).toBe(202);
    const status = await contoso.waitForStatus(offerId, ['waitingForPublisherReview', 'failed'], 60_000);
    expect(status.status).toBe('waitingForPublisherReview');
    expect(status.steps[0].messages.map((m) => m.messageHtml)).toContain(
      "6 images were copied into the marketplace's storage.",
    );

    const draft = (await (await contoso.call('GET', `/offers/${offerId}`)).json()) as Doc;
    const o = draft.definition.offer as Record<string, unknown>;
    for (const key of ['smallLogo', 'mediumLogo', 'largeLogo', 'wideLogo', 'heroLogo'])
      expect(o[M + key]).toMatch(ours);
    expect((o[`${M}screenshots`] as string[])[0]).toMatch(ours);
    expect((o[`${M}videos`] as { thumbnailLink: string }[])[0].thumbnailLink).toMatch(ours);
    // Served as stored: the bytes the partner's server gave.
    const small = await fetch(o[`${M}smallLogo`] as string);
    expect(small.status).toBe(200);
    expect(small.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await small.arrayBuffer()).equals(png(40, 40))).toBe(true);
  });

  test('the preview listing shows pricing, the free trial, links and videos, and no hidden plan', async () => {
    const listing = await getJson<
      Record<string, unknown> & { plans: { planId: string; pricing: Record<string, unknown> }[] }
    >(asPreview(`/api/marketplace/offers/contoso.${offerId}`));
    expect(listing.plans.map((p) => p.planId)).toEqual(['standard']);
    expect(listing.plans[0].pricing).toMatchObject({ model: 'perCoreSize', freeTrialMonths: 3, currency: 'USD' });
    expect((listing.plans[0].pricing.coreSizePrices as unknown[]).length).toBe(CORE_SIZES.length);
    expect(listing.usefulLinks).toEqual([
      { title: 'Contoso docs', url: 'https://docs.contoso.example.com/' },
      { title: 'Contoso blog', url: 'https://blog.contoso.example.com/' },
    ]);
    expect(listing.videos).toEqual([
      {
        name: 'Contoso in 90 seconds',
        url: 'https://www.youtube.com/watch?v=contoso',
        thumbnail: expect.stringMatching(ours),
      },
    ]);
    expect(listing.heroLogo).toMatch(ours);
    expect(listing.categories).toEqual(['compute', 'operating-systems']);
    expect(JSON.stringify(listing)).not.toContain(images.host); // never hot-links the partner's server
  });

  test('after Go Live: the page shows prices and the trial; search and the listing skip the hidden plan, its template still deploys', async () => {
    expect((await contoso.call('POST', `/offers/${offerId}/golive`)).status).toBe(202);
    await contoso.waitForStatus(offerId, ['succeeded']);
    const page = await (await fetch(stack.url(`/api/marketplace/offers/contoso.${offerId}/page`))).text();
    expect(page).toContain('Free trial: 3 months, then the prices below.');
    expect(page).toContain('<td>Shared core</td><td>USD 0.01</td>');
    expect(page).toContain('Contoso docs</a>');
    expect(page).toContain('Contoso in 90 seconds</a>');
    expect(page).toMatch(
      /<img class="hero" src="https?:\/\/[^"]+\/api\/marketplace\/artifacts\/contoso\/rich-vm\/[0-9a-f]{64}\.png"/,
    );
    expect(page).toContain('Support site</a>');
    expect(page).not.toContain('Zanzibar');
    expect(page).not.toContain(images.host);

    const listing = await getJson<{ plans: { planId: string }[]; marketingUrl: string }>(
      stack.url(`/api/marketplace/offers/contoso.${offerId}`),
    );
    expect(listing.plans.map((p) => p.planId)).toEqual(['standard']);
    const template = await fetch(stack.url(`/api/marketplace/offers/contoso.${offerId}/plans/secret/template`));
    expect(template.status).toBe(200);
    expect(((await template.json()) as { resources: unknown[] }).resources.length).toBeGreaterThan(0);

    const hit = await getJson<{ items: { id: string; freeTrial: boolean }[] }>(
      stack.url('/api/marketplace/search?q=contoso'),
    );
    expect(hit.items.find((i) => i.id === `contoso.${offerId}`)).toMatchObject({ freeTrial: true });
    expect((await getJson<{ count: number }>(stack.url('/api/marketplace/search?q=zanzibar'))).count).toBe(0);

    // The marketing URL serves the live page.
    expect(listing.marketingUrl).toBe('/api/marketplace/apps/contoso-rich');
    const bySlug = await fetch(stack.url(listing.marketingUrl));
    expect(bySlug.status).toBe(200);
    expect(await bySlug.text()).toContain('Free trial: 3 months');
  });

  test('the slug is unique across publishers and fixed once live', async () => {
    const theirs = base('fabrikam-vm', 'fabrikam');
    theirs.definition.offer[`${M}offerMarketingUrlIdentifier`] = 'contoso-rich';
    await put(fabrikam, 'fabrikam-vm', theirs);
    const taken = await fabrikam.publish('fabrikam-vm');
    expect(taken.status).toBe(422);
    const err = (await taken.json()) as { error: { details: { path: string; rule: string }[] } };
    expect(err.error.details).toEqual([
      expect.objectContaining({ path: `definition.offer.${M}offerMarketingUrlIdentifier`, rule: 'unique' }),
    ]);
    expect((await fabrikam.call('GET', '/offers/fabrikam-vm/submissions')).status).toBe(200);
    expect(await (await fabrikam.call('GET', '/offers/fabrikam-vm/submissions')).json()).toEqual([]); // nothing started

    const current = await contoso.call('GET', `/offers/${offerId}`);
    const changed = (await current.json()) as Doc;
    changed.definition.offer[`${M}offerMarketingUrlIdentifier`] = 'contoso-renamed';
    expect((await contoso.putOffer(offerId, changed, current.headers.get('etag')!)).status).toBe(200);
    const renamed = await contoso.publish(offerId);
    expect(renamed.status).toBe(422);
    expect(JSON.stringify(await renamed.json())).toContain('"rule":"immutable"');
  });
});

describe('artifacts that are not what they must be', () => {
  test('each refused download fails step 1 naming its field and why; nothing is rewritten', async () => {
    const doc = base('bad-images-vm');
    Object.assign(doc.definition.offer, {
      [`${M}smallLogo`]: 'https://127.0.0.1:9/logo.png', // loopback, not an allowed host
      [`${M}mediumLogo`]: images.url('/hostile/text'),
      [`${M}largeLogo`]: images.url('/hostile/huge'),
      [`${M}wideLogo`]: images.url('/png/256x115.png'),
      [`${M}heroLogo`]: images.url('/hostile/redirect'),
      [`${M}screenshots`]: [images.url('/hostile/gone')],
    });
    await put(contoso, 'bad-images-vm', doc);
    expect((await contoso.publish('bad-images-vm')).status).toBe(202);
    const failed = await contoso.waitForStatus('bad-images-vm', ['failed', 'waitingForPublisherReview'], 60_000);
    expect(failed.status).toBe('failed');
    const step = failed.steps[0];
    expect(step.status).toBe('rejected');
    const text = step.messages.map((m) => m.messageHtml).join('\n');
    for (const [field, why] of [
      ['smallLogo', /private address/],
      ['mediumLogo', /is not a PNG image/],
      ['largeLogo', /is over 5242880 bytes/],
      ['wideLogo', /is 256×115 px; a wide logo must be 255×115 px/],
      ['heroLogo', /HTTP 302/],
    ] as const) {
      expect(text).toMatch(
        new RegExp(`definition\\.offer\\.microsoft-azure-marketplace\\.${field}: [^\\n]*${why.source}`),
      );
    }
    expect(text).toMatch(/definition\.offer\.microsoft-azure-marketplace\.screenshots\[0\]: [^\n]*HTTP 404/);
    // The draft keeps the partner's URLs: a failed ingestion half-applies nothing.
    const draft = (await (await contoso.call('GET', '/offers/bad-images-vm')).json()) as Doc;
    expect(draft.definition.offer[`${M}wideLogo`]).toBe(images.url('/png/256x115.png'));
    expect(stack.host.child!.exitCode).toBeNull();
  });

  test('an upload of a file answers the service URL; a wrong size or type is a 400 naming the artifact', async () => {
    await put(contoso, 'upload-vm', base('upload-vm'));
    const up = (kind: string, body: Buffer) =>
      fetch(contoso.url(`/offers/upload-vm/artifacts?kind=${kind}`), {
        method: 'POST',
        headers: { authorization: 'Bearer contoso-key', 'content-type': 'image/png' },
        body,
      });
    const ok = await up('heroLogo', png(815, 290));
    expect(ok.status).toBe(201);
    const { url } = (await ok.json()) as { url: string };
    expect(url).toMatch(/\/api\/marketplace\/artifacts\/contoso\/upload-vm\/[0-9a-f]{64}\.png$/);
    expect(Buffer.from(await (await fetch(url)).arrayBuffer()).equals(png(815, 290))).toBe(true);
    const wrong = await up('heroLogo', png(40, 40));
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { error: { message: string } }).error.message).toBe(
      'The hero logo is 40×40 px; a hero logo must be 815×290 px.',
    );
    expect((await up('heroLogo', Buffer.from('GIF89a'))).status).toBe(400);
    expect((await up('bogus', png(40, 40))).status).toBe(400);
    expect((await fetch(stack.url('/api/marketplace/artifacts/contoso/upload-vm/..%2F..%2Fx.png'))).status).toBe(404);
  });
});

describe('pricing and cloud availability at publish', () => {
  test('a priced plan without prices, or with a trial length not offered, is a 422 naming the field', async () => {
    const doc = base('price-vm');
    doc.definition.plans[0].virtualMachinePricing = { isByol: false, freeTrialDurationInMonths: 2 };
    await put(contoso, 'price-vm', doc);
    const res = await contoso.publish('price-vm');
    expect(res.status).toBe(422);
    const paths = ((await res.json()) as { error: { details: { path: string; rule: string }[] } }).error.details.map(
      (d) => `${d.path}:${d.rule}`,
    );
    expect(paths).toEqual(
      expect.arrayContaining([
        'definition.plans[0].virtualMachinePricing.coreMultiplier:required',
        'definition.plans[0].virtualMachinePricing.freeTrialDurationInMonths:range',
      ]),
    );
  });

  test('a plan not for Public Azure is refused; another cloud besides it is a notice at step 1', async () => {
    const only = base('fairfax-vm');
    only.definition.plans[0][`${V}cloudAvailability`] = ['Fairfax'];
    await put(contoso, 'fairfax-vm', only);
    const refused = await contoso.publish('fairfax-vm');
    expect(refused.status).toBe(422);
    expect(JSON.stringify(await refused.json())).toContain(`definition.plans[0].${V}cloudAvailability`);

    const both = base('twoclouds-vm');
    both.definition.plans[0][`${V}cloudAvailability`] = ['PublicAzure', 'Fairfax'];
    await put(contoso, 'twoclouds-vm', both);
    expect((await contoso.publish('twoclouds-vm')).status).toBe(202);
    const s = await waitUntil(async () => {
      const st = await contoso.status('twoclouds-vm');
      return st.steps[0].status === 'complete' ? st : undefined;
    });
    expect(s.steps[0].messages).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          level: 'warning',
          messageHtml: expect.stringContaining('"Fairfax" is not served by this service'),
        }),
      ]),
    );
  });
});
