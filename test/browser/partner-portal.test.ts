// The partner portal in a real Chromium against the app on the devhost: an offer from an empty
// draft to Live through the pages, Cancel at sign-off, a certification failure with a support
// request, isolation between publishers, and the basics of keyboard use and narrow screens.
import http from 'node:http';
import { Browser, Page } from 'playwright-core';
import { sampleOffer } from '../../domain/offer/sample-offer';
import { launchChromium, openPage, PageProblems, screenshot } from '../support/browser';
import { Partner } from '../support/partner-api';
import { startStack, Stack, waitUntil } from '../support/stack';
import { asDynamic, uploadVhd } from '../support/vhd-images';
import { SlowProxy, startSlowProxy } from '../support/slow-proxy';
import { dataUrl, png } from '../support/png-server';

jest.setTimeout(120_000);

// Callbacks given to page.evaluate run in the browser; the project compiles against Node's lib,
// so the few browser globals they use are declared here, for this file only.
declare const document: any, window: any, location: any, getComputedStyle: any;

let stack: Stack;
let browser: Browser;
let contoso: Partner;
let goodVhd: string;
let slow: SlowProxy;
let slowVhd: string;
const open: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  // Storage reached through a delaying proxy: that disk makes Certification and Provisioning take seconds.
  slow = await startSlowProxy(() => `http://127.0.0.1:${stack.azurite.ports.blob}`, 400);
  [stack, browser] = await Promise.all([
    startStack('.', {
      DEV_PUBLISHERS: 'contoso:contoso-key,fabrikam:fabrikam-key',
      OPS_ADMIN_KEY: 'ops-admin-key',
      PUBLISH_RETRY_FIRST_MS: '100',
      PUBLISH_RETRY_ATTEMPTS: '2',
      PROVISION_REGIONS: 'eastus,westeurope',
      OUTBOUND_ALLOWED_HOSTS: slow.host,
      SUPPORT_EMAIL: 'support@offer-go-live.example.com',
    }),
    launchChromium(),
  ]);
  contoso = new Partner(stack, 'contoso', 'contoso-key');
  goodVhd = await uploadVhd(stack.connectionString, 'vhds', 'portal-good.vhd');
  slowVhd = slow.rewrite(await uploadVhd(stack.connectionString, 'vhds', 'portal-data-disk.vhd'));
}, 180_000);

afterAll(async () => {
  for (const c of open) await c.close().catch(() => undefined);
  await browser?.close();
  await stack?.stop();
  await slow?.close();
});

const portal = (hash = '') => stack.url(`/${hash}`);

async function page(viewport?: { width: number; height: number }): Promise<{ page: Page; problems: PageProblems }> {
  const { context, page, problems } = await openPage(browser, { viewport });
  open.push(context);
  return { page, problems };
}

async function signIn(p: Page, publisherId: string, key: string): Promise<void> {
  await p.goto(portal());
  await p.getByLabel('Publisher id').fill(publisherId);
  await p.getByLabel('API key').fill(key);
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.getByRole('heading', { name: 'All offers' }).waitFor();
}

const field = (p: Page, path: string) => p.locator(`:is(input, select, textarea)[data-path="${path}"]`);
const MP = 'definition.offer.microsoft-azure-marketplace.';
const PLAN = 'definition.plans[0].';
const VM = `${PLAN}microsoft-azure-virtualmachines.`;

async function stepStates(p: Page): Promise<Record<string, string>> {
  return p.$$eval('#timeline li[data-step]', (lis) =>
    Object.fromEntries(lis.map((li) => [li.getAttribute('data-step')!, li.getAttribute('data-status')!])),
  );
}

async function publishViaApi(offerId: string, doc: unknown): Promise<void> {
  expect((await contoso.putOffer(offerId, doc)).status).toBe(201);
  expect((await contoso.publish(offerId)).status).toBe(202);
}

test('an empty draft: missing-field warnings → fill them → Publish with e-mails → steps advance live → Go Live → the live listing link works', async () => {
  const { page: p, problems } = await page();
  await signIn(p, 'contoso', 'contoso-key');

  // A new offer with only a title; Publish saves it first, asks for e-mails, and gets 422.
  await p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New offer' }).click();
  await p.getByLabel('Offer id').fill('portal-vm');
  await field(p, `${MP}title`).fill('Portal VM');
  await p.getByRole('button', { name: 'Publish…' }).click();
  const dialog = p.getByRole('dialog', { name: 'Publish portal-vm' });
  await dialog.getByLabel('Notification e-mails').fill('ops@contoso.example.com');
  await dialog.getByRole('button', { name: 'Publish' }).click();
  const summary = p.locator('#editor-summary');
  await summary.getByRole('heading', { name: /fields need attention before publishing/ }).waitFor();
  expect(await p.evaluate(() => location.hash)).toBe('#/offers/portal-vm');
  await screenshot(p, 'portal-01-missing-field-warnings');

  // Each warning sits next to its field (path → input), and the field is marked invalid.
  const summaryField = field(p, `${MP}summary`);
  await expect(summaryField.getAttribute('aria-invalid')).resolves.toBe('true');
  const describedBy = (await summaryField.getAttribute('aria-describedby'))!.split(' ');
  const warningText = await p.locator(describedBy.map((id) => `#${id}`).join(', ')).allTextContents();
  expect(warningText.join(' ')).toContain('Offer summary is required');
  await expect(field(p, `${MP}title`).getAttribute('aria-invalid')).resolves.toBeNull();
  await expect(p.locator('fieldset[data-path="definition.plans"] .warning').textContent()).resolves.toContain(
    'Add at least one plan',
  );
  // The summary entry moves focus to its field.
  await summary.getByRole('button', { name: /Terms of use is required/ }).click();
  expect(await p.evaluate(() => document.activeElement?.getAttribute('data-path'))).toBe(`${MP}termsOfUse`);
  expect(await summary.locator('li').count()).toBeGreaterThan(15);

  // Fill everything in, through the form.
  const fills: [string, string][] = [
    [`${MP}summary`, 'A hardened Linux VM with Portal App preinstalled.'],
    [`${MP}longSummary`, 'Portal App on a hardened Ubuntu image, ready to deploy in minutes.'],
    [`${MP}description`, '<p>Portal App makes dev ops a breeze.</p>'],
    // The wide logo as a data: URL (the service stores it at publish, step 1).
    [`${MP}wideLogo`, dataUrl(png(255, 115))],
    [`${MP}privacyURL`, 'https://contoso.example.com/privacy'],
    [`${MP}termsOfUse`, 'Use of Portal VM is subject to the Contoso license terms.'],
    [`${MP}engineeringContactName`, 'Jon Doe'],
    [`${MP}engineeringContactEmail`, 'jondoe@contoso.example.com'],
    [`${MP}engineeringContactPhone`, '555-555-5555'],
    [`${MP}supportContactName`, 'Contoso Support'],
    [`${MP}supportContactEmail`, 'support@contoso.example.com'],
    [`${MP}supportContactPhone`, '555-555-0100'],
  ];
  for (const [path, value] of fills) await field(p, path).fill(value);
  // The other logos are PNG files uploaded through each field's picker (the offer exists: Publish
  // saved it); each field then holds the address the service stored the image at.
  for (const [key, width, height] of [
    ['smallLogo', 40, 40],
    ['mediumLogo', 90, 90],
    ['largeLogo', 115, 115],
  ] as const) {
    const at = p.locator('.field', { has: field(p, `${MP}${key}`) });
    await at
      .locator('input[type=file]')
      .setInputFiles({ name: `${key}.png`, mimeType: 'image/png', buffer: png(width, height) });
    await at.locator('.upload-status', { hasText: `Uploaded ${key}.png` }).waitFor();
    await expect(field(p, `${MP}${key}`).inputValue()).resolves.toMatch(
      /\/api\/marketplace\/artifacts\/contoso\/portal-vm\/[0-9a-f]{64}\.png$/,
    );
  }

  // Preview audience from a CSV file: a header, two ids (one with a description) and a bad line.
  await p.getByText('Import from CSV').click();
  await p.getByLabel('CSV file').setInputFiles({
    name: 'audience.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(
      'Subscription id,Description\n6f1f9c2e-3b1a-4c55-9f0e-2d7b8a1c4e90,Contoso test team\nnot-a-subscription\nb2d4e6f8-1a3c-4e5f-8a9b-0c1d2e3f4a5b\n',
    ),
  });
  await p.locator('.import-result', { hasText: 'Imported 2 subscriptions' }).waitFor();
  await p.locator('.import-result', { hasText: 'Line 3: "not-a-subscription" is not a subscription id' }).waitFor();
  expect(await p.locator('#audience-table tbody tr').count()).toBe(2);

  // Lead destination and its configuration.
  await field(p, `${MP}leadDestination`).selectOption('AzureTable');
  await field(p, `${MP}tableLeadConfiguration.connectionString`).fill(stack.connectionString);

  // A plan with one image version: the OS disk, and a data disk behind the slow proxy, so that
  // Certification and Provisioning take seconds and the page can be watched moving through them.
  await p.getByRole('button', { name: 'Add plan' }).click();
  await field(p, `${PLAN}planId`).fill('standard');
  await field(p, `${VM}skuTitle`).fill('Portal VM Standard');
  await field(p, `${VM}skuSummary`).fill('Portal App on Ubuntu 22.04.');
  await field(p, `${VM}operatingSystemFamily`).selectOption('Linux');
  await field(p, `${VM}operationSystem`).fill('Ubuntu 22.04');
  await field(p, `${VM}recommendedVMSizes`).fill('standard_d2s_v5, standard_d4s_v5');
  await field(p, `${PLAN}regions`).fill('US, DE');
  await p.getByRole('button', { name: 'Add disk version' }).click();
  await expect(field(p, `${VM}vmImages.1.0.0`).inputValue()).resolves.toBe('1.0.0');
  await field(p, `${VM}vmImages.1.0.0.osVhdUrl`).fill(goodVhd);
  await p.getByRole('button', { name: 'Add data disk' }).click();
  await expect(field(p, `${VM}vmImages.1.0.0.lunVhdDetails[0].lun`).inputValue()).resolves.toBe('0');
  await field(p, `${VM}vmImages.1.0.0.lunVhdDetails[0].lunVhdUri`).fill(slowVhd);

  await p.getByRole('button', { name: 'Save draft' }).click();
  await p.locator('#save-state', { hasText: 'Saved at' }).waitFor();
  // What was saved is the document the form shows.
  const saved = (await (await contoso.call('GET', '/offers/portal-vm')).json()) as ReturnType<typeof sampleOffer>;
  const plan = saved.definition.plans[0];
  expect(plan['microsoft-azure-virtualmachines.vmImages']!['1.0.0'].lunVhdDetails).toEqual([
    { lun: 0, lunVhdUri: slowVhd },
  ]);
  expect(saved.definition.offer['microsoft-azure-marketplace.allowedSubscriptions']).toEqual([
    { subscriptionId: '6f1f9c2e-3b1a-4c55-9f0e-2d7b8a1c4e90', description: 'Contoso test team' },
    'b2d4e6f8-1a3c-4e5f-8a9b-0c1d2e3f4a5b',
  ]);
  expect(plan.regions).toEqual(['US', 'DE']);
  expect(saved.definition.offer['microsoft-azure-marketplace.tableLeadConfiguration']).toEqual({}); // the secret is stored, never returned

  // Publish with two e-mail addresses → the Status page.
  await p.getByRole('button', { name: 'Publish…' }).click();
  await expect(dialog.getByLabel('Notification e-mails').inputValue()).resolves.toBe('jondoe@contoso.example.com');
  await dialog.getByLabel('Notification e-mails').fill('ops@contoso.example.com, lead@contoso.example.com');
  await dialog.getByRole('button', { name: 'Publish' }).click();
  await p.waitForURL(/#\/offers\/portal-vm\/status$/);
  await p.locator('#timeline li[data-step]').first().waitFor();
  await p.evaluate(() => (window.loadMarker = 42));

  // Watch the steps advance without a reload; Go Live and Cancel stay disabled until sign-off.
  const seen: {
    status: string | null;
    steps: Record<string, string>;
    goLiveDisabled: boolean;
    cancelDisabled: boolean;
  }[] = [];
  let pictured = false;
  await waitUntil(
    async () => {
      // One read of the page, so the parts of a snapshot belong to the same render.
      const snap = await p.evaluate(() => ({
        status: document.querySelector('#overall-status .badge')?.getAttribute('data-status') ?? null,
        steps: Object.fromEntries(
          [...document.querySelectorAll('#timeline li[data-step]')].map((li: any) => [
            li.getAttribute('data-step'),
            li.getAttribute('data-status'),
          ]),
        ) as Record<string, string>,
        goLiveDisabled: document.querySelector('#go-live').disabled as boolean,
        cancelDisabled: document.querySelector('#cancel-publish').disabled as boolean,
      }));
      if (JSON.stringify(seen[seen.length - 1]) !== JSON.stringify(snap)) seen.push(snap);
      if (!pictured && snap.status === 'running' && Object.values(snap.steps).includes('inProgress')) {
        pictured = true;
        await screenshot(p, 'portal-02-status-step-in-progress');
      }
      return snap.status === 'waitingForPublisherReview' || snap.status === 'failed' ? snap : undefined;
    },
    60_000,
    'the publish to reach sign-off',
  );
  // The page moved through the steps by itself: several running states, each with the steps
  // before the current one complete and the ones after it not started, never going backwards.
  const running = seen.filter((s) => s.status === 'running');
  expect(slow.requests()).toBeGreaterThan(0);
  expect(running.length).toBeGreaterThanOrEqual(2);
  const completed = running.map((s) => Object.values(s.steps).filter((st) => st === 'complete').length);
  expect(completed).toEqual([...completed].sort((a, b) => a - b));
  expect(completed[completed.length - 1]).toBeGreaterThan(completed[0]);
  for (const s of running)
    expect(Object.values(s.steps).join(',')).toMatch(/^(complete,)*(inProgress,)?(notStarted,?)*$/);
  expect(running.some((s) => Object.values(s.steps).includes('inProgress'))).toBe(true);
  expect(seen.filter((s) => s.status === 'running').every((s) => s.goLiveDisabled && s.cancelDisabled)).toBe(true);
  const last = seen[seen.length - 1];
  if (last.status !== 'waitingForPublisherReview') {
    // Say why, not just that it failed.
    const rejected = (await contoso.status('portal-vm')).steps.filter((st) => st.status === 'rejected');
    expect({ status: last.status, rejected }).toEqual({ status: 'waitingForPublisherReview', rejected: [] });
  }
  expect(last.steps).toEqual({
    displaydummycertify: 'complete',
    displaycertify: 'complete',
    displayprovision: 'complete',
    displaypackage: 'complete',
    preview: 'complete',
    'publisher-signoff': 'waitingForPublisherReview',
    live: 'notStarted',
  });
  await p.locator('#go-live:enabled').waitFor();
  expect(await p.locator('#cancel-publish').isEnabled()).toBe(true);
  // Publishing again is offered only once this publish has ended.
  expect(await p.locator('#publish-again').isVisible()).toBe(false);
  const provision = p.locator('li[data-step="displayprovision"]');
  await expect(provision.locator('progress').getAttribute('value')).resolves.toBe('100');
  await expect(provision.textContent()).resolves.toContain('Estimated time frame: < 1 day');
  await expect(provision.textContent()).resolves.toContain('replicated to 2 regions');
  await expect(p.locator('#status-overview').textContent()).resolves.toContain(
    'ops@contoso.example.com, lead@contoso.example.com',
  );
  // The preview link answers for a subscription of the preview audience, chosen on the page.
  await p.getByLabel('See the preview as subscription').selectOption('b2d4e6f8-1a3c-4e5f-8a9b-0c1d2e3f4a5b');
  const previewHref = (await p.locator('#preview-links a').getAttribute('href'))!;
  expect(previewHref).toContain(
    '/api/marketplace/offers/contoso.portal-vm?preview=true&subscriptionId=b2d4e6f8-1a3c-4e5f-8a9b-0c1d2e3f4a5b',
  );
  const preview = await fetch(previewHref);
  expect(preview.status).toBe(200);
  expect(await preview.text()).toContain('Portal VM');
  await screenshot(p, 'portal-03-status-waiting-for-signoff');

  // Go Live → Live, still the same page load.
  await p.locator('#go-live').click();
  await p.locator('#overall-status .badge[data-status="succeeded"]').waitFor({ timeout: 30_000 });
  expect(Object.values(await stepStates(p)).every((s) => s === 'complete')).toBe(true);
  expect(await p.evaluate(() => window.loadMarker)).toBe(42);
  expect(await p.locator('#go-live').isDisabled()).toBe(true);
  expect(await p.locator('#cancel-publish').isDisabled()).toBe(true);
  await screenshot(p, 'portal-04-status-live');

  // The live listing link opens the public marketplace listing.
  const liveLink = p.locator('#live-links a');
  expect(await liveLink.getAttribute('target')).toBe('_blank');
  const [listing] = await Promise.all([p.context().waitForEvent('page'), liveLink.click()]);
  await listing.waitForLoadState();
  expect(listing.url()).toContain('/api/marketplace/offers/contoso.portal-vm');
  expect(await listing.textContent('body')).toContain('Portal VM');
  await listing.close();

  // The e-mails of this publish, in the outbox page.
  await p.getByRole('link', { name: 'E-mail outbox' }).click();
  await p.locator('#outbox article').first().waitFor();
  const subjects = await p.locator('#outbox article h2').allTextContents();
  expect(subjects).toEqual(
    expect.arrayContaining([
      'Live: contoso/portal-vm',
      'Preview ready: contoso/portal-vm (version 1)',
      'Publishing started: contoso/portal-vm (version 1)',
    ]),
  );
  await p.locator('#outbox article', { hasText: 'Live: contoso/portal-vm' }).getByText('Show the message').click();
  await expect(
    p
      .locator('#outbox article', { hasText: 'Live: contoso/portal-vm' })
      .locator('.mail-body a')
      .first()
      .getAttribute('href'),
  ).resolves.toContain('/api/');
  await screenshot(p, 'portal-05-outbox');

  // A customer asks to be contacted from the live listing: the lead shows on the Leads page and
  // reaches the partner's table; the filter narrows the list.
  const asked = await fetch(stack.url('/api/marketplace/offers/contoso.portal-vm/leads'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      action: 'contact-me',
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@example.com',
      company: 'Analytical Engines',
    }),
  });
  expect(asked.status).toBe(202);
  await p.getByRole('link', { name: 'Leads' }).click();
  await p.getByRole('heading', { name: 'Leads received' }).waitFor();
  const adaRow = p.locator('#leads-table tbody tr', { hasText: 'Ada Lovelace' });
  await adaRow.waitFor();
  await expect(adaRow.textContent()).resolves.toMatch(/ada@example\.com · Analytical Engines.*portal-vm.*Contact me/);
  // Delivery happens from a queue: refresh until the row says delivered.
  await waitUntil(
    async () => {
      await p.getByRole('button', { name: 'Refresh' }).click();
      return (await adaRow.getAttribute('data-state').catch(() => null)) === 'delivered' || undefined;
    },
    30_000,
    'the lead delivered',
  );
  await expect(adaRow.locator('.badge').textContent()).resolves.toBe('Delivered');
  await p.getByLabel('Show').selectOption('failed');
  await p.getByText('No failed leads yet.').waitFor();
  expect(await p.locator('#leads-table').isHidden()).toBe(true);
  await p.getByLabel('Show').selectOption('delivered');
  await adaRow.waitFor();
  expect(await p.getByRole('button', { name: 'Show more leads' }).isVisible()).toBe(false);
  await screenshot(p, 'portal-05b-leads');
  expect(problems.errors).toEqual([]);
});

test('Cancel at publisher sign-off: asks first, then the status goes back to step 1', async () => {
  await publishViaApi(
    'cancel-vm',
    sampleOffer({ offerId: 'cancel-vm', osVhdUrl: goodVhd, leadConnectionString: stack.connectionString }),
  );
  const { page: p, problems } = await page();
  await signIn(p, 'contoso', 'contoso-key');
  await p
    .getByRole('row', { name: /cancel-vm/ })
    .getByRole('link', { name: /Status of/ })
    .click();
  await p.locator('#overall-status .badge[data-status="waitingForPublisherReview"]').waitFor({ timeout: 30_000 });
  await p.locator('#cancel-publish:enabled').waitFor();

  // Keeping it leaves everything as it was.
  await p.locator('#cancel-publish').click();
  const confirm = p.getByRole('alertdialog', { name: 'Cancel this publishing request?' });
  await screenshot(p, 'portal-06-cancel-confirmation');
  await confirm.getByRole('button', { name: 'Keep it' }).click();
  expect((await contoso.status('cancel-vm')).status).toBe('waitingForPublisherReview');
  expect(await p.evaluate(() => document.activeElement?.id)).toBe('cancel-publish');

  await p.locator('#cancel-publish').click();
  await confirm.getByRole('button', { name: 'Cancel publishing' }).click();
  await p.locator('#overall-status .badge[data-status="canceled"]').waitFor({ timeout: 30_000 });
  expect(Object.values(await stepStates(p)).every((s) => s === 'notStarted')).toBe(true);
  expect(await p.locator('#go-live').isDisabled()).toBe(true);
  expect(await p.locator('#cancel-publish').isDisabled()).toBe(true);
  await expect(p.locator('#publish-again').textContent()).resolves.toBe('Publish again…');
  expect((await contoso.status('cancel-vm')).status).toBe('canceled');
  await screenshot(p, 'portal-07-canceled');
  expect(problems.errors).toEqual([]);
});

test('a certification failure is shown at its step with its message; a support request is opened from there', async () => {
  const dynamicVhd = await uploadVhd(stack.connectionString, 'vhds', 'portal-dynamic.vhd', { patch: asDynamic });
  await publishViaApi(
    'broken-vm',
    sampleOffer({ offerId: 'broken-vm', osVhdUrl: dynamicVhd, leadConnectionString: stack.connectionString }),
  );
  const { page: p, problems } = await page();
  await signIn(p, 'contoso', 'contoso-key');
  await p.goto(portal('#/offers/broken-vm/status'));
  await p.locator('#overall-status .badge[data-status="failed"]').waitFor({ timeout: 30_000 });

  const cert = p.locator('li[data-step="displaycertify"]');
  expect(await cert.getAttribute('data-status')).toBe('rejected');
  expect(await cert.getAttribute('class')).toContain('failed');
  const certText = (await cert.textContent())!;
  expect(certText).toMatch(/Error: .*dynamic/i);
  expect(certText).toContain('Publishing stopped at this step');
  expect(certText).toContain('What to do next');
  expect(await p.locator('li[data-step="displayprovision"]').getAttribute('data-status')).toBe('notStarted');
  expect(await p.locator('li.failed').count()).toBe(1);
  // The report (behind the publisher key) opens in the page, failed checks first.
  await p.getByText('Certification report (version 1)').click();
  const firstRow = p.locator('#certification-report tbody tr').first();
  await firstRow.waitFor();
  expect(await firstRow.getAttribute('data-result')).toBe('fail');
  await screenshot(p, 'portal-08-certification-failed');

  // An empty description is refused in the page; a real one opens the request.
  await p.getByRole('button', { name: 'Open support request' }).click();
  await p.locator('#support .form-error', { hasText: 'Describe what you need help with' }).waitFor();
  await p
    .getByLabel('What do you need help with?')
    .fill('The image was converted with qemu-img; why is it still dynamic?');
  await p.getByRole('button', { name: 'Open support request' }).click();
  await p.locator('#support-ticket').waitFor();
  const ticket = /SR-\d{8}-[A-Z0-9]{6}/.exec((await p.locator('#support-ticket').textContent())!)![0];
  expect(
    (await (await contoso.call('GET', '/offers/broken-vm/status')).json()) as { supportTicketId?: string },
  ).toMatchObject({ supportTicketId: ticket });
  const requests = (await (await contoso.call('GET', '/offers/broken-vm/support-requests')).json()) as {
    ticketId: string;
    failingStep: string;
    failingMessage: string;
    publishingVersion: number;
    notified: boolean;
  }[];
  expect(requests).toEqual([
    expect.objectContaining({ ticketId: ticket, failingStep: 'displaycertify', publishingVersion: 1, notified: true }),
  ]);
  expect(requests[0].failingMessage).toMatch(/dynamic/i);
  const mail = await waitUntil(async () => (await contoso.outbox()).find((m) => m.kind === 'support-request'));
  expect(mail.to).toEqual(['support@offer-go-live.example.com']);
  expect(mail.subject).toBe(`Support request ${ticket}: contoso/broken-vm (version 1)`);
  expect(mail.plainText).toContain('Failing step: Certification');
  // A second request for the same version answers with the same ticket.
  const again = await contoso.call('POST', '/offers/broken-vm/support-requests', { description: 'again' });
  expect(again.status).toBe(200);
  expect(((await again.json()) as { ticketId: string }).ticketId).toBe(ticket);
  await screenshot(p, 'portal-09-support-request-opened');
  expect(problems.errors).toEqual([]);
});

test('saving: a concurrent change is a readable 412 with reload/overwrite; a wrong value is a 400 at its field', async () => {
  await contoso.putOffer('etag-vm', sampleOffer({ offerId: 'etag-vm', osVhdUrl: goodVhd }));
  const { page: p, problems } = await page();
  // A link to the editor, opened before signing in, leads there after signing in.
  await p.goto(portal('#/offers/etag-vm'));
  await p.getByLabel('Publisher id').fill('contoso');
  await p.getByLabel('API key').fill('contoso-key');
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.locator('#offer-form').waitFor();
  expect(await p.getByRole('heading', { level: 1 }).textContent()).toBe('Edit Contoso VM');
  await field(p, `${MP}summary`).fill('Changed in the portal.');

  // Meanwhile a script changes the offer.
  const current = await contoso.call('GET', '/offers/etag-vm');
  const doc = (await current.json()) as ReturnType<typeof sampleOffer>;
  doc.definition.offer['microsoft-azure-marketplace.summary'] = 'Changed by a script.';
  expect((await contoso.putOffer('etag-vm', { definition: doc.definition }, current.headers.get('etag')!)).status).toBe(
    200,
  );

  await p.getByRole('button', { name: 'Save draft' }).click();
  const summary = p.locator('#editor-summary');
  await summary.getByRole('heading', { name: 'Someone else changed this offer' }).waitFor();
  expect(await p.evaluate(() => document.activeElement?.id)).toBe('editor-summary');
  await screenshot(p, 'portal-10-save-conflict');
  await summary.getByRole('button', { name: 'Overwrite with my changes' }).click();
  await p.locator('#save-state', { hasText: 'Saved at' }).waitFor();
  const saved = (await (await contoso.call('GET', '/offers/etag-vm')).json()) as ReturnType<typeof sampleOffer>;
  expect(saved.definition.offer['microsoft-azure-marketplace.summary']).toBe('Changed in the portal.');

  // A port number the schema refuses: 400, shown at the port's row.
  await p.getByRole('button', { name: 'Add port' }).click();
  await p.getByLabel('Port number').last().fill('70000');
  await p.getByRole('button', { name: 'Save draft' }).click();
  await summary.getByRole('heading', { name: /could not be saved: 1 field to correct/ }).waitFor();
  const portRow = p.locator('tr[data-path="definition.plans[0].microsoft-azure-virtualmachines.openPorts[1]"]');
  await portRow.locator('.warning').waitFor();
  expect(await portRow.locator('.warning').textContent()).toMatch(/65535/);
  await p.getByLabel('Port number').last().fill('8443');
  await p.getByRole('button', { name: 'Save draft' }).click();
  await p.locator('#save-state', { hasText: 'Saved at' }).waitFor();
  expect(await summary.isHidden()).toBe(true);
  expect(problems.errors).toEqual([]);
});

test("one publisher never sees another publisher's offers", async () => {
  await contoso.putOffer('secret-vm', sampleOffer({ offerId: 'secret-vm' }));
  const { page: p, problems } = await page();

  // A key of another publisher does not sign in as this one.
  await p.goto(portal());
  await p.getByLabel('Publisher id').fill('contoso');
  await p.getByLabel('API key').fill('fabrikam-key');
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.getByRole('alert').filter({ hasText: 'does not belong to publisher "contoso"' }).waitFor();
  await p.getByLabel('API key').fill('wrong-key');
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.getByRole('alert').filter({ hasText: 'not valid or has been revoked' }).waitFor();

  await p.getByLabel('Publisher id').fill('fabrikam');
  await p.getByLabel('API key').fill('fabrikam-key');
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.getByRole('heading', { name: 'All offers' }).waitFor();
  await p.getByText('You have no offers yet.').waitFor();
  expect(await p.locator('#offers-table tbody tr').count()).toBe(0);
  expect(await p.content()).not.toContain('secret-vm');

  for (const hash of ['#/offers/secret-vm', '#/offers/secret-vm/status']) {
    await p.goto(portal(hash));
    await p.getByRole('heading', { name: 'Not found' }).waitFor();
  }
  await p.goto(portal('#/outbox'));
  await p.getByText('No e-mails yet').waitFor();
  await screenshot(p, 'portal-11-other-publisher');

  // Contoso, in another tab, does see it.
  const { page: q } = await page();
  await signIn(q, 'contoso', 'contoso-key');
  await q.locator('#offers-table tr[data-offer="secret-vm"]').waitFor();
  expect(problems.errors).toEqual([]);
});

test('keyboard only, labelled controls, and a narrow screen without sideways scrolling', async () => {
  const { page: p, problems } = await page({ width: 360, height: 780 });
  await p.goto(portal());
  // Sign in with the keyboard alone.
  await p.getByLabel('Publisher id').waitFor();
  expect(await p.evaluate(() => document.activeElement?.id)).toBe('signin-publisher');
  await p.keyboard.type('contoso');
  await p.keyboard.press('Tab');
  await p.keyboard.type('contoso-key');
  await p.keyboard.press('Enter');
  await p.getByRole('heading', { name: 'All offers' }).waitFor();

  const check = async (label: string) => {
    const report = await p.evaluate(() => {
      const unlabelled = [...document.querySelectorAll('input, select, textarea')]
        .filter(
          (el: any) => !el.labels?.length && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'),
        )
        .map((el: any) => el.outerHTML.slice(0, 120));
      const unnamedButtons = [...document.querySelectorAll('button, a[href]')]
        .filter((el: any) => !(el.textContent ?? '').trim() && !el.getAttribute('aria-label'))
        .map((el: any) => el.outerHTML.slice(0, 120));
      return { unlabelled, unnamedButtons, overflow: document.documentElement.scrollWidth - window.innerWidth };
    });
    expect({ label, ...report }).toEqual({ label, unlabelled: [], unnamedButtons: [], overflow: 0 });
  };
  await p.locator('#offers-table tbody tr').first().waitFor();
  await check('offers');
  await screenshot(p, 'portal-12-narrow-offers');

  await p.goto(portal('#/offers/portal-vm'));
  await p.locator('#offer-form').waitFor();
  await check('editor');
  await screenshot(p, 'portal-13-narrow-editor');
  await p.locator('fieldset.plan').first().scrollIntoViewIfNeeded();
  await screenshot(p, 'portal-13-narrow-editor-plan', { fullPage: false });

  await p.goto(portal('#/offers/portal-vm/status'));
  await p.locator('#timeline li').first().waitFor();
  await check('status');
  await screenshot(p, 'portal-14-narrow-status');

  // Focus is visible: a focused control draws an outline.
  await p.getByRole('link', { name: 'Edit offer' }).focus();
  await p.keyboard.press('Shift+Tab');
  await p.keyboard.press('Tab');
  const outline = await p.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  expect(outline).not.toBe('none');
  expect(problems.errors).toEqual([]);
});

test('the portal is served with a strict CSP, correct types, and nothing outside its folder', async () => {
  const raw = (path: string) =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
      // Raw paths: fetch would normalise "..", which is exactly what must be tried here.
      const req = http.request({ host: '127.0.0.1', port: stack.host.port, path, method: 'GET' }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers }));
      });
      req.on('error', reject);
      req.end();
    });
  const index = await raw('/');
  expect(index.status).toBe(200);
  expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
  expect(index.headers['content-security-policy']).toContain("script-src 'self'");
  expect(index.headers['content-security-policy']).not.toMatch(/unsafe-inline|unsafe-eval/);
  expect(index.headers['x-content-type-options']).toBe('nosniff');
  expect((await raw('/index.html')).status).toBe(200);
  expect((await raw('/js/portal.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
  expect((await raw('/css/portal.css')).headers['content-type']).toBe('text/css; charset=utf-8');
  expect((await raw('/ops.html')).status).toBe(200);
  for (const path of [
    '/../host.json',
    '/js/../../host.json',
    '/..%2fhost.json',
    '/%2e%2e%2fhost.json',
    '/js/..%2F..%2Fpackage.json',
    '/.gitignore',
    '/nope.html',
    '/js',
    '/index.html%00.js',
    '/..\\host.json',
    '/packages/devhost/src/host.ts',
  ]) {
    expect({ path, status: (await raw(path)).status }).toEqual({ path, status: 404 });
  }
  // The portal owns "/" but never the API's or the host's own paths.
  const unknownApi = await fetch(stack.url('/api/no-such-route'));
  expect(unknownApi.status).toBe(404);
  expect(unknownApi.headers.get('content-type')).toMatch(/application\/json/);
  expect(await unknownApi.text()).not.toContain('No such page');
  expect((await fetch(stack.url('/api/openapi.json'))).headers.get('content-type')).toMatch(/application\/json/);
  const etag = index.headers.etag!;
  const cached = await fetch(stack.url('/'), { headers: { 'if-none-match': etag } });
  expect(cached.status).toBe(304);
});
