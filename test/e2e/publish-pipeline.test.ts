// The mission end to end over HTTP on the devhost: a partner takes an offer from PUT to Live,
// with the failures, refusals and e-mails the process promises.
import { TableClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { sampleOffer } from '../../domain/offer/sample-offer';
import { ACTIVITY, ORCHESTRATOR } from '../../domain/publishing/stages';
import { status as engineStatus } from '../support/durable-http';
import { Partner } from '../support/partner-api';
import { startSlowImageServer } from '../support/slow-image-server';
import { startStack, Stack, waitUntil } from '../support/stack';
import { asDynamic, uploadVhd } from '../support/vhd-images';

let stack: Stack;
let contoso: Partner;
let fabrikam: Partner;
let goodVhd: string;
let slow: Awaited<ReturnType<typeof startSlowImageServer>>;

beforeAll(async () => {
  slow = await startSlowImageServer(1500);
  stack = await startStack('.', {
    OUTBOUND_ALLOWED_HOSTS: slow.host,
    APP_SERVICE_AUTH_PUBLISHERS: 'alice@contoso.example.com:contoso',
    DEV_PUBLISHERS: 'contoso:contoso-key,fabrikam:fabrikam-key',
    PUBLISH_RETRY_FIRST_MS: '100',
    PUBLISH_RETRY_ATTEMPTS: '2',
    PROVISION_REGIONS: 'eastus,westeurope,southeastasia',
  });
  contoso = new Partner(stack, 'contoso', 'contoso-key');
  fabrikam = new Partner(stack, 'fabrikam', 'fabrikam-key');
  goodVhd = await uploadVhd(stack.connectionString, 'vhds', 'good-30g.vhd');
});
afterAll(async () => {
  await stack?.stop();
  await slow?.close();
});

function offer(offerId: string, osVhdUrl = goodVhd) {
  return sampleOffer({ offerId, osVhdUrl, leadConnectionString: stack.connectionString });
}

async function putOffer(p: Partner, offerId: string, doc: unknown): Promise<string> {
  const res = await p.putOffer(offerId, doc);
  expect(res.status).toBe(201);
  return res.headers.get('etag')!;
}

test('package.json main registers every orchestrator and activity the pipeline calls', async () => {
  const registered = (
    (await (await fetch(stack.url('/admin/functions'))).json()) as { name: string; trigger: string }[]
  ).map((f) => `${f.trigger}:${f.name}`);
  for (const name of Object.values(ORCHESTRATOR)) expect(registered).toContain(`orchestrationTrigger:${name}`);
  for (const name of Object.values(ACTIVITY)) expect(registered).toContain(`activityTrigger:${name}`);
});

test('happy path: PUT → Publish → every step → preview → Go Live → live, with e-mails and a test lead', async () => {
  await putOffer(contoso, 'happy-vm', offer('happy-vm'));
  const res = await contoso.publish('happy-vm', 'ops@contoso.example.com, lead@contoso.example.com');
  expect(res.status).toBe(202);
  const accepted = (await res.json()) as { operationId: string; publishingVersion: number };
  expect(accepted.publishingVersion).toBe(1);
  expect(res.headers.get('location')).toContain(
    `/api/publishers/contoso/offers/happy-vm/operations/${accepted.operationId}`,
  );

  const atSignoff = await contoso.waitForStatus('happy-vm', ['waitingForPublisherReview', 'failed']);
  expect(atSignoff.status).toBe('waitingForPublisherReview');
  expect(atSignoff.steps.map((s) => [s.id, s.status])).toEqual([
    ['displaydummycertify', 'complete'],
    ['displaycertify', 'complete'],
    ['displayprovision', 'complete'],
    ['displaypackage', 'complete'],
    ['preview', 'complete'],
    ['publisher-signoff', 'waitingForPublisherReview'],
    ['live', 'notStarted'],
  ]);
  const provision = atSignoff.steps.find((s) => s.id === 'displayprovision')!;
  expect(provision.progressPercentage).toBe(100);
  expect(provision.messages.map((m) => m.messageHtml)).toContain(
    'The image was replicated to 3 regions: eastus, westeurope, southeastasia.',
  );
  expect(atSignoff.previewLinks[0].uri).toContain('/api/marketplace/offers/contoso.happy-vm');
  expect(atSignoff.notificationEmails).toBe('ops@contoso.example.com,lead@contoso.example.com');

  // Provisioning copied the image server-side into every region container.
  const blobs = BlobServiceClient.fromConnectionString(stack.connectionString);
  for (const region of ['eastus', 'westeurope', 'southeastasia']) {
    const props = await blobs
      .getContainerClient(`region-${region}`)
      .getBlobClient('contoso/happy-vm/v1/standard/1.0.0/os.vhd')
      .getProperties();
    expect(props.contentLength).toBe(30 * 1024 ** 3 + 512);
  }
  // The validation lead reached the Azure Table destination with MSFT_TEST_ values.
  const leads = TableClient.fromConnectionString(stack.connectionString, 'MarketplaceLeads', {
    allowInsecureConnection: true,
  });
  const lead = await leads.getEntity<Record<string, string>>('contoso.happy-vm', 'test-v1');
  expect(lead.LeadSource).toBe('AzureMarketplace-INS|contoso.happy-vm');
  expect(JSON.parse(lead.CustomerInfo)).toMatchObject({
    Phone: '1234567890',
    Email: expect.stringMatching(/^MSFT_TEST_\d+@test\.com$/),
  });

  const preview = await contoso.call('GET', '/offers/happy-vm/slot/preview');
  expect(preview.status).toBe(200);
  expect((await contoso.call('GET', '/offers/happy-vm/slot/production')).status).toBe(404);

  const live = await contoso.call('POST', '/offers/happy-vm/golive');
  expect(live.status).toBe(202);
  const done = await contoso.waitForStatus('happy-vm', ['succeeded']);
  expect(done.steps.every((s) => s.status === 'complete')).toBe(true);
  expect(done.liveLinks[0].uri).toContain('/api/marketplace/offers/contoso.happy-vm');
  expect((await contoso.call('GET', '/offers/happy-vm/slot/production')).status).toBe(200);

  const mail = await contoso.outbox();
  const kinds = mail.filter((m) => m.subject.includes('contoso/happy-vm')).map((m) => m.kind);
  expect(kinds.sort()).toEqual(['live', 'preview-available', 'publish-accepted']);
  expect(mail.find((m) => m.kind === 'preview-available')!.plainText).toContain(
    '/api/marketplace/offers/contoso.happy-vm?preview=true',
  );
  expect(mail[0].to).toEqual(['ops@contoso.example.com', 'lead@contoso.example.com']);
  // Lead data is personal data: never e-mailed.
  expect(mail.some((m) => m.plainText.includes('MSFT_TEST_'))).toBe(false);

  const subs = (await (await contoso.call('GET', '/offers/happy-vm/submissions')).json()) as {
    submissionType: string;
    submissionState: string;
  }[];
  expect(subs.map((s) => `${s.submissionType}:${s.submissionState}`).sort()).toEqual([
    'golive:completed',
    'publish:completed',
  ]);
  const op = (await (await contoso.call('GET', `/offers/happy-vm/operations/${accepted.operationId}`)).json()) as {
    submissionType: string;
    publishingVersion: number;
  };
  expect(op).toMatchObject({ submissionType: 'publish', publishingVersion: 1 });
});

test('an incomplete offer gets 422 with one warning per field, and nothing starts', async () => {
  const doc = offer('incomplete-vm');
  delete (doc.definition.offer as Record<string, unknown>)['microsoft-azure-marketplace.title'];
  (doc.definition.offer as Record<string, unknown>)['microsoft-azure-marketplace.summary'] = 'x'.repeat(150);
  await putOffer(contoso, 'incomplete-vm', doc);
  const res = await contoso.publish('incomplete-vm');
  expect(res.status).toBe(422);
  const body = (await res.json()) as {
    error: { code: string; details: { path: string; rule: string; message: string }[] };
  };
  expect(body.error.code).toBe('ValidationFailed');
  const paths = body.error.details.map((d) => `${d.path}:${d.rule}`);
  expect(paths).toEqual(
    expect.arrayContaining([
      'definition.offer.microsoft-azure-marketplace.title:required',
      'definition.offer.microsoft-azure-marketplace.summary:maxLength',
    ]),
  );
  expect((await contoso.status('incomplete-vm')).status).toBe('neverPublished');
  expect(await (await contoso.call('GET', '/offers/incomplete-vm/submissions')).json()).toEqual([]);
});

test('publish while one runs → 409; cancel at sign-off resets to step 1; Go Live twice raises one event', async () => {
  await putOffer(contoso, 'signoff-vm', offer('signoff-vm'));
  expect((await contoso.publish('signoff-vm')).status).toBe(202);
  const again = await contoso.publish('signoff-vm');
  expect(again.status).toBe(409);
  expect(((await again.json()) as { error: { code: string } }).error.code).toBe('OperationInProgress');

  await contoso.waitForStatus('signoff-vm', ['waitingForPublisherReview']);
  expect((await contoso.publish('signoff-vm')).status).toBe(409);
  const cancel = await contoso.call('POST', '/offers/signoff-vm/cancel');
  expect(cancel.status).toBe(202);
  expect([200, 202]).toContain((await contoso.call('POST', '/offers/signoff-vm/cancel')).status); // idempotent
  const canceled = await contoso.waitForStatus('signoff-vm', ['canceled']);
  expect(canceled.steps.every((s) => s.status === 'notStarted')).toBe(true);
  expect((await contoso.call('GET', '/offers/signoff-vm/slot/preview')).status).toBe(404); // the audience no longer sees it
  expect((await contoso.call('POST', '/offers/signoff-vm/cancel')).status).toBe(200);
  expect((await contoso.call('POST', '/offers/signoff-vm/golive')).status).toBe(400);
  const mail = await contoso.outbox();
  expect(mail.filter((m) => m.subject.startsWith('Publishing cancelled: contoso/signoff-vm'))).toHaveLength(1);

  // Publish again: version 2 starts at step 1; then Go Live twice.
  expect((await contoso.publish('signoff-vm')).status).toBe(202);
  const v2 = await contoso.waitForStatus('signoff-vm', ['waitingForPublisherReview']);
  expect(v2.publishingVersion).toBe(2);
  const [a, b] = await Promise.all([
    contoso.call('POST', '/offers/signoff-vm/golive'),
    contoso.call('POST', '/offers/signoff-vm/golive'),
  ]);
  expect([a.status, b.status]).toEqual([202, 202]);
  expect((await a.json()) as { operationId: string }).toEqual(
    expect.objectContaining({ operationId: ((await b.json()) as { operationId: string }).operationId }),
  );
  await contoso.waitForStatus('signoff-vm', ['succeeded']);
  const history = await engineStatus(stack, 'publish:contoso:signoff-vm:v2', '?showHistory=true');
  expect(history!.historyEvents!.filter((e) => e.EventType === 'EventRaised')).toHaveLength(1);
  const cancelLive = await contoso.call('POST', '/offers/signoff-vm/cancel');
  expect(cancelLive.status).toBe(400);
  expect(((await cancelLive.json()) as { error: { message: string } }).error.message).toContain('already live');
});

test('a bad image fails at Certification with a message and an e-mail; fixed, publishing again starts at step 1 and goes live', async () => {
  const badVhd = await uploadVhd(stack.connectionString, 'vhds', 'dynamic.vhd', { patch: asDynamic });
  await putOffer(contoso, 'cert-vm', offer('cert-vm', badVhd));
  expect((await contoso.publish('cert-vm')).status).toBe(202);
  const failed = await contoso.waitForStatus('cert-vm', ['failed']);
  const cert = failed.steps.find((s) => s.id === 'displaycertify')!;
  expect(cert.status).toBe('rejected');
  expect(
    cert.messages.some(
      (m) =>
        m.level === 'error' &&
        /Fixed-size disk — found dynamic/.test(m.messageHtml) &&
        /qemu-img convert/.test(m.messageHtml),
    ),
  ).toBe(true);
  expect(failed.steps.find((s) => s.id === 'displayprovision')!.status).toBe('notStarted');
  const mail = await waitUntil(async () =>
    (await contoso.outbox()).find((m) => m.kind === 'step-failed' && m.subject.includes('contoso/cert-vm')),
  );
  expect(mail.subject).toBe('Action needed: contoso/cert-vm failed at "Certification"');
  expect(mail.plainText).toContain('Fixed-size disk');
  expect(mail.plainText).toContain('What to do next');

  const current = await contoso.call('GET', '/offers/cert-vm');
  const fixed = await contoso.putOffer('cert-vm', offer('cert-vm'), current.headers.get('etag')!);
  expect(fixed.status).toBe(200);
  expect((await contoso.publish('cert-vm')).status).toBe(202);
  const restarted = await contoso.status('cert-vm');
  expect(restarted.publishingVersion).toBe(2);
  expect(restarted.steps.find((s) => s.id === 'displaycertify')!.messages).toEqual([]);
  await contoso.waitForStatus('cert-vm', ['waitingForPublisherReview']);
  expect((await contoso.call('POST', '/offers/cert-vm/golive')).status).toBe(202);
  await contoso.waitForStatus('cert-vm', ['succeeded']);
});

test('cancel before sign-off → 400 explaining the rule, and nothing changes (the image host is slow, so the publish is still at Certification)', async () => {
  await putOffer(contoso, 'early-vm', offer('early-vm', slow.url));
  expect((await contoso.publish('early-vm')).status).toBe(202);
  await waitUntil(async () =>
    (await contoso.status('early-vm')).steps.find((s) => s.id === 'displaycertify')!.status === 'inProgress'
      ? true
      : undefined,
  );
  const res = await contoso.call('POST', '/offers/early-vm/cancel');
  expect(res.status).toBe(400);
  const refused = (await res.json()) as { error: { code: string; message: string } };
  expect(refused.error.code).toBe('CancelNotAllowed');
  expect(refused.error.message).toMatch(
    /only once it has reached the Publisher signoff step; version 1 is at "Certification"/,
  );
  const golive = await contoso.call('POST', '/offers/early-vm/golive');
  expect(golive.status).toBe(400);
  expect(((await golive.json()) as { error: { code: string } }).error.code).toBe('GoLiveNotAllowed');
  // Refused means unchanged: still running, no cancel or Go Live operation recorded.
  expect((await contoso.status('early-vm')).status).toBe('running');
  const subs = (await (await contoso.call('GET', '/offers/early-vm/submissions')).json()) as {
    submissionType: string;
  }[];
  expect(subs.map((s) => s.submissionType)).toEqual(['publish']);
});

test('ETag: a stale If-Match gets 412; a missing one on an existing offer is a 400 (concurrency-control page)', async () => {
  const etag = await putOffer(contoso, 'etag-vm', offer('etag-vm'));
  const ok = await contoso.putOffer('etag-vm', offer('etag-vm'), etag);
  expect(ok.status).toBe(200);
  expect((await contoso.putOffer('etag-vm', offer('etag-vm'), etag)).status).toBe(412);
  expect((await contoso.putOffer('etag-vm', offer('etag-vm'))).status).toBe(400);
  expect((await contoso.putOffer('etag-vm', offer('etag-vm'), '*')).status).toBe(200);
  // Secrets are never returned.
  const got = (await (await contoso.call('GET', '/offers/etag-vm')).json()) as {
    definition: { offer: Record<string, Record<string, unknown>> };
  };
  expect(got.definition.offer['microsoft-azure-marketplace.tableLeadConfiguration']).toEqual({});
});

test('isolation: no key → 401, another publisher → 404, a revoked-looking key → 401', async () => {
  await putOffer(contoso, 'private-vm', offer('private-vm'));
  expect((await fetch(contoso.url('/offers/private-vm'))).status).toBe(401);
  const other = new Partner(stack, 'contoso', 'fabrikam-key');
  expect((await other.call('GET', '/offers/private-vm')).status).toBe(404);
  expect((await fabrikam.call('GET', '/offers')).status).toBe(200);
  expect(await (await fabrikam.call('GET', '/offers')).json()).toEqual([]);
  expect((await new Partner(stack, 'contoso', 'nope').call('GET', '/offers')).status).toBe(401);
});

test('behind App Service Authentication a mapped principal acts as its publisher; others are refused', async () => {
  await putOffer(contoso, 'easyauth-vm', offer('easyauth-vm'));
  // What App Service Authentication adds in front of the app (claims in base64 JSON, plus the name headers).
  const principal = (name: string) => ({
    'x-ms-client-principal': Buffer.from(
      JSON.stringify({ auth_typ: 'aad', claims: [{ typ: 'name', val: name }] }),
    ).toString('base64'),
    'x-ms-client-principal-name': name,
    'x-ms-client-principal-id': 'id-1',
    'x-ms-client-principal-idp': 'aad',
  });
  expect(
    (await fetch(contoso.url('/offers/easyauth-vm'), { headers: principal('alice@contoso.example.com') })).status,
  ).toBe(200);
  expect(
    (await fetch(stack.url('/api/publishers/fabrikam/offers'), { headers: principal('alice@contoso.example.com') }))
      .status,
  ).toBe(404);
  expect(
    (await fetch(contoso.url('/offers/easyauth-vm'), { headers: principal('mallory@evil.example.com') })).status,
  ).toBe(401);
});

test('bad input: malformed JSON, a 5 MB body, wrong types, unknown fields → 4xx with a code; the host keeps serving', async () => {
  const malformed = await contoso.putOffer('bad-vm', '{"definition": {');
  expect(malformed.status).toBe(400);
  expect(((await malformed.json()) as { error: { code: string } }).error.code).toBe('InvalidJson');
  const huge = await contoso.putOffer(
    'bad-vm',
    JSON.stringify({
      definition: { offer: { 'microsoft-azure-marketplace.title': 'x'.repeat(5 * 1024 * 1024) }, plans: [] },
    }),
  );
  expect(huge.status).toBe(413);
  const wrongType = await contoso.putOffer('bad-vm', {
    definition: { offer: { 'microsoft-azure-marketplace.title': 42 }, plans: [] },
  });
  expect(wrongType.status).toBe(400);
  const body = (await wrongType.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe('InvalidOfferDocument');
  expect(body.error.message).toContain('definition.offer.microsoft-azure-marketplace.title');
  const unknown = await contoso.putOffer('bad-vm', {
    definition: { offer: {}, plans: [{ planId: 'a', colour: 'red' }] },
  });
  expect(((await unknown.json()) as { error: { message: string } }).error.message).toContain(
    'definition.plans[0].colour',
  );
  expect((await contoso.putOffer('Bad_Id', { definition: { offer: {}, plans: [] } })).status).toBe(400);
  const badPublish = await contoso.call('POST', '/offers/happy-vm/publish', {
    metadata: { 'notification-emails': 'not-an-address' },
  });
  expect(badPublish.status).toBe(400);
  expect((await contoso.call('GET', '/offers/bad-vm')).status).toBe(404); // nothing half-written
  expect((await contoso.call('GET', '/offers?api-version=1999-01-01')).status).toBe(400);
  expect((await fetch(stack.url('/api/health'))).status).toBe(200);
});
