// The partner API at its edges, tried as an attacker or an unlucky client would: encoded slashes
// in ids, forged continuation tokens, races between publish, delete and save. Every answer is a
// documented 4xx (never a 500), and a losing request leaves nothing behind.
import { sampleOffer } from '../../domain/offer/sample-offer';
import { Partner } from '../support/partner-api';
import { startStack, Stack } from '../support/stack';
import { uploadVhd } from '../support/vhd-images';

const OPS = 'ops-boundaries-key';
let stack: Stack;
let contoso: Partner;
let vhd: string;

beforeAll(async () => {
  stack = await startStack('.', {
    DEV_PUBLISHERS: 'contoso:contoso-key',
    PROVISION_REGIONS: 'eastus',
    OPS_ADMIN_KEY: OPS,
  });
  contoso = new Partner(stack, 'contoso', 'contoso-key');
  vhd = await uploadVhd(stack.connectionString, 'vhds', 'boundaries-30g.vhd');
});
afterAll(async () => {
  await stack?.stop();
});

const offer = (offerId: string) =>
  sampleOffer({ offerId, osVhdUrl: vhd, leadConnectionString: stack.connectionString });

test('an encoded slash (or other junk) in an offer id is a 4xx on every route, at once', async () => {
  const started = Date.now();
  for (const id of ['a%2Fb', '..%2F..%2Fx', 'a%5Cb', 'A%20B', '%00']) {
    for (const [method, path, body] of [
      ['GET', `/offers/${id}`],
      ['PUT', `/offers/${id}`, offer('x')],
      ['DELETE', `/offers/${id}`],
      ['GET', `/offers/${id}/status`],
      ['GET', `/offers/${id}/submissions`],
      ['GET', `/offers/${id}/versions/1`],
      ['GET', `/offers/${id}/slot/draft`],
      ['POST', `/offers/${id}/publish`, { metadata: { 'notification-emails': 'a@b.com' } }],
      ['POST', `/offers/${id}/golive`],
      ['POST', `/offers/${id}/cancel`],
    ] as const) {
      const res = await contoso.call(method, path, body);
      expect({ method, path, status: res.status }).toEqual({
        method,
        path,
        status: res.status >= 400 && res.status < 500 ? res.status : 'a 4xx',
      });
      const err = (await res.json()) as { error: { code: string } };
      expect(err.error.code).toBeTruthy();
    }
  }
  expect(Date.now() - started).toBeLessThan(30_000); // no storage retries behind the answers
});

test('a forged continuation token is a 400 on every list', async () => {
  for (const path of ['/offers', '/outbox', '/leads']) {
    for (const token of ['not-a-token', 'eyJub3QiOiJhIHRva2VuIn0', '%%%', 'a'.repeat(5000)]) {
      const res = await contoso.call('GET', `${path}?continuationToken=${encodeURIComponent(token)}`);
      expect({ path, token: token.slice(0, 20), status: res.status }).toEqual({
        path,
        token: token.slice(0, 20),
        status: 400,
      });
    }
  }
});

test('a publish racing a delete: a 4xx or a publish, never a 500, and no orphan', async () => {
  for (let i = 0; i < 5; i++) {
    const id = `race-delete-${i}`;
    await contoso.putOffer(id, offer(id));
    const [publish, del] = await Promise.all([contoso.publish(id), contoso.call('DELETE', `/offers/${id}`)]);
    expect([202, 404, 409]).toContain(publish.status);
    expect([204, 404, 409]).toContain(del.status);
    if (del.status === 204) {
      expect(publish.status).not.toBe(202);
      expect((await contoso.call('GET', `/offers/${id}/status`)).status).toBe(404);
    }
  }
});

test('concurrent publishes: one wins, the losers leave no snapshot and do not move the version', async () => {
  await contoso.putOffer('race-publish', offer('race-publish'));
  const answers = await Promise.all(Array.from({ length: 4 }, () => contoso.publish('race-publish')));
  const statuses = answers.map((r) => r.status).sort();
  expect(statuses.filter((s) => s === 202)).toHaveLength(1);
  expect(statuses.every((s) => s === 202 || s === 409)).toBe(true);
  const got = (await (await contoso.call('GET', '/offers/race-publish')).json()) as { version: number };
  expect(got.version).toBe(2); // one publish
  expect((await contoso.call('GET', '/offers/race-publish/versions/1')).status).toBe(200);
  expect((await contoso.call('GET', '/offers/race-publish/versions/3')).status).toBe(404);
  const subs = (await (await contoso.call('GET', '/offers/race-publish/submissions')).json()) as unknown[];
  expect(subs).toHaveLength(1);
});

test('If-Match: * is last-one-wins: concurrent saves all succeed', async () => {
  await contoso.putOffer('star-vm', offer('star-vm'));
  const answers = await Promise.all(
    Array.from({ length: 8 }, (_, i) => {
      const doc = offer('star-vm');
      doc.definition.displayText = `Writer ${i}`;
      return contoso.putOffer('star-vm', doc, '*');
    }),
  );
  expect(answers.map((r) => r.status)).toEqual(Array(8).fill(200));
});

test('an offer whose orchestration ended without recording it (wedged) has an ops exit', async () => {
  await contoso.putOffer('wedged-vm', offer('wedged-vm'));
  expect((await contoso.publish('wedged-vm')).status).toBe(202);
  await contoso.waitForStatus('wedged-vm', ['waitingForPublisherReview']);
  const id = encodeURIComponent('publish:contoso:wedged-vm:v1');
  // Ended behind the service's back (as a crashed engine or a hand-made terminate would leave it):
  const killed = await fetch(stack.url(`/runtime/webhooks/durabletask/instances/${id}/terminate?reason=gone`), {
    method: 'POST',
  });
  expect([200, 202]).toContain(killed.status);
  await new Promise((r) => setTimeout(r, 500));
  expect((await contoso.status('wedged-vm')).status).toBe('waitingForPublisherReview');
  expect((await contoso.publish('wedged-vm')).status).toBe(409);
  // Terminate refuses an instance that is no longer running; release does not.
  const ops = { authorization: `Bearer ${OPS}`, 'content-type': 'application/json' };
  expect((await fetch(stack.url(`/api/ops/instances/${id}/terminate`), { method: 'POST', headers: ops })).status).toBe(
    409,
  );
  const released = await fetch(stack.url(`/api/ops/instances/${id}/release`), {
    method: 'POST',
    headers: ops,
    body: JSON.stringify({ reason: 'The orchestration was lost.' }),
  });
  expect(released.status).toBe(200);
  expect(await released.json()).toMatchObject({ runtimeStatus: 'Terminated', terminated: false, released: true });
  const s = await contoso.status('wedged-vm');
  expect(s.status).toBe('failed');
  expect(JSON.stringify(s.steps)).toContain('The orchestration was lost.');
  expect((await contoso.publish('wedged-vm')).status).toBe(202);
  // A publisher key cannot release anything.
  expect(
    (
      await fetch(stack.url(`/api/ops/instances/${id}/release`), {
        method: 'POST',
        headers: { authorization: 'Bearer contoso-key' },
      })
    ).status,
  ).toBe(401);
});
