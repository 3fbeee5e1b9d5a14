// The portal's History page in Chromium: reached from the status page, newest first a page at a
// time, and its event, actor and date filters narrowing what the API answers.
import { sampleOffer } from '../../domain/offer/sample-offer';
import { screenshot } from '../support/browser';
import { PortalSession, startPortalSession } from '../support/portal-session';

jest.setTimeout(120_000);

let session: PortalSession;

beforeAll(async () => {
  session = await startPortalSession();
  const doc = sampleOffer({ offerId: 'hist-portal-vm' });
  let res = await session.contoso.putOffer('hist-portal-vm', doc);
  expect(res.status).toBe(201);
  // 1 creation and 29 saves: more than one page of 25.
  for (let i = 0; i < 29; i++) {
    doc.definition.offer['microsoft-azure-marketplace.summary'] = `Summary number ${i}`;
    res = await session.contoso.putOffer('hist-portal-vm', doc, res.headers.get('etag')!);
    expect(res.status).toBe(200);
  }
}, 180_000);

afterAll(async () => {
  await session?.close();
});

test('History: newest first, older pages on demand, filters by event, actor and date', async () => {
  const { page, problems } = await session.page();
  await session.signIn(page);
  await page.goto(session.stack.url('/#/offers/hist-portal-vm/status'));
  await page.getByRole('link', { name: 'History' }).click();
  await page.getByRole('heading', { name: 'History: hist-portal-vm' }).waitFor();
  const rows = page.locator('#history-table tbody tr');
  const state = page.locator('#history-state');
  await state.getByText('25 entries so far, newest first.').waitFor();
  expect(await rows.count()).toBe(25);
  expect(await rows.first().getAttribute('data-event')).toBe('offerSaved');
  await page.getByRole('button', { name: 'Show older entries' }).click();
  await state.getByText('30 entries, newest first.').waitFor();
  expect(await rows.count()).toBe(30);
  expect(await rows.last().getAttribute('data-event')).toBe('offerCreated');
  expect(await page.getByRole('button', { name: 'Show older entries' }).isHidden()).toBe(true);
  // The actor and channel of each row, and the fields a save changed.
  await expect(rows.first().textContent()).resolves.toContain('contoso API key');
  await expect(rows.first().textContent()).resolves.toContain('REST API');
  await expect(rows.first().textContent()).resolves.toContain('definition.offer.microsoft-azure-marketplace.summary');
  await screenshot(page, 'history-page');

  await page.getByLabel('Event', { exact: true }).selectOption({ label: 'Offer created' });
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await state.getByText('1 entry, newest first.').waitFor();
  expect(await rows.count()).toBe(1);

  await page.getByLabel('Event', { exact: true }).selectOption({ label: 'All events' });
  await page.getByLabel('By', { exact: true }).selectOption({ label: 'Publishing pipeline' });
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await state.getByText('No entries match these filters.').waitFor();
  expect(await page.locator('#history-table').isHidden()).toBe(true);

  await page.getByLabel('By', { exact: true }).selectOption({ label: 'API key' });
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  await page.getByLabel('To', { exact: true }).fill(day(-1));
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await state.getByText('No entries match these filters.').waitFor();
  await page.getByLabel('To', { exact: true }).fill('');
  await page.getByLabel('From', { exact: true }).fill(day(0));
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await state.getByText('25 entries so far, newest first.').waitFor();

  expect(problems.errors).toEqual([]);
});
