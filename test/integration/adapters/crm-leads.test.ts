// The Dynamics 365 and Marketo lead destinations: the real client (deliverLead) against local
// servers speaking Microsoft Entra ID + Dataverse Web API and Marketo Identity + REST.
import { crmTokens } from '../../../adapters/leads/crm-tokens';
import { LeadDeliveryUnavailable } from '../../../adapters/leads/https-lead-writer';
import { deliverLead, LeadRejected } from '../../../adapters/leads/lead-destinations';
import { restBaseTemplate } from '../../../adapters/leads/marketo-lead-writer';
import { customerLead, LeadDestination } from '../../../domain/leads/delivery';
import { testLead } from '../../../domain/leads/lead';
import { FakeDynamics, startFakeDynamics } from '../../support/fake-dynamics';
import { FakeMarketo, startFakeMarketo } from '../../support/fake-marketo';

const TENANT = '7d1c3a52-2b9e-4f1a-9c61-0a8e4b5d6f70';
const APP = { tenant: TENANT, clientId: '23456052-aaaa-bbbb-8662-1234df56788f', secret: 'Dyn~Secret/Key+0123456789=' };
const ROLELESS = {
  tenant: TENANT,
  clientId: '0f0f0f0f-1111-4222-8333-444455556666',
  secret: 'roleless-secret-value',
  canCreateLeads: false,
};
const STRANGER = {
  tenant: TENANT,
  clientId: 'a1a1a1a1-2222-4333-8444-555566667777',
  secret: 'stranger-secret-value',
  knownToInstance: false,
};
const USER = { tenant: TENANT, username: 'leads@contoso.onmicrosoft.com', password: 'P@ssw0rd-Office365!' };
const MKTO = {
  munchkinId: '123-PQR-789',
  clientId: '5f2b6c1e-8d3a-4e7f-9b0c-1a2b3c4d5e6f',
  clientSecret: 'mkto&Secret=VerySecret+/',
  forms: {} as Record<number, string[]>,
};
const ALL_FIELDS = ['email', 'firstName', 'lastName', 'company', 'phone', 'title', 'country', 'leadSource'];

let dyn: FakeDynamics;
let mkto: FakeMarketo;
const saved = { ...process.env };

beforeAll(async () => {
  [dyn, mkto] = await Promise.all([startFakeDynamics(), startFakeMarketo()]);
  for (const a of [APP, ROLELESS, STRANGER]) dyn.addApp(a);
  dyn.addUser(USER);
  mkto.addAccount({ ...MKTO, forms: { 1179: ALL_FIELDS, 1180: ALL_FIELDS.filter((f) => f !== 'leadSource') } });
  Object.assign(process.env, {
    OUTBOUND_ALLOWED_HOSTS: `${dyn.host},${mkto.host}`,
    DYNAMICS_AUTHORITY_HOST: dyn.origin,
    MARKETO_REST_BASE_URL_TEMPLATE: mkto.baseTemplate,
    LEAD_TIMEOUT_MS: '5000',
  });
});
afterAll(async () => {
  process.env = saved;
  await Promise.all([dyn?.close(), mkto?.close()]);
});
beforeEach(() => {
  crmTokens.clear();
  dyn.behave();
  dyn.tokenLifetime(3599);
  mkto.behave();
  mkto.tokenLifetime(3600);
});

const lead = () => testLead('contoso', 'crm-vm', 'Contoso VM', Date.UTC(2024, 0, 2));
const dynamics = (over: Partial<Extract<LeadDestination, { kind: 'Dynamics' }>> = {}): LeadDestination => ({
  kind: 'Dynamics',
  instanceUrl: dyn.origin,
  applicationId: APP.clientId,
  directoryId: TENANT,
  applicationKey: APP.secret,
  ...over,
});
const marketo = (over: Partial<Extract<LeadDestination, { kind: 'Marketo' }>> = {}): LeadDestination => ({
  kind: 'Marketo',
  munchkinId: MKTO.munchkinId,
  formId: '1179',
  clientId: MKTO.clientId,
  clientSecret: MKTO.clientSecret,
  ...over,
});

/** The error deliverLead threw (it must throw). */
async function failure(destination: LeadDestination, l = lead()): Promise<Error> {
  const e = await deliverLead(destination, l, 'test-v1').then(
    () => undefined,
    (err: Error) => err,
  );
  if (!e) throw new Error('deliverLead was expected to fail');
  return e;
}

function expectNoSecrets(message: string): void {
  for (const s of [APP.secret, ROLELESS.secret, STRANGER.secret, USER.password, MKTO.clientSecret]) {
    expect(message).not.toContain(s);
    expect(message).not.toContain(encodeURIComponent(s));
  }
}

describe('Dynamics 365', () => {
  test('the test lead: a client-credentials token for the instance, then a lead row with the OData headers', async () => {
    const tokensBefore = dyn.tokenRequests.length;
    const leadsBefore = dyn.leads.length;
    const where = await deliverLead(dynamics(), lead(), 'test-v1');

    const [tokenRequest] = dyn.tokenRequests.slice(tokensBefore);
    expect(tokenRequest).toMatchObject({
      tenant: TENANT,
      status: 200,
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(tokenRequest.form).toEqual({
      client_id: APP.clientId,
      client_secret: APP.secret,
      grant_type: 'client_credentials',
      scope: `${dyn.origin}/.default`,
    });

    const [got] = dyn.leads.slice(leadsBefore);
    expect(where).toBe(`Dynamics 365 (lead ${got.leadId})`);
    expect(got.principal).toBe(`app:${APP.clientId}`);
    expect(got.headers).toMatchObject({
      'odata-version': '4.0',
      'odata-maxversion': '4.0',
      accept: 'application/json',
      'content-type': 'application/json; charset=utf-8',
    });
    expect(got.headers.authorization).toMatch(/^Bearer eyJ/);
    const t = /^MSFT_TEST_\d+$/;
    expect(got.row).toEqual({
      subject: 'AzureMarketplace-INS|contoso.crm-vm',
      firstname: expect.stringMatching(t),
      lastname: expect.stringMatching(t),
      companyname: expect.stringMatching(t),
      emailaddress1: expect.stringMatching(/^MSFT_TEST_\d+@test\.com$/),
      telephone1: '1234567890',
      jobtitle: expect.stringMatching(t),
      address1_country: expect.stringMatching(t),
      description: expect.stringContaining('validation lead for contoso.crm-vm'),
      leadsourcecode: 8,
    });
    expect(got.row.description).toContain('Offer: Contoso VM');
    expect(got.row.description).toContain('action INS');
  });

  test('a customer lead: empty values left out, long ones shortened to the column, an over-long e-mail kept whole in the notes', async () => {
    const before = dyn.leads.length;
    const long = `${'x'.repeat(95)}@fabrikam.example.com`;
    const l = customerLead('contoso', 'crm-vm', 'Contoso VM', {
      action: 'contact-me',
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: long,
      company: 'C'.repeat(150),
    });
    await deliverLead(dynamics(), l, 'lead-1');
    const { row } = dyn.leads[before];
    expect(row).toMatchObject({
      subject: 'AzureMarketplace-PLT|contoso.crm-vm',
      firstname: 'Ada',
      lastname: 'Lovelace',
      companyname: 'C'.repeat(100),
      leadsourcecode: 8,
    });
    for (const absent of ['telephone1', 'jobtitle', 'address1_country', 'emailaddress1'])
      expect(row).not.toHaveProperty(absent);
    expect(row.description).toContain(`Email: ${long}`);
  });

  test('the token is reused until shortly before it expires, then a new one is fetched', async () => {
    const before = dyn.tokenRequests.length;
    await deliverLead(dynamics(), lead(), 'a');
    await deliverLead(dynamics(), lead(), 'b');
    await Promise.all([deliverLead(dynamics(), lead(), 'c'), deliverLead(dynamics(), lead(), 'd')]);
    expect(dyn.tokenRequests.length - before).toBe(1);

    // A token living 1 s is used for half of that, then replaced without a failed lead call.
    crmTokens.clear();
    dyn.tokenLifetime(1);
    const attempts = dyn.leadAttempts();
    const leads = dyn.leads.length;
    await deliverLead(dynamics(), lead(), 'e');
    await new Promise((r) => setTimeout(r, 700));
    await deliverLead(dynamics(), lead(), 'f');
    expect(dyn.tokenRequests.length - before).toBe(3);
    expect(dyn.leadAttempts() - attempts).toBe(2);
    expect(dyn.leads.length - leads).toBe(2);
  });

  test('a token the instance no longer takes (401) is dropped and the lead sent once more with a fresh one', async () => {
    await deliverLead(dynamics(), lead(), 'a');
    dyn.expireTokens();
    const tokens = dyn.tokenRequests.length;
    const attempts = dyn.leadAttempts();
    const leads = dyn.leads.length;
    await deliverLead(dynamics(), lead(), 'b');
    expect(dyn.tokenRequests.length - tokens).toBe(1);
    expect(dyn.leadAttempts() - attempts).toBe(2);
    expect(dyn.leads.length - leads).toBe(1);
  });

  test("Office 365: the password grant with the service's public client, for the user's tenant", async () => {
    process.env.DYNAMICS_PUBLIC_CLIENT_ID = dyn.publicClientId;
    try {
      const before = dyn.tokenRequests.length;
      const leads = dyn.leads.length;
      const o365 = {
        kind: 'Dynamics',
        instanceUrl: `${dyn.origin}/`,
        authentication: 'Office 365',
        username: USER.username,
        password: USER.password,
      } as const;
      await deliverLead(o365, lead(), 'test-v1');
      expect(dyn.tokenRequests[before]).toMatchObject({ tenant: 'organizations', status: 200 });
      expect(dyn.tokenRequests[before].form).toEqual({
        client_id: dyn.publicClientId,
        grant_type: 'password',
        username: USER.username,
        password: USER.password,
        scope: `${dyn.origin}/.default`,
      });
      expect(dyn.leads[leads].principal).toBe(`user:${USER.username}`);

      const wrong = await failure({ ...o365, password: 'not-the-password' });
      expect(wrong).toBeInstanceOf(LeadRejected);
      expect(wrong.message).toContain('HTTP 400: invalid_grant: AADSTS50126');
      expect(wrong.message).not.toContain('not-the-password');
      expect(wrong.message).not.toContain('Trace ID'); // the first line only
    } finally {
      delete process.env.DYNAMICS_PUBLIC_CLIENT_ID;
    }
    const unavailable = await failure({
      kind: 'Dynamics',
      instanceUrl: dyn.origin,
      authentication: 'Office 365',
      username: USER.username,
      password: USER.password,
    });
    expect(unavailable).toBeInstanceOf(LeadRejected);
    expect(unavailable.message).toContain('use Azure Active Directory');
  });

  test("Entra ID refusals are the partner's to fix: wrong secret, unknown application, unknown tenant — quoted, never with the secret", async () => {
    const badSecret = await failure(dynamics({ applicationKey: 'wrong~secret~value' }));
    expect(badSecret).toBeInstanceOf(LeadRejected);
    expect(badSecret.message).toMatch(
      /^Microsoft Entra ID \(sign-in to Dynamics 365\) answered HTTP 401: invalid_client: AADSTS7000215: Invalid client secret provided/,
    );
    expect(badSecret.message).toContain('check the application id, directory id and application key');
    expect(badSecret.message).not.toContain('wrong~secret~value');

    const unknownApp = await failure(dynamics({ applicationId: '99999999-9999-4999-8999-999999999999' }));
    expect(unknownApp.message).toContain('HTTP 400: unauthorized_client: AADSTS700016');
    const unknownTenant = await failure(dynamics({ directoryId: 'fabrikam.onmicrosoft.com' }));
    expect(unknownTenant.message).toContain('AADSTS90002');
    for (const e of [unknownApp, unknownTenant]) {
      expect(e).toBeInstanceOf(LeadRejected);
      expectNoSecrets(e.message);
    }
  });

  test('Dataverse refusals: 400 with its error, 403 without the role, 401 for an application the instance does not know', async () => {
    dyn.misbehave({
      kind: 'refuse',
      status: 400,
      code: '0x80040265',
      message: 'Leads from the marketplace are closed this quarter.',
      times: 1,
    });
    const attempts = dyn.leadAttempts();
    const refused = await failure(dynamics());
    expect(refused).toBeInstanceOf(LeadRejected);
    expect(refused.message).toBe(
      'Dynamics 365 answered HTTP 400: Leads from the marketplace are closed this quarter. (0x80040265)',
    );
    expect(dyn.leadAttempts() - attempts).toBe(1); // a 4xx is not retried

    const noRole = await failure(dynamics({ applicationId: ROLELESS.clientId, applicationKey: ROLELESS.secret }));
    expect(noRole).toBeInstanceOf(LeadRejected);
    expect(noRole.message).toContain('HTTP 403');
    expect(noRole.message).toContain('missing prvCreateLead privilege');
    expect(noRole.message).toContain('Microsoft Marketplace Lead Writer role');

    const tokens = dyn.tokenRequests.length;
    const stranger = await failure(dynamics({ applicationId: STRANGER.clientId, applicationKey: STRANGER.secret }));
    expect(stranger).toBeInstanceOf(LeadRejected);
    expect(stranger.message).toContain('HTTP 401: The user is not a member of the organization.');
    expect(stranger.message).toContain('the sign-in worked but the instance refused it');
    expect(dyn.tokenRequests.length - tokens).toBe(2); // one fresh token tried, then given up
    for (const e of [refused, noRole, stranger]) expectNoSecrets(e.message);
  });

  test('an answer echoing the secret is quoted without it', async () => {
    dyn.misbehave({
      kind: 'refuse',
      status: 400,
      message: `Bad request body: client_secret=${encodeURIComponent(APP.secret)} key ${APP.secret}`,
      times: 1,
    });
    const e = await failure(dynamics());
    expect(e).toBeInstanceOf(LeadRejected);
    expect(e.message).toContain('client_secret=*** key ***');
    expectNoSecrets(e.message);
  });

  test('throttling (429 + Retry-After), 5xx and an unreachable instance are transient', async () => {
    dyn.misbehave({ kind: 'throttle', retryAfterSeconds: 7, times: 1 });
    const throttled = await failure(dynamics());
    expect(throttled).toBeInstanceOf(LeadDeliveryUnavailable);
    expect(throttled.message).toContain(
      'HTTP 429: Number of requests exceeded the limit of 6000 over time window of 300 seconds. (0x80072322)',
    );
    expect(throttled.message).toContain('asked to retry after 7 s');

    dyn.misbehave({ kind: 'fail', times: 1 });
    const failed = await failure(dynamics());
    expect(failed).toBeInstanceOf(LeadDeliveryUnavailable);
    expect(failed.message).toContain('HTTP 500');

    // Recovered: the next attempt goes through.
    const before = dyn.leads.length;
    await deliverLead(dynamics(), lead(), 'test-v1');
    expect(dyn.leads.length).toBe(before + 1);

    // Entra ID out of reach: a network error, not the partner's fault.
    const closed = await startFakeDynamics();
    await closed.close();
    process.env.DYNAMICS_AUTHORITY_HOST = closed.origin;
    process.env.OUTBOUND_ALLOWED_HOSTS += `,${closed.host}`;
    crmTokens.clear();
    try {
      const down = await failure(dynamics());
      expect(down).toBeInstanceOf(LeadDeliveryUnavailable);
      expect(down.message).toBe('Microsoft Entra ID (sign-in to Dynamics 365) could not be reached (ECONNREFUSED).');
    } finally {
      process.env.DYNAMICS_AUTHORITY_HOST = dyn.origin;
    }
  });

  test('hostile or broken configurations are refused before any call', async () => {
    const tokens = dyn.tokenRequests.length;
    const attempts = dyn.leadAttempts();
    const cases: [Partial<Extract<LeadDestination, { kind: 'Dynamics' }>>, RegExp][] = [
      [{ instanceUrl: 'http://contoso.crm4.dynamics.com' }, /must use https/],
      [{ instanceUrl: 'https://10.1.2.3' }, /private address/],
      [{ instanceUrl: 'https://127.0.0.1:1' }, /private address/],
      [{ instanceUrl: 'https://localhost' }, /private address/],
      [{ instanceUrl: `${dyn.origin}/api/data/v9.2/accounts?x=` }, /without a path or query/],
      [{ instanceUrl: `https://user:pw@contoso.crm4.dynamics.com` }, /user name or password/],
      [{ instanceUrl: 'javascript:alert(1)' }, /must start with https/],
      [{ instanceUrl: undefined }, /no instance URL/],
      [{ directoryId: `${TENANT}/oauth2/v2.0/token?x=` }, /directory id must be the tenant/],
      [{ directoryId: 'evil.example.com@127.0.0.1' }, /directory id must be the tenant/],
      [{ directoryId: '..' }, /directory id must be the tenant/],
      [{ applicationId: 'not-a-guid' }, /application id must be/],
      [{ applicationKey: undefined }, /needs the application id, directory id and application key/],
      [{ authentication: 'Kerberos' }, /authentication must be/],
    ];
    for (const [over, why] of cases) {
      const e = await failure(dynamics(over));
      expect([over, e]).toEqual([over, expect.any(LeadRejected)]);
      expect(e.message).toMatch(why);
      expectNoSecrets(e.message);
    }
    expect(dyn.tokenRequests.length).toBe(tokens);
    expect(dyn.leadAttempts()).toBe(attempts);
  });
});

describe('Marketo', () => {
  test("the test lead: an Identity token (client credentials), then Submit Form to the partner's form", async () => {
    const ids = mkto.identityRequests.length;
    const before = mkto.submissions.length;
    expect(await deliverLead(marketo(), lead(), 'test-v1')).toBe('Marketo (form submission)');
    const [identity] = mkto.identityRequests.slice(ids);
    expect(identity).toMatchObject({ munchkinId: '123-PQR-789', method: 'GET', status: 200 });
    expect(identity.params).toEqual({
      grant_type: 'client_credentials',
      client_id: MKTO.clientId,
      client_secret: MKTO.clientSecret,
    });

    const [got] = mkto.submissions.slice(before);
    expect(got.headers.authorization).toMatch(/^Bearer [0-9a-f-]{36}:ab$/);
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.formId).toBe(1179);
    const t = expect.stringMatching(/^MSFT_TEST_\d+$/);
    expect(got.fields).toEqual({
      email: expect.stringMatching(/^MSFT_TEST_\d+@test\.com$/),
      firstName: t,
      lastName: t,
      company: t,
      title: t,
      country: t,
      phone: '1234567890',
      leadSource: 'AzureMarketplace-INS|contoso.crm-vm',
    });
    expect(got.status).toBe('created');
  });

  test('a customer lead is upserted on e-mail; empty fields are left out', async () => {
    const before = mkto.submissions.length;
    const l = customerLead('contoso', 'crm-vm', 'Contoso VM', {
      action: 'deploy',
      firstName: 'Grace',
      lastName: 'Hopper',
      email: 'grace@fabrikam.example.com',
    });
    await deliverLead(marketo(), l, 'lead-1');
    await deliverLead(marketo(), l, 'lead-1');
    const [first, second] = mkto.submissions.slice(before);
    expect(first.fields).toEqual({
      email: 'grace@fabrikam.example.com',
      firstName: 'Grace',
      lastName: 'Hopper',
      leadSource: 'AzurePortal-Create|contoso.crm-vm',
    });
    expect([first.status, second.status]).toEqual(['created', 'updated']);
    expect(second.id).toBe(first.id);
  });

  test('the token is reused; an expired one (602) is replaced and the lead sent once more', async () => {
    const ids = mkto.identityRequests.length;
    await deliverLead(marketo(), lead(), 'a');
    await Promise.all([deliverLead(marketo(), lead(), 'b'), deliverLead(marketo(), lead(), 'c')]);
    expect(mkto.identityRequests.length - ids).toBe(1);

    mkto.expireTokens();
    const attempts = mkto.submitAttempts();
    const before = mkto.submissions.length;
    await deliverLead(marketo(), lead(), 'd');
    expect(mkto.identityRequests.length - ids).toBe(2);
    expect(mkto.submitAttempts() - attempts).toBe(2);
    expect(mkto.submissions.length - before).toBe(1);
  });

  test("a token invalid even when fresh (601 twice) is the partner's to fix", async () => {
    mkto.misbehave({ code: '601', message: 'Access token invalid', times: 2 });
    const e = await failure(marketo());
    expect(e).toBeInstanceOf(LeadRejected);
    expect(e.message).toContain('Marketo answered: 601 Access token invalid');
    expect(e.message).toContain('a fresh access token was refused too');
  });

  test('refusals: bad client credentials (401), access denied, a field missing on the form, an unknown form — quoted without the secret', async () => {
    const ids = mkto.identityRequests.length;
    const bad = await failure(marketo({ clientSecret: 'wrong-marketo-secret' }));
    expect(bad).toBeInstanceOf(LeadRejected);
    expect(bad.message).toBe(
      'The Marketo Identity service answered HTTP 401: invalid_client: Bad client credentials — check the client id and client secret of the LaunchPoint service (marketoLeadConfiguration.clientId, .clientSecret).',
    );
    expect(mkto.identityRequests[ids].status).toBe(401);

    mkto.misbehave({ code: '603', message: 'Access denied', times: 1 });
    const denied = await failure(marketo());
    expect(denied).toBeInstanceOf(LeadRejected);
    expect(denied.message).toContain('Marketo answered: 603 Access denied');

    const missingField = await failure(marketo({ formId: '1180' }));
    expect(missingField).toBeInstanceOf(LeadRejected);
    expect(missingField.message).toContain("the lead was skipped: 1006 Field 'leadSource' not found");
    expect(missingField.message).toContain(
      'it needs the fields email, firstName, lastName, company, phone, title, country, leadSource',
    );

    const unknownForm = await failure(marketo({ formId: '4242' }));
    expect(unknownForm.message).toContain('610 Requested resource not found');
    for (const e of [bad, denied, missingField, unknownForm]) expectNoSecrets(e.message);
  });

  test('rate limit (606), daily quota (607), concurrency (615) and an HTTP 503 are transient', async () => {
    for (const [code, message] of [
      ['606', "Max rate limit '100' exceeded with in '20' secs"],
      ['607', 'Daily quota reached'],
      ['615', 'Concurrent access limit reached'],
    ]) {
      mkto.misbehave({ code, message, times: 1 });
      const e = await failure(marketo());
      expect(e).toBeInstanceOf(LeadDeliveryUnavailable);
      expect(e.message).toBe(`Marketo answered: ${code} ${message}`);
    }
    mkto.misbehave({ httpStatus: 503, times: 1 });
    const down = await failure(marketo());
    expect(down).toBeInstanceOf(LeadDeliveryUnavailable);
    expect(down.message).toBe('Marketo answered HTTP 503: Service Unavailable');
    const before = mkto.submissions.length;
    await deliverLead(marketo(), lead(), 'test-v1');
    expect(mkto.submissions.length).toBe(before + 1);
  });

  test('hostile or broken configurations are refused before any call; the Munchkin id cannot change the host', async () => {
    const ids = mkto.identityRequests.length;
    const attempts = mkto.submitAttempts();
    const cases: [Partial<Extract<LeadDestination, { kind: 'Marketo' }>>, RegExp][] = [
      [{ munchkinId: '123-PQR-789/../../other' }, /Munchkin id must look like/],
      [{ munchkinId: '123-PQR-789@127.0.0.1' }, /Munchkin id must look like/],
      [{ munchkinId: 'evil.example.com#' }, /Munchkin id must look like/],
      [{ munchkinId: '123-PQR-789.evil.example.com' }, /Munchkin id must look like/],
      [{ munchkinId: '123-PQR-789?x=' }, /Munchkin id must look like/],
      [{ formId: '1179/../1' }, /form id must be the form's number/],
      [{ formId: '0' }, /form id must be the form's number/],
      [{ clientSecret: undefined }, /needs the Munchkin id, form id, client id and client secret/],
    ];
    for (const [over, why] of cases) {
      const e = await failure(marketo(over));
      expect([over, e]).toEqual([over, expect.any(LeadRejected)]);
      expect(e.message).toMatch(why);
    }
    expect(mkto.identityRequests.length).toBe(ids);
    expect(mkto.submitAttempts()).toBe(attempts);

    // A well-formed id of an account that does not exist: its identity URL answers 404.
    const unknown = await failure(marketo({ munchkinId: '999-ZZZ-999' }));
    expect(unknown).toBeInstanceOf(LeadRejected);
    expect(unknown.message).toContain('The Marketo Identity service answered HTTP 404');
  });

  test('without the override the REST base is https://{munchkinId}.mktorest.com; a template without the placeholder is a setting error', async () => {
    expect(restBaseTemplate({})).toBe('https://{munchkinId}.mktorest.com');
    process.env.MARKETO_REST_BASE_URL_TEMPLATE = mkto.origin;
    try {
      const e = await failure(marketo());
      expect(e).not.toBeInstanceOf(LeadRejected); // not the partner's to fix
      expect(e.message).toContain('must contain {munchkinId}');
    } finally {
      process.env.MARKETO_REST_BASE_URL_TEMPLATE = mkto.baseTemplate;
    }
  });
});
