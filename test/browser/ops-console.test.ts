// The ops console in a real Chromium: only the ops key opens it; it lists orchestration instances
// with filters and shows one's history as a timeline; raise event, terminate and purge; the open
// support requests; and a read-only deployment that refuses every change.
import { Browser, Page } from 'playwright-core';
import { sampleOffer } from '../../domain/offer/sample-offer';
import { launchChromium, openPage, PageProblems, screenshot } from '../support/browser';
import { status as engineStatus } from '../support/durable-http';
import { Partner } from '../support/partner-api';
import { startStack, Stack, waitUntil } from '../support/stack';
import { asDynamic, uploadVhd } from '../support/vhd-images';

jest.setTimeout(120_000);

const OPS_KEY = 'ops-admin-key-0123456789';
let stack: Stack;
let browser: Browser;
let contoso: Partner;
let goodVhd: string;
const open: { close(): Promise<void> }[] = [];

const env = {
  DEV_PUBLISHERS: 'contoso:contoso-key,fabrikam:fabrikam-key',
  OPS_ADMIN_KEY: OPS_KEY,
  PUBLISH_RETRY_FIRST_MS: '100',
  PUBLISH_RETRY_ATTEMPTS: '2',
  PROVISION_REGIONS: 'eastus,westeurope',
  SUPPORT_EMAIL: 'support@offer-go-live.example.com',
};

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack('.', env), launchChromium()]);
  contoso = new Partner(stack, 'contoso', 'contoso-key');
  goodVhd = await uploadVhd(stack.connectionString, 'vhds', 'ops-good.vhd');
  const dynamicVhd = await uploadVhd(stack.connectionString, 'vhds', 'ops-dynamic.vhd', { patch: asDynamic });
  for (const [offerId, vhd] of [
    ['ops-vm', goodVhd],
    ['ops-event-vm', goodVhd],
    ['ops-broken-vm', dynamicVhd],
  ] as const) {
    expect(
      (
        await contoso.putOffer(
          offerId,
          sampleOffer({ offerId, osVhdUrl: vhd, leadConnectionString: stack.connectionString }),
        )
      ).status,
    ).toBe(201);
    expect((await contoso.publish(offerId)).status).toBe(202);
  }
  await contoso.waitForStatus('ops-vm', ['waitingForPublisherReview']);
  await contoso.waitForStatus('ops-event-vm', ['waitingForPublisherReview']);
  await contoso.waitForStatus('ops-broken-vm', ['failed']);
  expect(
    (await contoso.call('POST', '/offers/ops-broken-vm/support-requests', { description: 'Why is my image dynamic?' }))
      .status,
  ).toBe(201);
}, 180_000);

afterAll(async () => {
  for (const c of open) await c.close().catch(() => undefined);
  await browser?.close();
  await stack?.stop();
});

const consoleUrl = (s: Stack, hash = '') => s.url(`/ops.html${hash}`);

async function page(): Promise<{ page: Page; problems: PageProblems }> {
  const { context, page, problems } = await openPage(browser);
  open.push(context);
  return { page, problems };
}

async function signIn(p: Page, s: Stack, key: string): Promise<void> {
  await p.goto(consoleUrl(s));
  await p.getByLabel('Ops admin key').fill(key);
  await p.getByRole('button', { name: 'Sign in' }).click();
}

test('a publisher key cannot open the ops console (page and API)', async () => {
  const { page: p, problems } = await page();
  await signIn(p, stack, 'contoso-key');
  await p.getByRole('alert').filter({ hasText: 'Publisher API keys cannot open the ops console' }).waitFor();
  expect(await p.getByRole('heading', { name: 'Orchestrations' }).count()).toBe(0);
  await screenshot(p, 'ops-01-publisher-key-refused');

  for (const path of [
    '/api/ops/whoami',
    '/api/ops/instances',
    '/api/ops/support-requests',
    `/api/ops/instances/${encodeURIComponent('publish:contoso:ops-vm:v1')}`,
  ]) {
    for (const auth of [
      {} as Record<string, string>,
      { authorization: 'Bearer contoso-key' },
      { authorization: 'Bearer fabrikam-key' },
      { authorization: `Bearer ${OPS_KEY}x` },
    ]) {
      const res = await fetch(stack.url(path), { headers: auth });
      expect({ path, auth, status: res.status }).toEqual({ path, auth, status: 401 });
    }
  }
  const terminate = await fetch(
    stack.url(`/api/ops/instances/${encodeURIComponent('publish:contoso:ops-vm:v1')}/terminate`),
    { method: 'POST', headers: { authorization: 'Bearer contoso-key' } },
  );
  expect(terminate.status).toBe(401);
  expect((await contoso.status('ops-vm')).status).toBe('waitingForPublisherReview');
  expect(problems.errors).toEqual([]);
});

test("lists the instances with filters and paging, and shows an instance's history as a timeline", async () => {
  const { page: p, problems } = await page();
  await signIn(p, stack, OPS_KEY);
  await p.getByRole('heading', { name: 'Orchestrations' }).waitFor();
  await p.locator('#instances-table tbody tr').first().waitFor();
  // Three publishes, each with a provisioning sub-orchestration and one per region.
  await expect(p.locator('#instances-summary').textContent()).resolves.toMatch(/^\d+ instances match/);

  // Filter: the publish orchestrator, for one offer.
  await p.getByLabel('Orchestrator name').fill('publishOffer');
  await p.getByLabel('Offer or instance id contains').fill('ops-vm');
  await p.getByRole('button', { name: 'Apply filters' }).click();
  await p.locator('#instances-summary', { hasText: '1 instance matches' }).waitFor();
  const row = p.locator('#instances-table tr[data-instance="publish:contoso:ops-vm:v1"]');
  await expect(row.locator('.badge').textContent()).resolves.toBe('Running');
  expect(p.url()).toContain('name=publishOffer');
  await screenshot(p, 'ops-02-instances-filtered');

  // Runtime status filter and paging.
  await p.getByLabel('Orchestrator name').fill('');
  await p.getByLabel('Offer or instance id contains').fill('');
  await p.getByRole('checkbox', { name: 'Completed' }).check();
  await p.getByLabel('Per page').selectOption('10');
  await p.getByLabel('Sort by').selectOption('instanceId');
  await p.getByLabel('Order').selectOption('asc');
  await p.getByRole('button', { name: 'Apply filters' }).click();
  // The previous filter's rows stay on screen until the new ones arrive: wait for this load.
  await p.waitForURL(/runtimeStatus=Completed/);
  await p.locator('#instances-table[aria-busy="false"]').waitFor({ state: 'attached' });
  await p.locator('#page-info', { hasText: 'Page 1 of' }).waitFor();
  const ids = await p
    .locator('#instances-table tbody tr')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-instance')!));
  expect(ids.length).toBeGreaterThan(0);
  expect(ids.every((id) => !id.endsWith(':v1') || id.includes('ops-broken-vm'))).toBe(true); // running publishes are not Completed
  expect(ids).toEqual([...ids].sort());
  const api = (await (
    await fetch(stack.url('/api/ops/instances?runtimeStatus=Completed&pageSize=2&page=2&sort=instanceId&order=asc'), {
      headers: { authorization: `Bearer ${OPS_KEY}` },
    })
  ).json()) as { items: { instanceId: string; runtimeStatus: string }[]; total: number; pageCount: number };
  expect(api.items.every((i) => i.runtimeStatus === 'Completed')).toBe(true);
  expect(api.pageCount).toBe(Math.ceil(api.total / 2));
  const bad = await fetch(stack.url('/api/ops/instances?runtimeStatus=Sleeping'), {
    headers: { authorization: `Bearer ${OPS_KEY}` },
  });
  expect(bad.status).toBe(400);
  const future = (await (
    await fetch(stack.url(`/api/ops/instances?createdTimeFrom=${new Date(Date.now() + 3_600_000).toISOString()}`), {
      headers: { authorization: `Bearer ${OPS_KEY}` },
    })
  ).json()) as { total: number };
  expect(future.total).toBe(0);

  // One instance: summary, timeline of activities with durations, input, full history.
  await p.goto(consoleUrl(stack, `#/instances/${encodeURIComponent('publish:contoso:ops-vm:v1')}`));
  await p.locator('#gantt').waitFor();
  await expect(p.locator('#runtime-status').textContent()).resolves.toBe('Running');
  const bars = await p.locator('#gantt li').evaluateAll((lis) =>
    lis.map((li) => ({
      kind: li.getAttribute('data-kind'),
      name: li.getAttribute('data-name'),
      ms: Number(li.getAttribute('data-duration-ms')),
    })),
  );
  const names = bars.map((b) => b.name);
  for (const activity of [
    'sendPublishEmail',
    'recordStep',
    'validatePrerequisites',
    'certifyImage',
    'packageListing',
    'registerTestLead',
    'openPreview',
  ])
    expect(names).toContain(activity);
  expect(bars.find((b) => b.name === 'provisionImage')?.kind).toBe('sub');
  expect(bars.every((b) => Number.isFinite(b.ms) && b.ms >= 0)).toBe(true);
  await expect(p.locator('#gantt li[data-name="certifyImage"] .dur').textContent()).resolves.toMatch(
    /\d+(\.\d+)? (ms|s)/,
  );
  await expect(p.locator('#instance-input').textContent()).resolves.toContain('"offerId": "ops-vm"');
  const events = await p
    .locator('#history-table tbody tr')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-event')));
  expect(events[0]).toBe('ExecutionStarted');
  expect(events).toContain('TaskCompleted');
  expect(events).toContain('SubOrchestrationInstanceCompleted');
  await screenshot(p, 'ops-03-instance-history');

  // The sub-orchestration opens from its bar.
  await p.locator('#gantt li[data-name="provisionImage"] a').click();
  await p.locator('h1', { hasText: 'publish:contoso:ops-vm:v1:displayprovision' }).waitFor();
  await p.locator('#gantt li[data-name="provisionRegion"]').first().waitFor();
  expect(problems.errors).toEqual([]);
});

test('raise an event, terminate (the offer can be published again), purge', async () => {
  const { page: p, problems } = await page();
  await signIn(p, stack, OPS_KEY);
  await p.getByRole('heading', { name: 'Orchestrations' }).waitFor();

  // An event the orchestration does not wait for is recorded in its history.
  await p.goto(consoleUrl(stack, `#/instances/${encodeURIComponent('publish:contoso:ops-event-vm:v1')}`));
  await p.getByLabel('Event name').fill('OpsPing');
  await p.getByLabel('Event data (JSON, optional)').fill('{"note": "from the console"');
  await p.getByRole('button', { name: 'Raise event' }).click();
  await p.locator('#instance-error', { hasText: 'not valid JSON' }).waitFor();
  await p.getByLabel('Event data (JSON, optional)').fill('{"note": "from the console"}');
  await p.getByRole('button', { name: 'Raise event' }).click();
  await p.locator('#instance-notice', { hasText: 'Event OpsPing raised.' }).waitFor();
  await p.locator('#gantt li[data-name="Event: OpsPing"]').waitFor({ timeout: 15_000 });
  expect((await contoso.status('ops-event-vm')).status).toBe('waitingForPublisherReview');

  // Terminate the one waiting at sign-off: confirm, then the instance and the offer's status follow.
  const id = 'publish:contoso:ops-vm:v1';
  await p.goto(consoleUrl(stack, `#/instances/${encodeURIComponent(id)}`));
  expect(await p.getByRole('button', { name: 'Purge' }).isDisabled()).toBe(true);
  await p.getByLabel('Reason').fill('Stuck in review for a week.');
  await p.getByRole('button', { name: 'Terminate' }).click();
  await p
    .getByRole('alertdialog', { name: 'Terminate this instance?' })
    .getByRole('button', { name: 'Terminate' })
    .click();
  await p.locator('#runtime-status .badge[data-status="Terminated"]').waitFor({ timeout: 15_000 });
  const partnerView = await contoso.status('ops-vm');
  expect(partnerView.status).toBe('failed');
  const stopped = partnerView.steps.find((s) => s.status === 'rejected')!;
  expect(stopped.id).toBe('publisher-signoff');
  expect(stopped.messages.map((m) => m.messageHtml).join(' ')).toContain(
    'stopped by the operations team: Stuck in review for a week.',
  );
  await screenshot(p, 'ops-04-terminated');

  // Purge: gone from the engine and from the list.
  await p.getByRole('button', { name: 'Purge' }).click();
  await p.getByRole('alertdialog', { name: 'Purge this instance?' }).getByRole('button', { name: 'Purge' }).click();
  await p.getByRole('heading', { name: 'Orchestrations' }).waitFor();
  expect(await engineStatus(stack, id)).toBeUndefined();
  // (Its sub-orchestrations are instances of their own, purged on their own.)
  await p.getByLabel('Orchestrator name').fill('publishOffer');
  await p.getByLabel('Offer or instance id contains').fill('ops-vm:v1');
  await p.getByRole('button', { name: 'Apply filters' }).click();
  await p.locator('#instances-summary', { hasText: 'No orchestration instances match' }).waitFor();

  // The partner can publish again (version 2).
  expect((await contoso.publish('ops-vm')).status).toBe(202);
  expect((await contoso.status('ops-vm')).publishingVersion).toBe(2);
  expect(problems.errors).toEqual([]);
});

test('the open support requests, and resolving one', async () => {
  const { page: p, problems } = await page();
  await signIn(p, stack, OPS_KEY);
  await p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Support requests' }).click();
  const row = p.locator('#support-table tbody tr').first();
  await row.waitFor();
  const text = (await row.textContent())!;
  expect(text).toMatch(/SR-\d{8}-[A-Z0-9]{6}/);
  expect(text).toContain('ops-broken-vm');
  expect(text).toContain('Certification');
  expect(text).toContain('Why is my image dynamic?');
  expect(text).not.toContain('Not e-mailed');
  await screenshot(p, 'ops-05-support-requests');
  await row.getByRole('button', { name: /Resolve SR-/ }).click();
  await p.locator('#support-summary', { hasText: 'No open support requests.' }).waitFor();
  await p.getByLabel('Show').selectOption('resolved');
  await p.locator('#support-table tbody tr').first().waitFor();
  expect(problems.errors).toEqual([]);
});

test('OPS_READ_ONLY=true: the console shows everything and changes nothing', async () => {
  const ro = await startStack('.', { ...env, OPS_READ_ONLY: 'true' });
  try {
    const partner = new Partner(ro, 'contoso', 'contoso-key');
    const vhd = await uploadVhd(ro.connectionString, 'vhds', 'ro.vhd');
    await partner.putOffer(
      'ro-vm',
      sampleOffer({ offerId: 'ro-vm', osVhdUrl: vhd, leadConnectionString: ro.connectionString }),
    );
    await partner.publish('ro-vm');
    await partner.waitForStatus('ro-vm', ['waitingForPublisherReview']);
    const id = encodeURIComponent('publish:contoso:ro-vm:v1');
    const auth = { authorization: `Bearer ${OPS_KEY}` };
    expect((await fetch(ro.url(`/api/ops/instances/${id}`), { headers: auth })).status).toBe(200);
    for (const [method, path] of [
      ['POST', `/api/ops/instances/${id}/terminate`],
      ['POST', `/api/ops/instances/${id}/events/GoLive`],
      ['DELETE', `/api/ops/instances/${id}`],
      ['POST', '/api/ops/support-requests/contoso/SR-20260101-AAAAAA/resolve'],
    ]) {
      const res = await fetch(ro.url(path), { method, headers: auth });
      expect({
        path,
        status: res.status,
        code: ((await res.json()) as { error: { code: string } }).error.code,
      }).toEqual({ path, status: 403, code: 'ReadOnly' });
    }
    expect((await waitUntil(async () => engineStatus(ro, 'publish:contoso:ro-vm:v1'))).runtimeStatus).toBe('Running');

    const { page: p, problems } = await page();
    await signIn(p, ro, OPS_KEY);
    await p.getByText('Ops (read-only)').waitFor();
    await p.goto(consoleUrl(ro, `#/instances/${id}`));
    await p.locator('#readonly-note').waitFor();
    for (const name of ['Raise event', 'Terminate', 'Purge'])
      expect(await p.getByRole('button', { name }).isDisabled()).toBe(true);
    await screenshot(p, 'ops-06-read-only');
    expect(problems.errors).toEqual([]);
  } finally {
    await ro.stop();
  }
});
