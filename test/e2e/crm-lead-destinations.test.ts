// Dynamics 365 and Marketo lead destinations end to end on the devhost: the test lead at Packaging,
// customer leads after Go Live (through the lead-deliveries queue, retried while the CRM throttles),
// a refusing Dynamics failing the Packaging step with its answer, and secrets never returned.
// The CRMs are local fakes speaking Entra ID + Dataverse and Marketo Identity + REST.
import { OfferDraft } from '../../domain/offer/document';
import { sampleOffer } from '../../domain/offer/sample-offer';
import { FakeDynamics, startFakeDynamics } from '../support/fake-dynamics';
import { FakeMarketo, startFakeMarketo } from '../support/fake-marketo';
import { Partner } from '../support/partner-api';
import { startStack, Stack, waitUntil } from '../support/stack';
import { uploadVhd } from '../support/vhd-images';

const M = 'microsoft-azure-marketplace.';
const TENANT = '3f0c9a8e-5b7d-4e21-a6c4-9d8e7f6a5b4c';
const APP = {
  tenant: TENANT,
  clientId: '23456052-aaaa-bbbb-8662-1234df56788f',
  secret: 'e2e~Dynamics~Key/0123456789+=',
};
const ROLELESS = {
  tenant: TENANT,
  clientId: '0f0f0f0f-1111-4222-8333-444455556666',
  secret: 'e2e-roleless-key',
  canCreateLeads: false,
};
const MKTO = {
  munchkinId: '284-RPR-133',
  clientId: '5f2b6c1e-8d3a-4e7f-9b0c-1a2b3c4d5e6f',
  clientSecret: 'e2e&Marketo=Secret/+',
  forms: { 1179: ['email', 'firstName', 'lastName', 'company', 'phone', 'title', 'country', 'leadSource'] },
};

let dyn: FakeDynamics;
let mkto: FakeMarketo;
let stack: Stack;
let contoso: Partner;
let vhd: string;

beforeAll(async () => {
  // HTTPS for Dynamics: step 1 insists on an https instance URL; the devhost trusts the fake's certificate.
  [dyn, mkto] = await Promise.all([startFakeDynamics({ tls: true }), startFakeMarketo()]);
  dyn.addApp(APP);
  dyn.addApp(ROLELESS);
  mkto.addAccount(MKTO);
  stack = await startStack('.', {
    OUTBOUND_ALLOWED_HOSTS: `${dyn.host},${mkto.host}`,
    NODE_EXTRA_CA_CERTS: dyn.caFile,
    DYNAMICS_AUTHORITY_HOST: dyn.origin,
    MARKETO_REST_BASE_URL_TEMPLATE: mkto.baseTemplate,
    DEV_PUBLISHERS: 'contoso:contoso-key',
    PUBLISH_RETRY_FIRST_MS: '100',
    PUBLISH_RETRY_ATTEMPTS: '2',
    PROVISION_REGIONS: 'eastus',
    LEAD_REDELIVERY_DELAY_SECONDS: '1',
  });
  contoso = new Partner(stack, 'contoso', 'contoso-key');
  vhd = await uploadVhd(stack.connectionString, 'vhds', 'crm-30g.vhd');
}, 120_000);
afterAll(async () => {
  await stack?.stop();
  await Promise.all([dyn?.close(), mkto?.close()]);
});

function offer(offerId: string, fields: Record<string, unknown>): OfferDraft {
  const doc = sampleOffer({ offerId, osVhdUrl: vhd });
  delete doc.definition.offer[`${M}tableLeadConfiguration`];
  Object.assign(doc.definition.offer, fields);
  return doc;
}

const dynamics = (app: { clientId: string; secret: string }) => ({
  [`${M}leadDestination`]: 'Dynamics',
  [`${M}dynamicsLeadConfiguration`]: {
    instanceUrl: dyn.origin,
    authentication: 'Azure Active Directory',
    applicationId: app.clientId,
    directoryId: TENANT,
    applicationKey: app.secret,
  },
});
const marketo = {
  [`${M}leadDestination`]: 'Marketo',
  [`${M}marketoLeadConfiguration`]: {
    munchkinId: MKTO.munchkinId,
    formId: '1179',
    clientId: MKTO.clientId,
    clientSecret: MKTO.clientSecret,
  },
};

const SECRETS = [APP.secret, ROLELESS.secret, MKTO.clientSecret, 'e2e-wrong-key'];
const expectNoSecret = (text: string) => {
  for (const s of SECRETS) expect(text).not.toContain(s);
};

async function publish(offerId: string, doc: OfferDraft): Promise<void> {
  expect((await contoso.putOffer(offerId, doc)).status).toBe(201);
  expect((await contoso.publish(offerId)).status).toBe(202);
}

const packaging = async (offerId: string) =>
  (await contoso.status(offerId)).steps.find((s) => s.id === 'displaypackage')!;

async function postLead(offerId: string, body: Record<string, string>): Promise<string> {
  const res = await fetch(stack.url(`/api/marketplace/offers/contoso.${offerId}/leads`), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { leadId: string }).leadId;
}

async function delivered(leadId: string): Promise<{ leadId: string; destination: string; attempts: number }> {
  return waitUntil(
    async () => {
      const list = (await (await contoso.call('GET', '/leads?state=delivered')).json()) as {
        leadId: string;
        destination: string;
        attempts: number;
      }[];
      return list.find((l) => l.leadId === leadId);
    },
    45_000,
    `lead ${leadId} to be delivered`,
  );
}

test('Packaging sends the test lead to Dynamics 365 and to Marketo; a refusing Dynamics fails the step with its answer; secrets are never returned', async () => {
  await Promise.all([
    publish('dyn-vm', offer('dyn-vm', dynamics(APP))),
    publish('mkto-vm', offer('mkto-vm', marketo)),
    publish('norole-vm', offer('norole-vm', dynamics(ROLELESS))),
    publish('badkey-vm', offer('badkey-vm', dynamics({ clientId: APP.clientId, secret: 'e2e-wrong-key' }))),
  ]);

  // The partner reads their configuration back without the secrets.
  for (const [id, key, field] of [
    ['dyn-vm', 'dynamicsLeadConfiguration', 'applicationKey'],
    ['mkto-vm', 'marketoLeadConfiguration', 'clientSecret'],
  ]) {
    const res = await contoso.call('GET', `/offers/${id}`);
    const text = await res.text();
    const got = JSON.parse(text) as { definition: { offer: Record<string, Record<string, unknown>> } };
    expect(got.definition.offer[`${M}${key}`]).not.toHaveProperty(field);
    expect(Object.keys(got.definition.offer[`${M}${key}`]).length).toBeGreaterThan(2);
    expectNoSecret(text);
  }

  for (const id of ['dyn-vm', 'mkto-vm'])
    expect((await contoso.waitForStatus(id, ['waitingForPublisherReview', 'failed'], 60_000)).status).toBe(
      'waitingForPublisherReview',
    );

  // Dynamics: a lead row with the MSFT_TEST_ values, written with the partner's application.
  const dynLead = dyn.leads.find((l) => l.row.subject === 'AzureMarketplace-INS|contoso.dyn-vm')!;
  expect(dynLead).toBeDefined();
  expect(dynLead.principal).toBe(`app:${APP.clientId}`);
  expect(dynLead.row).toMatchObject({
    firstname: expect.stringMatching(/^MSFT_TEST_\d+$/),
    emailaddress1: expect.stringMatching(/^MSFT_TEST_\d+@test\.com$/),
    telephone1: '1234567890',
    leadsourcecode: 8,
  });
  expect((await packaging('dyn-vm')).messages.map((m) => m.messageHtml)).toContainEqual(
    `A test lead was sent to Dynamics 365 (lead ${dynLead.leadId}) (values start with MSFT_TEST_).`,
  );

  // Marketo: the partner's form submitted.
  const mktoLead = mkto.submissions.find((s) => s.fields.leadSource === 'AzureMarketplace-INS|contoso.mkto-vm')!;
  expect(mktoLead).toMatchObject({ munchkinId: MKTO.munchkinId, formId: 1179, status: 'created' });
  expect(mktoLead.fields).toMatchObject({
    email: expect.stringMatching(/^MSFT_TEST_\d+@test\.com$/),
    firstName: expect.stringMatching(/^MSFT_TEST_/),
    phone: '1234567890',
  });
  expect((await packaging('mkto-vm')).messages.map((m) => m.messageHtml)).toContainEqual(
    'A test lead was sent to Marketo (form submission) (values start with MSFT_TEST_).',
  );

  // A Dynamics that refuses the lead (no role to create leads): the step fails with Dataverse's answer.
  const norole = await contoso.waitForStatus('norole-vm', ['failed'], 60_000);
  const step = norole.steps.find((s) => s.id === 'displaypackage')!;
  expect(step.status).toBe('rejected');
  const error = step.messages.find((m) => m.level === 'error')!.messageHtml;
  expect(error).toContain('Dynamics 365 answered HTTP 403');
  expect(error).toContain('missing prvCreateLead privilege');
  expect(error).toContain('Microsoft Marketplace Lead Writer role');
  expect(dyn.leads.some((l) => l.principal === `app:${ROLELESS.clientId}`)).toBe(false);

  // A wrong application key: Entra ID's refusal, quoted without the key.
  const badkey = await contoso.waitForStatus('badkey-vm', ['failed'], 60_000);
  const badStep = badkey.steps.find((s) => s.id === 'displaypackage')!;
  expect(badStep.status).toBe('rejected');
  expect(badStep.messages.find((m) => m.level === 'error')!.messageHtml).toContain(
    'HTTP 401: invalid_client: AADSTS7000215',
  );
  expectNoSecret(JSON.stringify([norole, badkey]));
  // Refusals are not retried: one token request with the wrong key.
  expect(dyn.tokenRequests.filter((r) => r.form.client_secret === 'e2e-wrong-key')).toHaveLength(1);
});

test('after Go Live customer leads reach Dynamics 365 (retried while it throttles) and Marketo', async () => {
  for (const id of ['dyn-vm', 'mkto-vm']) expect((await contoso.call('POST', `/offers/${id}/golive`)).status).toBe(202);
  await Promise.all(['dyn-vm', 'mkto-vm'].map((id) => contoso.waitForStatus(id, ['succeeded'], 60_000)));

  // Dynamics throttles the first two attempts: the lead stays pending, then goes through.
  const attempts = dyn.leadAttempts();
  dyn.misbehave({ kind: 'throttle', retryAfterSeconds: 1, times: 2 });
  const dynLeadId = await postLead('dyn-vm', {
    action: 'contact-me',
    firstName: 'Ada',
    lastName: 'Lovelace',
    email: 'ada@fabrikam.example.com',
    company: 'Fabrikam',
    country: 'GB',
  });
  const mktoLeadId = await postLead('mkto-vm', {
    action: 'deploy',
    firstName: 'Grace',
    lastName: 'Hopper',
    email: 'grace@fabrikam.example.com',
    title: 'Rear Admiral',
  });

  const dynRecord = await delivered(dynLeadId);
  expect(dynRecord.destination).toBe('Dynamics');
  expect(dynRecord.attempts).toBe(3);
  expect(dyn.leadAttempts() - attempts).toBe(3);
  const row = dyn.leads.find((l) => l.row.emailaddress1 === 'ada@fabrikam.example.com')!.row;
  expect(row).toMatchObject({
    subject: 'AzureMarketplace-PLT|contoso.dyn-vm',
    firstname: 'Ada',
    lastname: 'Lovelace',
    companyname: 'Fabrikam',
    address1_country: 'GB',
    leadsourcecode: 8,
  });
  expect(row.description).toContain('Ada Lovelace asked to be contacted about Contoso VM.');

  expect((await delivered(mktoLeadId)).destination).toBe('Marketo');
  const sub = mkto.submissions.find((s) => s.fields.email === 'grace@fabrikam.example.com')!;
  expect(sub.fields).toEqual({
    email: 'grace@fabrikam.example.com',
    firstName: 'Grace',
    lastName: 'Hopper',
    title: 'Rear Admiral',
    leadSource: 'AzurePortal-Create|contoso.mkto-vm',
  });
  // One sign-in per publisher's credentials so far is enough while the tokens live.
  expect(mkto.identityRequests.filter((r) => r.status === 200).length).toBeLessThanOrEqual(2);
});
