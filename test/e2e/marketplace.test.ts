// The marketplace side end to end on the devhost: test leads at Packaging (HTTPS endpoint, Azure
// Table, Salesforce, a refusing CRM), the preview audience, the live listing, its product page and
// search, and customer leads that survive a CRM outage.
import { TableClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueClient } from '@azure/storage-queue';
import { OfferDraft } from '../../domain/offer/document';
import { SAMPLE_SUBSCRIPTION_IDS, sampleOffer } from '../../domain/offer/sample-offer';
import { startLeadReceiver, LeadReceiver } from '../support/lead-receiver';
import { Partner } from '../support/partner-api';
import { startStack, Stack, waitUntil } from '../support/stack';
import { uploadVhd } from '../support/vhd-images';

const M = 'microsoft-azure-marketplace.';
const SF_PATH = '/salesforce/servlet/servlet.WebToLead';
const SF_OID = '00D5g000004XyZ1';
const REFUSAL = 'Lead rejected: campaign CONTOSO-42 is closed';
const OUTSIDER = '00000000-0000-4000-8000-000000000001';
const MALICIOUS_DESCRIPTION = [
  '<p>Quokkaflux turns logs into insight.</p>',
  "<script>alert('xss-script')</script>",
  '<img src="https://contoso.example.com/a.png" onerror="alert(\'xss-onerror\')">',
  '<a href="javascript:alert(\'xss-link\')">docs</a>',
  '<p onclick="alert(\'xss-click\')">Fast to deploy.</p>',
].join('');

let stack: Stack;
let receiver: LeadReceiver;
let contoso: Partner;
let vhd: string;

beforeAll(async () => {
  receiver = await startLeadReceiver();
  stack = await startStack('.', {
    ...receiver.appEnv,
    SALESFORCE_WEB_TO_LEAD_URL: receiver.url(`${SF_PATH}?encoding=UTF-8`),
    DEV_PUBLISHERS: 'contoso:contoso-key,fabrikam:fabrikam-key',
    PUBLISH_RETRY_FIRST_MS: '100',
    PUBLISH_RETRY_ATTEMPTS: '2',
    PROVISION_REGIONS: 'eastus',
    LEAD_REDELIVERY_DELAY_SECONDS: '1',
  });
  contoso = new Partner(stack, 'contoso', 'contoso-key');
  vhd = await uploadVhd(stack.connectionString, 'vhds', 'market-30g.vhd');
});
afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
});

function offer(offerId: string, offerFields: Record<string, unknown>): OfferDraft {
  const doc = sampleOffer({ offerId, osVhdUrl: vhd, leadConnectionString: stack.connectionString });
  Object.assign(doc.definition.offer, offerFields);
  return doc;
}

const https = (path: string) => ({
  [M + 'leadDestination']: 'HttpsEndpoint',
  [M + 'httpsEndpointLeadConfiguration']: { httpsEndpointUrl: receiver.url(path) },
});

const market = (path: string, init?: RequestInit) => fetch(stack.url(`/api/marketplace${path}`), init);
const bodyOf = async (res: Response) => ({ status: res.status, body: await res.text() });

async function publishToSignoff(offerId: string, doc: OfferDraft): Promise<void> {
  expect((await contoso.putOffer(offerId, doc)).status).toBe(201);
  expect((await contoso.publish(offerId)).status).toBe(202);
}

test('Packaging sends the test lead to each destination; a refusing CRM fails the step with its answer', async () => {
  receiver.refuse('/crm/refusing', { status: 400, body: REFUSAL });
  await Promise.all([
    publishToSignoff(
      'market-vm',
      offer('market-vm', {
        ...https('/crm/leads'),
        [M + 'title']: 'Quokkaflux Analytics <VM> & "Co"',
        [M + 'description']: MALICIOUS_DESCRIPTION,
        [M + 'categories']: ['analytics'],
      }),
    ),
    publishToSignoff('table-vm', offer('table-vm', {})),
    publishToSignoff(
      'salesforce-vm',
      offer('salesforce-vm', {
        [M + 'leadDestination']: 'Salesforce',
        [M + 'salesForceLeadConfiguration']: { objectIdentifier: SF_OID },
      }),
    ),
    publishToSignoff('refused-vm', offer('refused-vm', https('/crm/refusing'))),
  ]);
  for (const id of ['market-vm', 'table-vm', 'salesforce-vm'])
    expect((await contoso.waitForStatus(id, ['waitingForPublisherReview', 'failed'])).status).toBe(
      'waitingForPublisherReview',
    );

  // HTTPS endpoint: the lead as JSON, fake values recognisable.
  const [json] = receiver.received('/crm/leads');
  expect(json.contentType).toBe('application/json');
  expect(json.headers['x-ms-lead-id']).toBe('test-v1');
  expect(json.json).toMatchObject({
    LeadSource: 'AzureMarketplace-INS|contoso.market-vm',
    ActionCode: 'INS',
    UserDetails: {
      FirstName: expect.stringMatching(/^MSFT_TEST_\d+$/),
      Email: expect.stringMatching(/^MSFT_TEST_\d+@test\.com$/),
      Phone: '1234567890',
    },
  });
  // Azure Table: the record in the partner's table.
  const table = TableClient.fromConnectionString(stack.connectionString, 'MarketplaceLeads', {
    allowInsecureConnection: true,
  });
  expect((await table.getEntity<Record<string, string>>('contoso.table-vm', 'test-v1')).LeadSource).toBe(
    'AzureMarketplace-INS|contoso.table-vm',
  );
  // Salesforce Web-to-Lead: a form post carrying the organisation id.
  const [form] = receiver.received(SF_PATH);
  expect(form.form).toMatchObject({
    oid: SF_OID,
    first_name: expect.stringMatching(/^MSFT_TEST_/),
    last_name: expect.stringMatching(/^MSFT_TEST_/),
    lead_source: 'AzureMarketplace-INS|contoso.salesforce-vm',
  });

  const refused = await contoso.waitForStatus('refused-vm', ['failed']);
  const pkg = refused.steps.find((s) => s.id === 'displaypackage')!;
  expect(pkg.status).toBe('rejected');
  expect(
    pkg.messages.some(
      (m) => m.level === 'error' && m.messageHtml.includes('HTTP 400') && m.messageHtml.includes(REFUSAL),
    ),
  ).toBe(true);
  expect(receiver.attempts('/crm/refusing')).toBe(1); // a 4xx is not retried
});

test('before Go Live: no live listing; the preview only for its audience, and a 404 that reveals nothing', async () => {
  const missing = await bodyOf(await market('/offers/contoso.no-such-vm'));
  expect(missing.status).toBe(404);
  for (const res of [
    await market('/offers/contoso.market-vm'),
    await market('/offers/contoso.market-vm?preview=true'),
    await market('/offers/contoso.market-vm?preview=true', { headers: { 'x-ms-subscription-id': OUTSIDER } }),
    await market(`/offers/contoso.market-vm/page?preview=true&subscriptionId=${OUTSIDER}`),
    await market('/offers/contoso.market-vm/page'),
  ]) {
    expect(await bodyOf(res)).toEqual(missing);
  }
  const inside = await market('/offers/contoso.market-vm?preview=true', {
    headers: { 'x-ms-subscription-id': SAMPLE_SUBSCRIPTION_IDS[0].toUpperCase() },
  });
  expect(inside.status).toBe(200);
  expect(inside.headers.get('cache-control')).toContain('no-store');
  const listing = (await inside.json()) as Record<string, unknown>;
  expect(listing).toMatchObject({ offerId: 'market-vm', title: 'Quokkaflux Analytics <VM> & "Co"' });
  expect(listing).not.toHaveProperty('previewAudience');
  expect(
    (await market(`/offers/contoso.market-vm/page?preview=true&subscriptionId=${SAMPLE_SUBSCRIPTION_IDS[1]}`)).status,
  ).toBe(200);
  expect((await (await market('/search?q=quokkaflux')).json()) as { count: number }).toMatchObject({ count: 0 });

  // The plan's deployment template, under the same rule, points at the image provisioning replicated.
  const plans = listing.plans as { planId: string; deploymentTemplateUrl?: string }[];
  expect(plans[0].deploymentTemplateUrl).toBe('/api/marketplace/offers/contoso.market-vm/plans/standard/template');
  expect(listing).not.toHaveProperty('deploymentTemplates');
  const templatePath = '/offers/contoso.market-vm/plans/standard/template';
  for (const res of [
    await market(templatePath),
    await market(`${templatePath}?preview=true&subscriptionId=${OUTSIDER}`),
  ])
    expect(await bodyOf(res)).toEqual(missing);
  const tpl = await market(`${templatePath}?preview=true&subscriptionId=${SAMPLE_SUBSCRIPTION_IDS[0]}`);
  expect(tpl.status).toBe(200);
  const template = (await tpl.json()) as {
    parameters: Record<string, { allowedValues?: string[] }>;
    variables: { replicatedImages: Record<string, { osVhdUri: string }> };
    resources: { type: string }[];
  };
  expect(template.parameters.location.allowedValues).toEqual(['eastus']);
  expect(template.resources.map((r) => r.type)).toEqual([
    'Microsoft.Compute/images',
    'Microsoft.Network/virtualNetworks',
    'Microsoft.Network/networkInterfaces',
    'Microsoft.Compute/virtualMachines',
  ]);
  const replica = new URL(template.variables.replicatedImages.eastus.osVhdUri);
  expect(replica.search).toBe(''); // no SAS in a published template
  expect(replica.pathname).toBe('/devstoreaccount1/region-eastus/contoso/market-vm/v1/standard/1.0.0/os.vhd');
  const blob = BlobServiceClient.fromConnectionString(stack.connectionString)
    .getContainerClient('region-eastus')
    .getBlobClient('contoso/market-vm/v1/standard/1.0.0/os.vhd');
  expect((await blob.getProperties()).metadata?.complete).toBe('true');
  expect(
    (
      await market(
        `/offers/contoso.market-vm/plans/nope/template?preview=true&subscriptionId=${SAMPLE_SUBSCRIPTION_IDS[0]}`,
      )
    ).status,
  ).toBe(404);
});

test('after Go Live: listing and product page for everyone, scripts gone, strict CSP; search by text, category and OS', async () => {
  expect((await contoso.call('POST', '/offers/market-vm/golive')).status).toBe(202);
  await contoso.waitForStatus('market-vm', ['succeeded']);
  expect((await market('/offers/contoso.market-vm')).status).toBe(200);
  // Go Live promoted the deployment template with the listing: now anyone may fetch it.
  const template = await market('/offers/contoso.market-vm/plans/standard/template');
  expect(template.status).toBe(200);
  expect(((await template.json()) as { metadata: Record<string, unknown> }).metadata).toEqual({
    offer: 'contoso.market-vm',
    plan: 'standard',
    imageVersion: '1.0.0',
    publishingVersion: 1,
  });

  const page = await market('/offers/contoso.market-vm/page');
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toContain('text/html');
  const csp = page.headers.get('content-security-policy')!;
  expect(csp).toContain("default-src 'none'");
  expect(csp).not.toContain('unsafe-inline');
  const html = await page.text();
  expect(html).toContain('Quokkaflux turns logs into insight.');
  expect(html).toContain('<h1>Quokkaflux Analytics &lt;VM&gt; &amp; &quot;Co&quot;</h1>');
  expect(html).toContain('Fast to deploy.');
  expect(html).toContain('standard_d2s_v5');
  expect(html).toContain('mailto:support@contoso.example.com');
  for (const bad of ['<script', 'alert(', 'onerror', 'onclick', 'javascript:']) expect(html).not.toContain(bad);

  const ids = async (query: string) =>
    ((await (await market(`/search?${query}`)).json()) as { items: { id: string }[] }).items.map((i) => i.id);
  expect(await ids('q=QUOKKAFLUX insight')).toEqual(['contoso.market-vm']);
  expect(await ids('category=Analytics')).toEqual(['contoso.market-vm']);
  expect(await ids('q=quokkaflux&os=linux')).toEqual(['contoso.market-vm']);
  expect(await ids('q=quokkaflux&os=Windows')).toEqual([]);
  expect(await ids('q=xss-script')).toEqual([]); // removed markup is not searchable either
  expect(await ids('os=linux')).toEqual(['contoso.market-vm']); // offers still in preview are not listed
  expect((await market('/search?os=beos')).status).toBe(400);
});

test('a customer lead posted while the CRM is down is delivered once it is back: pending, then delivered, never poisoned', async () => {
  const before = receiver.received('/crm/leads').length;
  const attemptsBefore = receiver.attempts('/crm/leads');
  receiver.refuse('/crm/leads', { status: 503, body: 'down for maintenance' });
  const post = await market('/offers/contoso.market-vm/leads', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      action: 'contact-me',
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@fabrikam.example.com',
      company: 'Fabrikam',
    }),
  });
  expect(post.status).toBe(202);
  const { leadId } = (await post.json()) as { leadId: string };

  // Past the dequeue budget (re-enqueued with a delay), still pending with the CRM's answer.
  await waitUntil(
    async () => (receiver.attempts('/crm/leads') >= attemptsBefore + 4 ? true : undefined),
    30_000,
    'four failed deliveries',
  );
  const pending = (await (await contoso.call('GET', '/leads?state=pending')).json()) as {
    leadId: string;
    attempts: number;
    lastError: string;
  }[];
  const mine = pending.find((l) => l.leadId === leadId)!;
  expect(mine.attempts).toBeGreaterThanOrEqual(1);
  expect(mine.lastError).toContain('HTTP 503');

  receiver.accept('/crm/leads');
  const delivered = await waitUntil(
    async () => {
      const list = (await (await contoso.call('GET', '/leads?state=delivered')).json()) as {
        leadId: string;
        lead: { UserDetails: { Email: string } };
      }[];
      return list.find((l) => l.leadId === leadId);
    },
    30_000,
    'the lead to be delivered',
  );
  expect(delivered.lead.UserDetails.Email).toBe('ada@fabrikam.example.com');
  const got = receiver.received('/crm/leads').slice(before);
  expect(got).toHaveLength(1);
  expect(got[0].json).toMatchObject({
    LeadSource: 'AzureMarketplace-PLT|contoso.market-vm',
    ActionCode: 'PLT',
    UserDetails: { FirstName: 'Ada', Company: 'Fabrikam' },
  });
  const poison = new QueueClient(stack.connectionString, 'lead-deliveries-poison');
  expect(await poison.exists()).toBe(false);
  // The dequeue budget ran low and a delayed fresh message took over (rather than the poison queue).
  expect(stack.host.output).toMatch(/delivery failed 3 times \(.*HTTP 503.*\); retrying in 1 s/);

  // A deploy is reported with the portal's action code.
  const deploy = await market('/offers/contoso.market-vm/leads', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      action: 'deploy',
      firstName: 'Grace',
      lastName: 'Hopper',
      email: 'grace@fabrikam.example.com',
    }),
  });
  expect(deploy.status).toBe(202);
  const deployed = await waitUntil(async () =>
    receiver
      .received('/crm/leads')
      .find((p) => (p.json as { UserDetails: { FirstName: string } }).UserDetails.FirstName === 'Grace'),
  );
  expect(deployed.json).toMatchObject({ LeadSource: 'AzurePortal-Create|contoso.market-vm', ActionCode: 'Create' });
});

test('customer leads: bad input names the field, only live offers take leads, only the owner lists them', async () => {
  const send = (offerRef: string, body: unknown) =>
    market(`/offers/${offerRef}/leads`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const ok = { action: 'contact-me', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@fabrikam.example.com' };
  const badEmail = await send('contoso.market-vm', { ...ok, email: 'not-an-address' });
  expect(badEmail.status).toBe(400);
  expect(((await badEmail.json()) as { error: { message: string } }).error.message).toMatch(/^email:/);
  const unknown = await send('contoso.market-vm', { ...ok, favouriteColour: 'red' });
  expect(((await unknown.json()) as { error: { message: string } }).error.message).toContain('favouriteColour');
  expect((await send('contoso.market-vm', { ...ok, action: 'buy-now' })).status).toBe(400);
  expect((await send('contoso.salesforce-vm', ok)).status).toBe(404); // in preview, not live

  expect((await fetch(contoso.url('/leads'))).status).toBe(401);
  expect((await new Partner(stack, 'contoso', 'fabrikam-key').call('GET', '/leads')).status).toBe(404);
  expect((await contoso.call('GET', '/leads?state=lost')).status).toBe(400);
});
