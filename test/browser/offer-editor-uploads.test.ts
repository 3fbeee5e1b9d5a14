// The offer editor's image uploads: each image field (logos, hero logo, screenshots, video
// thumbnails) has a file picker that stores the PNG through the API and puts the answered address
// into the field. A refused file is explained at its field and changes nothing; a new offer must
// be saved before anything can be uploaded; what was uploaded is what a save sends, and the
// top-level fields the form does not edit (offerTypeVersions) go back as loaded.
import { Locator, Page } from 'playwright-core';
import type { OfferDraft } from '../../domain/offer/document';
import { sampleOffer } from '../../domain/offer/sample-offer';
import { screenshot } from '../support/browser';
import { Partner } from '../support/partner-api';
import { png } from '../support/png-server';
import { PortalSession, startPortalSession } from '../support/portal-session';
import type { Stack } from '../support/stack';

jest.setTimeout(120_000);

// Callbacks given to page.evaluate run in the browser (the project compiles against Node's lib).
declare const document: any;

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

const MP = 'microsoft-azure-marketplace.';
const OFFER = `definition.offer.${MP}`;
const control = (p: Page, path: string) => p.locator(`:is(input, select, textarea)[data-path="${path}"]`);
/** The field (label, URL control, upload picker, status, preview) whose control has this path. */
const fieldAt = (p: Page, path: string) => p.locator('.field', { has: control(p, path) });
const stored = (offerId: string) =>
  new RegExp(`^http://127\\.0\\.0\\.1:\\d+/api/marketplace/artifacts/contoso/${offerId}/[0-9a-f]{64}\\.png$`);

async function upload(field: Locator, name: string, buffer: Buffer): Promise<void> {
  await field.locator('input[type=file]').setInputFiles({ name, mimeType: 'image/png', buffer });
}

async function getOffer(offerId: string): Promise<OfferDraft> {
  const res = await contoso.call('GET', `/offers/${offerId}`);
  expect(res.status).toBe(200);
  return (await res.json()) as OfferDraft;
}

async function save(p: Page): Promise<void> {
  await p.getByRole('button', { name: 'Save draft' }).click();
  await p.locator('#save-state', { hasText: 'Saved at' }).waitFor();
}

test('a wrong-size or too large PNG is refused at its field and changes nothing; right ones fill logo, hero, screenshot and thumbnail fields with stored URLs, are previewed, and are saved', async () => {
  const sent = sampleOffer({ offerId: 'uploads-vm' });
  const offerTypeVersions = { 'microsoft-azure-virtualmachines': 3, 'microsoft-azure-marketplace': 2 };
  (sent.definition.offer as Record<string, unknown>)[`${MP}videos`] = [
    {
      videoName: 'Tour',
      videoLink: 'https://www.youtube.com/watch?v=tour',
      thumbnailLink: 'https://contoso.example.com/marketplace/tour.png',
    },
  ];
  expect((await contoso.putOffer('uploads-vm', { ...sent, offerTypeVersions })).status).toBe(201);
  expect((await getOffer('uploads-vm')).offerTypeVersions).toEqual(offerTypeVersions);

  const { page: p, problems } = await page();
  await signIn(p);
  await p.goto(stack.url('/#/offers/uploads-vm'));
  await p.locator('#offer-form').waitFor();

  // Every image field has its picker: 4 logos, the hero logo and the video's thumbnail.
  expect(await p.locator('section[aria-labelledby=sec-media] input[type=file][accept="image/png"]').count()).toBe(6);
  expect(await p.locator('section[aria-labelledby=sec-media] input[type=file]:disabled').count()).toBe(0);
  // A loaded data: URL logo is previewed; an outside address is not loaded by the portal.
  const small = fieldAt(p, `${OFFER}smallLogo`);
  expect(await small.locator('img.upload-preview').isVisible()).toBe(true);
  expect(await fieldAt(p, `${OFFER}videos[0].thumbnailLink`).locator('img.upload-preview').isVisible()).toBe(false);

  // ---- refused: the API's message at that field, and nothing else changes ----
  const loadedSmall = await control(p, `${OFFER}smallLogo`).inputValue();
  await upload(small, 'medium-by-mistake.png', png(90, 90));
  const smallError = small.locator('.upload-error [role=alert]');
  await smallError.waitFor();
  expect(await smallError.textContent()).toContain('The small logo is 90×90 px; a small logo must be 40×40 px.');
  expect(await control(p, `${OFFER}smallLogo`).inputValue()).toBe(loadedSmall);
  expect(await p.locator('#save-state').textContent()).toBe('');
  // Only that field says so.
  expect(await p.locator('.upload-error [role=alert]').count()).toBe(1);
  await small.scrollIntoViewIfNeeded();
  await screenshot(p, 'offer-uploads-01-wrong-size', { fullPage: false });

  const hero = fieldAt(p, `${OFFER}heroLogo`);
  await upload(hero, 'huge.png', Buffer.concat([png(815, 290), Buffer.alloc(5 * 1024 * 1024)]));
  await hero.locator('.upload-error [role=alert]').waitFor();
  expect(await hero.locator('.upload-error').textContent()).toMatch(/at most 5242880 are accepted/);
  expect(await control(p, `${OFFER}heroLogo`).inputValue()).toBe('');
  expect(await p.locator('#save-state').textContent()).toBe('');

  // ---- accepted: the field holds the stored address, the image is previewed ----
  const smallPng = png(40, 40, [200, 40, 40]);
  await upload(small, 'small.png', smallPng);
  await small.locator('.upload-status', { hasText: 'Uploaded small.png' }).waitFor();
  const smallUrl = await control(p, `${OFFER}smallLogo`).inputValue();
  expect(smallUrl).toMatch(stored('uploads-vm'));
  expect(await smallError.count()).toBe(0);
  const preview = small.locator('img.upload-preview');
  await expect(preview.getAttribute('src')).resolves.toBe(new URL(smallUrl).pathname);
  await p.waitForFunction((img: any) => img.complete && img.naturalWidth > 0, await preview.elementHandle());
  expect(await preview.evaluate((img: any) => [img.naturalWidth, img.naturalHeight])).toEqual([40, 40]);
  expect(await p.locator('#save-state').textContent()).toBe('Unsaved changes.');
  // The stored image is the uploaded file, served publicly.
  const served = await fetch(smallUrl);
  expect(served.status).toBe(200);
  expect(served.headers.get('content-type')).toBe('image/png');
  expect(Buffer.from(await served.arrayBuffer()).equals(smallPng)).toBe(true);

  await upload(hero, 'hero.png', png(815, 290, [20, 90, 160]));
  await hero.locator('.upload-status', { hasText: 'Uploaded hero.png' }).waitFor();
  expect(await hero.locator('.upload-error').textContent()).toBe('');
  const heroUrl = await control(p, `${OFFER}heroLogo`).inputValue();
  expect(heroUrl).toMatch(stored('uploads-vm'));

  // A screenshot row, added and filled by an upload.
  await p.getByRole('button', { name: 'Add screenshot' }).click();
  expect(await p.evaluate(() => document.activeElement?.getAttribute('data-path'))).toBe(`${OFFER}screenshots[0]`);
  const shot = fieldAt(p, `${OFFER}screenshots[0]`);
  await upload(shot, 'screen-1.png', png(1280, 720, [240, 240, 240]));
  await shot.locator('.upload-status', { hasText: 'Uploaded screen-1.png' }).waitFor();
  const shotUrl = await control(p, `${OFFER}screenshots[0]`).inputValue();
  expect(shotUrl).toMatch(stored('uploads-vm'));

  const thumb = fieldAt(p, `${OFFER}videos[0].thumbnailLink`);
  await upload(thumb, 'thumb.png', png(1280, 720, [10, 10, 10]));
  await thumb.locator('.upload-status', { hasText: 'Uploaded thumb.png' }).waitFor();
  const thumbUrl = await control(p, `${OFFER}videos[0].thumbnailLink`).inputValue();
  expect(thumbUrl).toMatch(stored('uploads-vm'));
  expect(await thumb.locator('img.upload-preview').isVisible()).toBe(true);
  await p.locator('#sec-media').evaluate((el: any) => el.scrollIntoView({ block: 'start' }));
  await screenshot(p, 'offer-uploads-02-uploaded', { fullPage: false });

  // ---- saved: the GET answers the uploaded addresses, and everything else as sent ----
  await save(p);
  const after = await getOffer('uploads-vm');
  const expected = structuredClone(sent.definition) as any;
  expected.offer[`${MP}smallLogo`] = smallUrl;
  expected.offer[`${MP}heroLogo`] = heroUrl;
  expected.offer[`${MP}screenshots`] = [shotUrl];
  expected.offer[`${MP}videos`][0].thumbnailLink = thumbUrl;
  expected.offer[`${MP}tableLeadConfiguration`] = {}; // the stored secret is never returned
  expect(after.definition).toStrictEqual(expected);
  expect(after.offerTypeVersions).toEqual(offerTypeVersions);

  // A reload shows them, previewed.
  await p.reload();
  await p.locator('#offer-form').waitFor();
  expect(await control(p, `${OFFER}screenshots[0]`).inputValue()).toBe(shotUrl);
  expect(await fieldAt(p, `${OFFER}screenshots[0]`).locator('img.upload-preview').isVisible()).toBe(true);
  expect(await fieldAt(p, `${OFFER}heroLogo`).locator('img.upload-preview').getAttribute('src')).toBe(
    new URL(heroUrl).pathname,
  );
  expect(problems.errors).toEqual([]);
});

test('a new offer: the pickers are disabled until it is saved, then an upload works', async () => {
  const { page: p, problems } = await page();
  await signIn(p);
  await p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New offer' }).click();
  await p.locator('#offer-form').waitFor();
  const pickers = p.locator('section[aria-labelledby=sec-media] input[type=file]');
  expect(await pickers.count()).toBe(5);
  expect(await p.locator('section[aria-labelledby=sec-media] input[type=file]:disabled').count()).toBe(5);
  const small = fieldAt(p, `${OFFER}smallLogo`);
  expect(await small.locator('.upload-status').textContent()).toBe('Save the offer first to upload images.');
  // The picker says why it is disabled (its description is that status).
  const describedBy = (await small.locator('input[type=file]').getAttribute('aria-describedby'))!;
  expect(await p.locator(`#${describedBy}`).textContent()).toBe('Save the offer first to upload images.');
  await small.scrollIntoViewIfNeeded();
  await screenshot(p, 'offer-uploads-03-new-offer-disabled', { fullPage: false });

  await p.getByLabel('Offer id').fill('uploads-new-vm');
  await control(p, `${OFFER}title`).fill('Uploads VM');
  await save(p);
  expect(await p.locator('section[aria-labelledby=sec-media] input[type=file]:disabled').count()).toBe(0);
  expect(await small.locator('.upload-status').textContent()).toBe('');

  await upload(small, 'small.png', png(40, 40));
  await small.locator('.upload-status', { hasText: 'Uploaded small.png' }).waitFor();
  const url = await control(p, `${OFFER}smallLogo`).inputValue();
  expect(url).toMatch(stored('uploads-new-vm'));
  await save(p);
  expect((await getOffer('uploads-new-vm')).definition.offer[`${MP}smallLogo`]).toBe(url);
  expect(problems.errors).toEqual([]);
});

test('a narrow screen: the pickers are labelled and nothing scrolls sideways', async () => {
  const sent = sampleOffer({ offerId: 'uploads-narrow-vm' });
  Object.assign(sent.definition.offer as Record<string, unknown>, {
    [`${MP}screenshots`]: ['https://contoso.example.com/marketplace/shot-1.png'],
    [`${MP}videos`]: [
      {
        videoName: 'Tour',
        videoLink: 'https://www.youtube.com/watch?v=tour',
        thumbnailLink: 'https://contoso.example.com/marketplace/tour.png',
      },
    ],
  });
  expect((await contoso.putOffer('uploads-narrow-vm', sent)).status).toBe(201);
  const { page: p, problems } = await page({ width: 360, height: 780 });
  await signIn(p);
  await p.goto(stack.url('/#/offers/uploads-narrow-vm'));
  await p.locator('#offer-form').waitFor();
  const media = p.locator('section[aria-labelledby=sec-media]');
  expect(await media.locator('input[type=file]').count()).toBe(7);
  const report = await p.evaluate(() => ({
    unlabelled: [...document.querySelectorAll('input, select, textarea')]
      .filter((el: any) => !el.labels?.length && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
      .map((el: any) => el.outerHTML.slice(0, 120)),
    pickerNames: [...document.querySelectorAll('input[type=file][accept="image/png"]')].map(
      (el: any) => el.labels[0].textContent,
    ),
    overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
  }));
  expect(report.unlabelled).toEqual([]);
  expect(report.overflow).toBe(0);
  expect(report.pickerNames).toEqual([
    'Upload PNG… (small logo, 40×40 px)',
    'Upload PNG… (medium logo, 90×90 px)',
    'Upload PNG… (large logo, 115×115 px)',
    'Upload PNG… (wide logo, 255×115 px)',
    'Upload PNG… (hero logo, 815×290 px)',
    'Upload PNG… (screenshot, 1280×720 px)',
    'Upload PNG… (video thumbnail, 1280×720 px)',
  ]);
  await upload(fieldAt(p, `${OFFER}wideLogo`), 'tall.png', png(115, 255));
  await fieldAt(p, `${OFFER}wideLogo`).locator('.upload-error [role=alert]').waitFor();
  await fieldAt(p, `${OFFER}wideLogo`).scrollIntoViewIfNeeded();
  expect(await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0);
  await screenshot(p, 'offer-uploads-04-narrow', { fullPage: false });
  expect(problems.errors).toEqual([]);
});
