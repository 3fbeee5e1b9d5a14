// The offer editor and the later revision's fields (useful links, categoryMap, hero logo, videos,
// support URLs, test drive; hidden plans, cloud availability, Windows type, Azure Government
// certifications and plan pricing): a document with every one of them set is shown in its
// controls, edited through the page and saved; what the API then holds is what was sent with
// exactly the edits made, and a refused value is shown at its control.
import { Page } from 'playwright-core';
import type { OfferDefinition, OfferDraft } from '../../domain/offer/document';
import { sampleOffer } from '../../domain/offer/sample-offer';
import { screenshot } from '../support/browser';
import { Partner } from '../support/partner-api';
import { PortalSession, startPortalSession } from '../support/portal-session';
import type { Stack } from '../support/stack';

jest.setTimeout(120_000);

// Callbacks given to page.evaluate run in the browser (the project compiles against Node's lib).
declare const document: any, window: any;

let session: PortalSession;
let stack: Stack;
let contoso: Partner;

beforeAll(async () => {
  session = await startPortalSession();
  ({ stack, contoso } = session);
}, 180_000);

afterAll(async () => {
  await session?.close();
});

const page = (viewport?: { width: number; height: number }) => session.page(viewport);
const signIn = (p: Page) => session.signIn(p);

async function openEditor(p: Page, offerId: string): Promise<void> {
  await p.goto(stack.url(`/#/offers/${offerId}`));
  await p.locator('#offer-form').waitFor();
}

const MP = 'microsoft-azure-marketplace.';
const VM = 'microsoft-azure-virtualmachines.';
const OFFER = `definition.offer.${MP}`;
const plan = (i: number) => `definition.plans[${i}].`;
const vm = (i: number) => `${plan(i)}${VM}`;
const pricing = (i: number) => `${plan(i)}virtualMachinePricing.`;
const control = (p: Page, path: string) => p.locator(`:is(input, select, textarea)[data-path="${path}"]`);
const value = (p: Page, path: string) => control(p, path).inputValue();

type Obj = Record<string, any>;

/**
 * The sample offer with every field of the later revision set: a Linux plan (hidden, public Azure,
 * priced per core size with a 3-month trial, region prices and a spreadsheet the form has no
 * controls for) and a Windows plan (BYOL, Azure Government and a cloud the portal does not know).
 * No lead secret, so a GET answers the whole document.
 */
function fullOffer(offerId: string): OfferDraft {
  const doc = sampleOffer({ offerId });
  const offer = doc.definition.offer as Obj;
  delete offer[`${MP}tableLeadConfiguration`];
  delete offer[`${MP}categories`];
  Object.assign(offer, {
    [`${MP}leadDestination`]: 'None', // every lead destination's setting is a secret a GET leaves out
    [`${MP}offerMarketingUrlIdentifier`]: 'contoso-vm',
    [`${MP}usefulLinks`]: [
      { linkTitle: 'Documentation', linkUrl: 'https://contoso.example.com/docs' },
      { linkTitle: 'Pricing FAQ', linkUrl: 'https://contoso.example.com/faq' },
    ],
    [`${MP}categoryMap`]: [
      { categoryL1: 'analytics', 'categoryL2-analytics': ['data-insights', 'data-analytics'] },
      { categoryL1: 'compute', 'categoryL2-compute': ['operating-systems'] },
    ],
    [`${MP}heroLogo`]: 'https://contoso.example.com/marketplace/hero-815x290.png',
    [`${MP}videos`]: [
      {
        videoName: 'Contoso VM in 3 minutes',
        videoLink: 'https://www.youtube.com/watch?v=contoso',
        thumbnailLink: 'https://contoso.example.com/marketplace/video-thumb.png',
      },
    ],
    'microsoft-azure-marketplace-testdrive.enabled': true,
    'microsoft-azure-marketplace-testdrive.videos': [
      {
        videoName: 'Test drive tour',
        videoLink: 'https://www.youtube.com/watch?v=drive',
        thumbnailLink: 'https://contoso.example.com/marketplace/drive-thumb.png',
      },
    ],
    [`${MP}publicAzureSupportUrl`]: 'https://contoso.example.com/support',
    [`${MP}fairfaxSupportUrl`]: 'https://contoso.example.com/support/government',
  });
  Object.assign(doc.definition.plans[0] as Obj, {
    [`${VM}hideSKUForSolutionTemplate`]: true,
    [`${VM}cloudAvailability`]: ['PublicAzure'],
    [`${VM}certificationsFairfax`]: ['FedRAMP High'],
    virtualMachinePricing: {
      isByol: false,
      freeTrialDurationInMonths: 3,
      coreMultiplier: {
        currency: 'USD',
        individually: { sharedcore: 0.01, '1core': 0.02, '2core': 0.04, '416core': 8.32 },
      },
      regionPrices: { DE: { currency: 'EUR', single: 0.03 } },
      spreadSheetPricing: { uri: 'https://contoso.example.com/marketplace/prices.xlsx' },
    },
  });
  doc.definition.plans.push({
    planId: 'windows',
    [`${VM}skuTitle`]: 'Contoso VM on Windows',
    [`${VM}skuSummary`]: 'Contoso App on Windows Server 2022.',
    [`${VM}operatingSystemFamily`]: 'Windows',
    [`${VM}windowsOSType`]: 'Other',
    [`${VM}operationSystem`]: 'Windows Server 2022 Datacenter',
    [`${VM}recommendedVMSizes`]: ['standard_d4s_v5'],
    [`${VM}cloudAvailability`]: ['Fairfax', 'FutureCloud'],
    [`${VM}certificationsFairfax`]: ['FedRAMP High', 'DoD IL4'],
    virtualMachinePricing: { isByol: true },
    regions: ['US'],
  });
  return doc;
}

async function getDefinition(offerId: string): Promise<OfferDefinition> {
  const res = await contoso.call('GET', `/offers/${offerId}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as OfferDraft).definition;
}

async function save(p: Page): Promise<void> {
  await p.getByRole('button', { name: 'Save draft' }).click();
  await p.locator('#save-state', { hasText: 'Saved at' }).waitFor();
}

test('every new field is shown in its control; edits made in the page are saved exactly, and everything else goes back as loaded', async () => {
  const sent = fullOffer('fields-vm');
  expect((await contoso.putOffer('fields-vm', sent)).status).toBe(201);
  // The API keeps the document as sent (so "as sent" below is also "as loaded").
  expect(await getDefinition('fields-vm')).toStrictEqual(sent.definition);

  const { page: p, problems } = await page();
  await signIn(p);
  await openEditor(p, 'fields-vm');

  // ---- each value is shown in its control ----
  const shown: [string, string][] = [
    [`${OFFER}offerMarketingUrlIdentifier`, 'contoso-vm'],
    [`${OFFER}usefulLinks[0].linkTitle`, 'Documentation'],
    [`${OFFER}usefulLinks[0].linkUrl`, 'https://contoso.example.com/docs'],
    [`${OFFER}usefulLinks[1].linkTitle`, 'Pricing FAQ'],
    [`${OFFER}usefulLinks[1].linkUrl`, 'https://contoso.example.com/faq'],
    [`${OFFER}categoryMap[0].categoryL1`, 'analytics'],
    [`${OFFER}categoryMap[0].categoryL2-analytics`, 'data-insights, data-analytics'],
    [`${OFFER}categoryMap[1].categoryL1`, 'compute'],
    [`${OFFER}categoryMap[1].categoryL2-compute`, 'operating-systems'],
    [`${OFFER}heroLogo`, 'https://contoso.example.com/marketplace/hero-815x290.png'],
    [`${OFFER}videos[0].videoName`, 'Contoso VM in 3 minutes'],
    [`${OFFER}videos[0].videoLink`, 'https://www.youtube.com/watch?v=contoso'],
    [`${OFFER}videos[0].thumbnailLink`, 'https://contoso.example.com/marketplace/video-thumb.png'],
    [`${OFFER}publicAzureSupportUrl`, 'https://contoso.example.com/support'],
    [`${OFFER}fairfaxSupportUrl`, 'https://contoso.example.com/support/government'],
    [`${vm(0)}certificationsFairfax`, 'FedRAMP High'],
    [`${pricing(0)}freeTrialDurationInMonths`, '3'],
    [`${pricing(0)}coreMultiplier`, 'individually'],
    [`${pricing(0)}coreMultiplier.individually.sharedcore`, '0.01'],
    [`${pricing(0)}coreMultiplier.individually.1core`, '0.02'],
    [`${pricing(0)}coreMultiplier.individually.2core`, '0.04'],
    [`${pricing(0)}coreMultiplier.individually.4core`, ''],
    [`${pricing(0)}coreMultiplier.individually.416core`, '8.32'],
    [`${vm(1)}windowsOSType`, 'Other'],
    [`${vm(1)}certificationsFairfax`, 'FedRAMP High, DoD IL4'],
    [`${pricing(1)}freeTrialDurationInMonths`, '0'],
    [`${pricing(1)}coreMultiplier`, ''],
  ];
  const actual: [string, string][] = [];
  for (const [path] of shown) actual.push([path, await value(p, path)]);
  expect(actual).toEqual(shown);

  const checked = async (path: string) => control(p, path).isChecked();
  expect(await checked('definition.offer.microsoft-azure-marketplace-testdrive.enabled')).toBe(true);
  expect(await checked(`${vm(0)}hideSKUForSolutionTemplate`)).toBe(true);
  expect(await checked(`${vm(1)}hideSKUForSolutionTemplate`)).toBe(false);
  expect(await checked(`${pricing(0)}isByol`)).toBe(false);
  expect(await checked(`${pricing(1)}isByol`)).toBe(true);
  const clouds = async (i: number) =>
    p
      .locator(`fieldset[data-path="${vm(i)}cloudAvailability"] input[type=checkbox]`)
      .evaluateAll((boxes: any[]) => boxes.map((b) => `${b.value}:${b.checked}`));
  expect(await clouds(0)).toEqual(['PublicAzure:true', 'Fairfax:false', 'Mooncake:false', 'Blackforest:false']);
  // A cloud the portal does not know is shown, ticked, and kept.
  expect(await clouds(1)).toEqual([
    'PublicAzure:false',
    'Fairfax:true',
    'Mooncake:false',
    'Blackforest:false',
    'FutureCloud:true',
  ]);
  // The Windows type is asked for the Windows plan only; per-core-size prices show, the single price does not.
  expect(await control(p, `${vm(0)}windowsOSType`).isVisible()).toBe(false);
  expect(await control(p, `${vm(1)}windowsOSType`).isVisible()).toBe(true);
  expect(await control(p, `${pricing(0)}coreMultiplier.single`).isVisible()).toBe(false);
  expect(await control(p, `${pricing(0)}coreMultiplier.individually.2core`).isVisible()).toBe(true);
  expect(await control(p, `${pricing(1)}coreMultiplier.individually.2core`).isVisible()).toBe(false);
  // What has no control is said to be kept.
  await expect(p.locator('fieldset.pricing').first().textContent()).resolves.toContain(
    'prices for 1 region and a pricing spreadsheet; they are kept as saved',
  );
  await expect(p.locator('#offer-form').textContent()).resolves.toContain('1 test drive video is kept as saved');
  const scrollTo = (selector: string) =>
    p
      .locator(selector)
      .first()
      .evaluate((el: any) => el.scrollIntoView({ block: 'start' }));
  await scrollTo('fieldset[data-path="definition.offer.microsoft-azure-marketplace.categoryMap"]');
  await screenshot(p, 'offer-fields-01a-loaded-categories', { fullPage: false });
  await scrollTo('#sec-media');
  await screenshot(p, 'offer-fields-01b-loaded-links-media', { fullPage: false });
  await scrollTo(`fieldset[data-path="${vm(1)}cloudAvailability"]`);
  await screenshot(p, 'offer-fields-01c-loaded-windows-plan', { fullPage: false });
  await scrollTo('fieldset.pricing');
  await screenshot(p, 'offer-fields-01d-loaded-pricing', { fullPage: false });

  // ---- edits through the page ----
  await p.getByRole('button', { name: 'Add link' }).click();
  expect(await p.evaluate(() => document.activeElement?.getAttribute('data-path'))).toBe(
    `${OFFER}usefulLinks[2].linkTitle`,
  );
  await control(p, `${OFFER}usefulLinks[2].linkTitle`).fill('Release notes');
  await control(p, `${OFFER}usefulLinks[2].linkUrl`).fill('https://contoso.example.com/releases');
  await control(p, `${vm(1)}hideSKUForSolutionTemplate`).check();
  await control(p, `${pricing(0)}coreMultiplier`).selectOption('single');
  expect(await control(p, `${pricing(0)}coreMultiplier.individually.2core`).isVisible()).toBe(false);
  await control(p, `${pricing(0)}coreMultiplier.single`).fill('0.05');
  await control(p, `${pricing(0)}freeTrialDurationInMonths`).selectOption('1');
  await control(p, `${OFFER}categoryMap[0].categoryL2-analytics`).fill('data-insights, big-data');
  await expect(p.locator('#save-state').textContent()).resolves.toBe('Unsaved changes.');
  await save(p);

  const expected = structuredClone(sent.definition) as Obj;
  expected.offer[`${MP}usefulLinks`].push({
    linkTitle: 'Release notes',
    linkUrl: 'https://contoso.example.com/releases',
  });
  expected.offer[`${MP}categoryMap`][0]['categoryL2-analytics'] = ['data-insights', 'big-data'];
  expected.plans[1][`${VM}hideSKUForSolutionTemplate`] = true;
  expected.plans[0].virtualMachinePricing.freeTrialDurationInMonths = 1;
  expected.plans[0].virtualMachinePricing.coreMultiplier = { currency: 'USD', single: 0.05 };
  const saved = await getDefinition('fields-vm');
  expect(saved).toStrictEqual(expected);
  expect(typeof saved.plans[0].virtualMachinePricing?.coreMultiplier?.single).toBe('number');

  // ---- a reload shows what was saved ----
  await p.reload();
  await p.locator('#offer-form').waitFor();
  expect(await value(p, `${OFFER}usefulLinks[2].linkTitle`)).toBe('Release notes');
  expect(await value(p, `${OFFER}categoryMap[0].categoryL2-analytics`)).toBe('data-insights, big-data');
  expect(await checked(`${vm(1)}hideSKUForSolutionTemplate`)).toBe(true);
  expect(await value(p, `${pricing(0)}coreMultiplier`)).toBe('single');
  expect(await value(p, `${pricing(0)}coreMultiplier.single`)).toBe('0.05');
  expect(await value(p, `${pricing(0)}freeTrialDurationInMonths`)).toBe('1');
  // Saving again, untouched, changes nothing.
  await control(p, `${OFFER}summary`).fill(sent.definition.offer[`${MP}summary`]!);
  await save(p);
  expect(await getDefinition('fields-vm')).toStrictEqual(expected);
  await scrollTo('fieldset.pricing');
  await screenshot(p, 'offer-fields-02-saved-pricing', { fullPage: false });
  expect(problems.errors).toEqual([]);
});

test('a negative price is refused with a 400 shown at its control; renaming a category moves its subcategories', async () => {
  const sent = fullOffer('fields-bad-vm');
  expect((await contoso.putOffer('fields-bad-vm', sent)).status).toBe(201);
  const { page: p, problems } = await page();
  await signIn(p);
  await openEditor(p, 'fields-bad-vm');

  // Renaming a category renames the key of its subcategory list.
  await control(p, `${OFFER}categoryMap[1].categoryL1`).fill('networking');
  expect(await value(p, `${OFFER}categoryMap[1].categoryL2-networking`)).toBe('operating-systems');

  // Two refused prices: one per core size on plan 1, one per core on plan 2.
  const sizePath = `${pricing(0)}coreMultiplier.individually.2core`;
  const singlePath = `${pricing(1)}coreMultiplier.single`;
  await control(p, sizePath).fill('-0.04');
  await control(p, `${pricing(1)}coreMultiplier`).selectOption('single');
  await control(p, singlePath).fill('-1');
  await p.getByRole('button', { name: 'Save draft' }).click();
  const summary = p.locator('#editor-summary');
  await summary.getByRole('heading', { name: /could not be saved: 2 fields to correct/ }).waitFor();
  expect(
    await summary.locator('li').evaluateAll((lis: any[]) => lis.map((li) => li.getAttribute('data-warning-path'))),
  ).toEqual([sizePath, singlePath]);
  for (const path of [sizePath, singlePath]) {
    const input = control(p, path);
    expect(await input.getAttribute('aria-invalid')).toBe('true');
    const ids = (await input.getAttribute('aria-describedby'))!.split(' ');
    const text = (await p.locator(ids.map((id) => `#${id}`).join(', ')).allTextContents()).join(' ');
    expect(text).toMatch(/>=\s*0/);
  }
  // The summary entry moves focus to the control.
  await summary.locator(`li[data-warning-path="${singlePath}"] button`).click();
  expect(await p.evaluate(() => document.activeElement?.getAttribute('data-path'))).toBe(singlePath);
  await screenshot(p, 'offer-fields-03-negative-price', { fullPage: false });
  expect(await getDefinition('fields-bad-vm')).toStrictEqual(sent.definition);

  await control(p, sizePath).fill('0.04');
  await control(p, singlePath).fill('0.5');
  // A new plan given a price is a priced plan (isByol false), without ticking anything.
  await p.getByRole('button', { name: 'Add plan' }).click();
  await control(p, `${plan(2)}planId`).fill('burst');
  await control(p, `${pricing(2)}coreMultiplier`).selectOption('single');
  await control(p, `${pricing(2)}coreMultiplier.single`).fill('0.25');
  await save(p);
  expect(await summary.isHidden()).toBe(true);
  expect(await control(p, singlePath).getAttribute('aria-invalid')).toBeNull();
  const expected = structuredClone(sent.definition) as Obj;
  expected.offer[`${MP}categoryMap`][1] = { categoryL1: 'networking', 'categoryL2-networking': ['operating-systems'] };
  expected.plans[1].virtualMachinePricing = { isByol: true, coreMultiplier: { currency: 'USD', single: 0.5 } };
  expected.plans.push({
    planId: 'burst',
    virtualMachinePricing: { isByol: false, coreMultiplier: { currency: 'USD', single: 0.25 } },
  });
  expect(await getDefinition('fields-bad-vm')).toStrictEqual(expected);
  expect(problems.errors).toEqual([]);
});

test('a narrow screen: the new controls are labelled and nothing scrolls sideways', async () => {
  expect((await contoso.putOffer('fields-narrow-vm', fullOffer('fields-narrow-vm'))).status).toBe(201);
  const { page: p, problems } = await page({ width: 360, height: 780 });
  await signIn(p);
  await openEditor(p, 'fields-narrow-vm');
  const report = await p.evaluate(() => ({
    unlabelled: [...document.querySelectorAll('input, select, textarea')]
      .filter((el: any) => !el.labels?.length && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
      .map((el: any) => el.outerHTML.slice(0, 120)),
    overflow: document.documentElement.scrollWidth - window.innerWidth,
  }));
  expect(report).toEqual({ unlabelled: [], overflow: 0 });
  await p.locator('fieldset.pricing').first().scrollIntoViewIfNeeded();
  await screenshot(p, 'offer-fields-04-narrow-pricing', { fullPage: false });
  expect(problems.errors).toEqual([]);
});
