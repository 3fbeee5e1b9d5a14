// Conformance with Microsoft's Cloud Partner Portal API reference (api-version 2017-10-31), written
// from the reference pages' own examples and tables (reference/README.md names each page and
// revision), not from our code: every documented request example is sent as printed, every field
// of a documented response example must be in our answer with the same JSON type and spelling, and
// the documented status codes are the ones answered.
import fs from 'node:fs';
import path from 'node:path';
import { sampleOffer } from '../../domain/offer/sample-offer';
import { Partner } from '../support/partner-api';
import { startStack, Stack } from '../support/stack';
import { uploadVhd } from '../support/vhd-images';

const REF = path.join(__dirname, 'reference');
const example = (name: string): unknown => JSON.parse(fs.readFileSync(path.join(REF, name), 'utf8'));
const exampleText = (name: string): string => fs.readFileSync(path.join(REF, name), 'utf8');

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/**
 * Every field of the documented example is present in `actual` with the same JSON type, at every
 * depth (array items are compared with the example's first item). Returns the mismatches by path.
 */
function shapeMismatches(documented: unknown, actual: unknown, at = '$'): string[] {
  if (documented === null) return [];
  if (kind(documented) !== kind(actual)) return [`${at}: documented ${kind(documented)}, answered ${kind(actual)}`];
  if (Array.isArray(documented)) {
    const items = actual as unknown[];
    if (documented.length === 0 || items.length === 0) return [];
    return items.flatMap((item, i) => shapeMismatches(documented[0], item, `${at}[${i}]`));
  }
  if (typeof documented === 'object') {
    const a = actual as Record<string, unknown>;
    return Object.entries(documented as Record<string, unknown>).flatMap(([k, v]) =>
      k in a ? shapeMismatches(v, a[k], `${at}.${k}`) : [`${at}.${k}: missing`],
    );
  }
  return [];
}

let stack: Stack;
let contoso: Partner;
let goodVhd: string;

beforeAll(async () => {
  stack = await startStack('.', {
    DEV_PUBLISHERS: 'contoso:contoso-key,fabrikam:fabrikam-key',
    PROVISION_REGIONS: 'eastus,westeurope',
  });
  contoso = new Partner(stack, 'contoso', 'contoso-key');
  goodVhd = await uploadVhd(stack.connectionString, 'vhds', 'conformance-30g.vhd');
});
afterAll(async () => {
  await stack?.stop();
});

const OFFER = 'contosovirtualmachine'; // the id the reference's examples use

describe('Create or modify an offer (creating-offer)', () => {
  for (const revision of ['2018', '2021'] as const) {
    test(`the ${revision} request example → 201, and a GET returns every field it sent`, async () => {
      const offerId = `${OFFER}${revision}`;
      const body = example(`create-offer.request.${revision}.json`) as {
        id: string;
        definition: Record<string, Json>;
        offerTypeVersions: Json;
      };
      body.id = offerId;
      const res = await contoso.call('PUT', `/offers/${offerId}?api-version=2017-10-31`, body);
      expect(res.status).toBe(201);
      expect(res.headers.get('etag')).toBeTruthy();
      const created = (await res.json()) as Record<string, unknown>;
      // The documented create answer's fields, with their types.
      const documented = example(`create-offer.response.${revision}.json`) as Record<string, unknown>;
      const { definition: _d, ...topLevel } = documented;
      expect(shapeMismatches(topLevel, created)).toEqual([]);
      expect(created).toMatchObject({
        offerTypeId: 'microsoft-azure-virtualmachines',
        publisherId: 'contoso',
        id: offerId,
        status: 'neverPublished',
        version: 1,
      });

      const got = (await (
        await contoso.call('GET', `/offers/${offerId}?api-version=2017-10-31`)
      ).json()) as typeof body;
      // Artifact URLs are only rewritten at publish, so a draft gives back exactly what was sent.
      expect(got.definition).toEqual(body.definition);
      expect(got.offerTypeVersions).toEqual(body.offerTypeVersions);
    });
  }

  test('the documented GET answers (both revisions) can be sent back as they are, with If-Match: *', async () => {
    for (const name of [
      'create-offer.response.2018.json',
      'create-offer.response.2021.json',
      'retrieve-specific-offer.response.2018.json',
      'retrieve-specific-offer.response.2020.json',
    ]) {
      const body = example(name) as { id: string };
      const offerId = `readback-${name.split('.')[0].slice(0, 20)}-${name.includes('2018') ? 'a' : 'b'}`;
      body.id = offerId;
      const first = await contoso.call('PUT', `/offers/${offerId}`, body);
      expect({ name, status: first.status, body: first.status === 201 ? '' : await first.text() }).toEqual({
        name,
        status: 201,
        body: '',
      });
      const again = await contoso.call('PUT', `/offers/${offerId}`, body, { 'If-Match': '*' });
      expect({ name, status: again.status }).toEqual({ name, status: 200 });
    }
  });

  test('concurrency control: modifying without If-Match → 400, a stale ETag → 412, * → 200', async () => {
    const body = example('create-offer.request.2018.json') as { id: string };
    body.id = 'concurrency-vm';
    const created = await contoso.call('PUT', '/offers/concurrency-vm', body);
    expect(created.status).toBe(201);
    const etag = created.headers.get('etag')!;
    expect((await contoso.call('PUT', '/offers/concurrency-vm', body)).status).toBe(400);
    expect((await contoso.call('PUT', '/offers/concurrency-vm', body, { 'If-Match': etag })).status).toBe(200);
    expect((await contoso.call('PUT', '/offers/concurrency-vm', body, { 'If-Match': etag })).status).toBe(412);
    expect((await contoso.call('PUT', '/offers/concurrency-vm', body, { 'If-Match': '*' })).status).toBe(200);
  });

  test('a wrong type inside a documented field → 400 naming its path, and nothing is saved', async () => {
    const body = example('create-offer.request.2018.json') as {
      id: string;
      definition: { plans: Record<string, unknown>[]; offer: Record<string, unknown> };
    };
    body.id = 'typed-vm';
    body.definition.plans[0].virtualMachinePricing = { isByol: 'yes', freeTrialDurationInMonths: 0 };
    body.definition.offer['microsoft-azure-marketplace.usefulLinks'] = [{ linkTitle: 'x', linkUrl: 42 }];
    const res = await contoso.call('PUT', '/offers/typed-vm', body);
    expect(res.status).toBe(400);
    const err = (await res.json()) as { error: { code: string; message: string; details: { path: string }[] } };
    expect(err.error.details.map((d) => d.path).sort()).toEqual([
      'definition.offer.microsoft-azure-marketplace.usefulLinks[0].linkUrl',
      'definition.plans[0].virtualMachinePricing.isByol',
    ]);
    expect((await contoso.call('GET', '/offers/typed-vm')).status).toBe(404);
  });

  test('a field in no revision of the reference is refused by name', async () => {
    const body = example('create-offer.request.2021.json') as {
      id: string;
      definition: { plans: Record<string, unknown>[] };
    };
    body.id = 'typo-vm';
    body.definition.plans[0]['microsoft-azure-virtualmachines.skuTitel'] = 'typo';
    const res = await contoso.call('PUT', '/offers/typo-vm', body);
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain('definition.plans[0].microsoft-azure-virtualmachines.skuTitel');
  });
});

describe('Retrieve offers and a specific offer', () => {
  test('the list items carry the documented fields, definition.displayText among them', async () => {
    const list = (await (await contoso.call('GET', '/offers?api-version=2017-10-31')).json()) as Record<
      string,
      unknown
    >[];
    const documented = (example('retrieve-offers.response.2020.json') as unknown[])[0];
    expect(list.length).toBeGreaterThan(0);
    expect(shapeMismatches([documented], list)).toEqual([]);
    const mine = list.find((o) => o.id === `${OFFER}2018`) as { definition: { displayText: string } };
    expect(mine.definition.displayText).toBe('Contoso Virtual Machine Offer');
  });

  test('a specific offer carries the documented fields; slots answer in any case; unknown versions are 404', async () => {
    const got = (await (await contoso.call('GET', `/offers/${OFFER}2021`)).json()) as Record<string, unknown>;
    const { definition: _d, ...documented } = example('retrieve-specific-offer.response.2018.json') as Record<
      string,
      unknown
    >;
    expect(shapeMismatches(documented, got)).toEqual([]);
    for (const slot of ['Draft', 'draft', 'DRAFT'])
      expect((await contoso.call('GET', `/offers/${OFFER}2021/slot/${slot}`)).status).toBe(200);
    for (const slot of ['Preview', 'Production', 'preview'])
      expect((await contoso.call('GET', `/offers/${OFFER}2021/slot/${slot}`)).status).toBe(404); // never previewed
    expect((await contoso.call('GET', `/offers/${OFFER}2021/slot/staging`)).status).toBe(400);
    expect((await contoso.call('GET', `/offers/${OFFER}2021/versions/1`)).status).toBe(200); // the draft's version
    expect((await contoso.call('GET', `/offers/${OFFER}2021/versions/2`)).status).toBe(404);
    expect((await contoso.call('GET', '/offers/no-such-offer')).status).toBe(404);
  });

  test('an unknown api-version → 400 InvalidAPIVersion naming the supported version', async () => {
    for (const p of [
      '/offers?api-version=2016-01-01',
      `/offers/${OFFER}2018?api-version=latest`,
      `/offers/${OFFER}2018/status?api-version=2017-10-30`,
    ]) {
      const res = await contoso.call('GET', p);
      expect(res.status).toBe(400);
      const err = (await res.json()) as { error: { code: string; message: string } };
      expect(shapeMismatches(example('invalid-api-version.response.2020.json'), err)).toEqual([]);
      expect(err.error.code).toBe('InvalidAPIVersion');
      expect(err.error.message).toMatch(/Allowed values are \[2017-10-31\]/);
    }
  });
});

describe('Publish, status, operations, Go Live and Cancel', () => {
  const offerId = 'conformance-vm';
  let publishLocation = '';

  test('publish with the printed (single-quoted) example → 202 with Location of the operation', async () => {
    expect(
      (
        await contoso.putOffer(
          offerId,
          sampleOffer({ offerId, osVhdUrl: goodVhd, leadConnectionString: stack.connectionString }),
        )
      ).status,
    ).toBe(201);
    const res = await contoso.call(
      'POST',
      `/offers/${offerId}/publish?api-version=2017-10-31`,
      exampleText('publish.request.2020.txt'),
    );
    expect(res.status).toBe(202);
    publishLocation = res.headers.get('location')!;
    // "The relative path to retrieve this operation's status" (2020), or Operation-Location (2018).
    expect(publishLocation).toMatch(
      new RegExp(`^/api/publishers/contoso/offers/${offerId}/operations/[0-9a-f-]{36}\\?api-version=2017-10-31$`),
    );
    expect(new URL(res.headers.get('operation-location')!).pathname).toBe(publishLocation.split('?')[0]);
    const status = await contoso.waitForStatus(offerId, ['waitingForPublisherReview', 'failed'], 60_000);
    expect(status.status).toBe('waitingForPublisherReview');
    expect(status.notificationEmails).toBe('jdoe@contoso.com');
  });

  test('the status body has every documented field and only documented status values', async () => {
    const body = (await (await contoso.call('GET', `/offers/${offerId}/status`)).json()) as {
      status: string;
      steps: { status: string }[];
    };
    expect(shapeMismatches(example('retrieve-offer-status.response.2020.json'), body)).toEqual([]);
    expect([
      'neverPublished',
      'notStarted',
      'waitingForPublisherReview',
      'running',
      'succeeded',
      'canceled',
      'failed',
    ]).toContain(body.status);
    const stepStatuses = [
      'notStarted',
      'inProgress',
      'waitingForPublisherReview',
      'waitingForApproval',
      'blocked',
      'rejected',
      'complete',
      'canceled',
    ];
    for (const s of body.steps) expect(stepStatuses).toContain(s.status);
  });

  test('GET of the Location answers the documented operation body', async () => {
    const res = await fetch(stack.url(publishLocation), { headers: { authorization: 'Bearer contoso-key' } });
    expect(res.status).toBe(200);
    const op = (await res.json()) as Record<string, unknown>;
    const documented = (example('retrieve-operations.operation.response.2020.json') as unknown[])[0];
    expect(shapeMismatches(documented, op)).toEqual([]);
    // The fields the page's table lists besides the example's.
    for (const f of ['id', 'submissionType', 'createdDateTime', 'lastActionDateTime', 'status'])
      expect(op).toHaveProperty(f);
    expect(op).toMatchObject({
      submissionType: 'publish',
      status: 'completed',
      publishingVersion: 1,
      cancellationRequestState: 'canCancel',
    });
    expect((op.steps as unknown[]).length).toBeGreaterThan(0);
    expect((op.previewLinks as unknown[]).length).toBeGreaterThan(0);
  });

  test('the submissions list carries the documented fields; ?status= filters by the documented values', async () => {
    const list = (await (
      await contoso.call('GET', `/offers/${offerId}/submissions?api-version=2017-10-31`)
    ).json()) as Record<string, unknown>[];
    expect(shapeMismatches(example('retrieve-operations.list.response.2020.json'), list)).toEqual([]);
    expect(list[0]).toMatchObject({
      submissionType: 'publish',
      offerTypeId: 'microsoft-azure-virtualmachines',
      publisherId: 'contoso',
      offerId,
      definition: { metadata: { emails: 'jdoe@contoso.com' } },
    });
    for (const [filter, n] of [
      ['completed', 1],
      ['running', 0],
      ['failed', 0],
      ['notStarted', 0],
    ] as const) {
      const filtered = (await (
        await contoso.call('GET', `/offers/${offerId}/submissions?status=${filter}`)
      ).json()) as unknown[];
      expect({ filter, n: filtered.length }).toEqual({ filter, n });
    }
    expect((await contoso.call('GET', `/offers/${offerId}/submissions?status=bogus`)).status).toBe(400);
  });

  test('cancel with the documented body at sign-off → 202; cancel again → 200; then Go Live has nothing to act on → 400', async () => {
    const res = await contoso.call(
      'POST',
      `/offers/${offerId}/cancel?api-version=2017-10-31`,
      example('cancel.request.2020.json'),
    );
    expect(res.status).toBe(202);
    expect(res.headers.get('location')).toMatch(/\/operations\/[0-9a-f-]{36}\?api-version=2017-10-31$/);
    await contoso.waitForStatus(offerId, ['canceled']);
    expect((await contoso.call('POST', `/offers/${offerId}/cancel`, example('cancel.request.2020.json'))).status).toBe(
      200,
    );
    const golive = await contoso.call('POST', `/offers/${offerId}/golive?api-version=2017-10-31`);
    expect(golive.status).toBe(400);
    expect(((await golive.json()) as { error: { code: string } }).error.code).toBeTruthy();
  });

  test('version is incremented per publish, not per save; every published version can be read', async () => {
    const before = (await (await contoso.call('GET', `/offers/${offerId}`)).json()) as { version: number };
    expect(before.version).toBe(2); // published once
    const current = await contoso.call('GET', `/offers/${offerId}`);
    const doc = sampleOffer({ offerId, osVhdUrl: goodVhd, leadConnectionString: stack.connectionString });
    const saved = await contoso.putOffer(offerId, doc, current.headers.get('etag')!);
    expect(((await saved.json()) as { version: number }).version).toBe(2); // a save does not change it
    expect((await contoso.publish(offerId)).status).toBe(202);
    await contoso.waitForStatus(offerId, ['waitingForPublisherReview']);
    expect(((await (await contoso.call('GET', `/offers/${offerId}`)).json()) as { version: number }).version).toBe(3);
    for (const n of [1, 2]) {
      const v = await contoso.call('GET', `/offers/${offerId}/versions/${n}`);
      expect({ n, status: v.status }).toEqual({ n, status: 200 });
      expect(((await v.json()) as { version: number }).version).toBe(n);
    }
    const go = await contoso.call('POST', `/offers/${offerId}/golive`);
    expect(go.status).toBe(202);
    await contoso.waitForStatus(offerId, ['succeeded']);
    const cancelLive = await contoso.call('POST', `/offers/${offerId}/cancel`);
    expect(cancelLive.status).toBe(400); // live: nothing to cancel
    const production = (await (await contoso.call('GET', `/offers/${offerId}/slot/Production`)).json()) as {
      version: number;
    };
    expect(production.version).toBe(2);
  });
});
