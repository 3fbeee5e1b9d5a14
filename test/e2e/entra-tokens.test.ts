// The partner API with Entra ID access tokens from the development issuer, against a started app:
// every way a token can be wrong is a 401 with the Bearer challenge, a principal of another
// publisher or a role short of the action is a 403 with a code, and publisher keys keep working.
import { generateKeyPair } from 'jose';
import { sampleOffer } from '../../domain/offer/sample-offer';
import type { DevIssuer } from '../../tools/dev-issuer/issuer';
import { DEVON, MIA, OLIVIA, PIPELINE_SP, startDevIssuer } from '../support/dev-identities';
import { Partner } from '../support/partner-api';
import { startStack, Stack } from '../support/stack';

let issuer: DevIssuer;
let stack: Stack;
let key: Partner;

beforeAll(async () => {
  issuer = await startDevIssuer();
  stack = await startStack('.', { DEV_PUBLISHERS: 'contoso:contoso-key,fabrikam:fabrikam-key', ...issuer.settings() });
  key = new Partner(stack, 'contoso', 'contoso-key');
  // The key acts as contoso's Owner and adds the first members.
  for (const [objectId, kind, role] of [
    [OLIVIA.objectId, 'user', 'Owner'],
    [MIA.objectId, 'user', 'Manager'],
    [DEVON.objectId, 'user', 'Developer'],
    [PIPELINE_SP, 'servicePrincipal', 'Developer'],
  ])
    expect((await key.call('PUT', `/users/${objectId}`, { kind, role })).status).toBe(201);
});
afterAll(async () => {
  await stack?.stop();
  await issuer?.close();
});

const as = async (token: string | Promise<string>, publisherId = 'contoso') =>
  new Partner(stack, publisherId, await token);

async function errorOf(
  res: Response,
): Promise<{ status: number; code: string; message: string; challenge: string | null }> {
  const body = (await res.json()) as { error: { code: string; message: string } };
  return { status: res.status, ...body.error, challenge: res.headers.get('www-authenticate') };
}

test("a member's token works with the role the Owner gave: Olivia reads and writes, and the members list shows who added whom", async () => {
  const olivia = await as(issuer.userToken(OLIVIA));
  expect((await olivia.call('GET', '/offers')).status).toBe(200);
  const list = (await (await olivia.call('GET', '/users')).json()) as {
    objectId: string;
    role: string;
    changedBy: string;
  }[];
  expect(list.find((m) => m.objectId === DEVON.objectId)).toMatchObject({
    role: 'Developer',
    changedBy: expect.stringMatching(/^key:/),
  });
});

test.each([
  ['another issuer', { iss: 'https://login.microsoftonline.com/another-tenant/v2.0' }, {}, /issuer/],
  ['another audience', { aud: 'api://another-api' }, {}, /audience|aud/],
  ['an expired token', {}, { expiresIn: -3600 }, /expired/],
  ['a token not valid yet', {}, { notBefore: 3600 }, /not valid yet/],
])('%s is 401 with WWW-Authenticate: Bearer error="invalid_token"', async (_, claims, options, message) => {
  const token = await issuer.mint({ oid: OLIVIA.objectId, scp: 'Offers.ReadWrite', ...claims }, options);
  const e = await errorOf(await (await as(token)).call('GET', '/offers'));
  expect(e).toMatchObject({ status: 401, code: 'Unauthorized' });
  expect(e.message).toMatch(message);
  expect(e.challenge).toMatch(/^Bearer error="invalid_token"/);
});

test('a token signed by a key the issuer never published is 401 invalid_token', async () => {
  const { privateKey } = await generateKeyPair('RS256');
  const forged = await issuer.mint({ oid: OLIVIA.objectId, scp: 'Offers.ReadWrite' }, { signWith: privateKey });
  const e = await errorOf(await (await as(forged)).call('GET', '/offers'));
  expect(e).toMatchObject({ status: 401, message: expect.stringMatching(/signature/) });
  expect(e.challenge).toMatch(/error="invalid_token"/);
});

test("a good token for a publisher its principal is not a user of is 403 NotAMember; a token without the API's scope is 403 insufficient_scope", async () => {
  const e = await errorOf(await (await as(issuer.userToken(OLIVIA), 'fabrikam')).call('GET', '/offers'));
  expect(e).toMatchObject({ status: 403, code: 'NotAMember' });
  const scope = await errorOf(await (await as(issuer.userToken(OLIVIA, 'User.Read'))).call('GET', '/offers'));
  expect(scope).toMatchObject({ status: 403, code: 'InsufficientScope' });
  expect(scope.challenge).toMatch(/error="insufficient_scope"/);
});

test('a Developer edits but cannot Go Live, delete a draft or manage users; a Manager gets past the role check to Go Live', async () => {
  const devon = await as(issuer.userToken(DEVON));
  expect((await devon.putOffer('devon-offer', sampleOffer({ offerId: 'devon-offer' }))).status).toBe(201);
  const golive = await errorOf(await devon.call('POST', '/offers/devon-offer/golive'));
  expect(golive).toMatchObject({ status: 403, code: 'RoleNotPermitted' });
  expect(golive.message).toMatch(/Owner or Manager role; you are Developer/);
  expect((await errorOf(await devon.call('DELETE', '/offers/devon-offer'))).code).toBe('RoleNotPermitted');
  expect((await errorOf(await devon.call('GET', '/users'))).code).toBe('RoleNotPermitted');
  // The Manager's Go Live is refused only for the offer's state (never published), not the role.
  const mia = await as(issuer.userToken(MIA));
  const managed = await mia.call('POST', '/offers/devon-offer/golive');
  expect(managed.status).not.toBe(403);
  expect(managed.status).toBeLessThan(500);
  expect((await errorOf(await mia.call('PUT', `/users/${DEVON.objectId}`, { kind: 'user', role: 'Owner' }))).code).toBe(
    'RoleNotPermitted',
  );
});

test("a service principal's application token acts with its member role; as a user it would not match", async () => {
  const pipeline = await as(issuer.appToken(PIPELINE_SP));
  expect((await pipeline.call('GET', '/offers')).status).toBe(200);
  expect((await errorOf(await pipeline.call('POST', '/offers/devon-offer/golive'))).code).toBe('RoleNotPermitted');
  const asUser = await as(issuer.mint({ oid: PIPELINE_SP, scp: 'Offers.ReadWrite' }));
  expect((await errorOf(await asUser.call('GET', '/offers'))).code).toBe('NotAMember');
});

test('an Owner removes a member, whose token then stops working; bad member requests are 400 naming the field', async () => {
  const olivia = await as(issuer.userToken(OLIVIA));
  const bad = await errorOf(await olivia.call('PUT', `/users/${MIA.objectId}`, { kind: 'user', role: 'Admin' }));
  expect(bad).toMatchObject({ status: 400, message: expect.stringMatching(/^role:/) });
  expect((await errorOf(await olivia.call('PUT', '/users/not-a-guid', { kind: 'user', role: 'Owner' }))).code).toBe(
    'InvalidObjectId',
  );
  const temp = '0a000000-0000-4000-8000-0000000000ff';
  expect((await olivia.call('PUT', `/users/${temp}`, { kind: 'user', role: 'Manager' })).status).toBe(201);
  const tempToken = await as(issuer.mint({ oid: temp, scp: 'Offers.ReadWrite' }));
  expect((await tempToken.call('GET', '/offers')).status).toBe(200);
  expect((await olivia.call('DELETE', `/users/${temp}`)).status).toBe(204);
  expect((await errorOf(await tempToken.call('GET', '/offers'))).code).toBe('NotAMember');
});

test('api/me lists the publishers a token principal belongs to; keys and bad keys answer as before', async () => {
  const me = await fetch(stack.url('/api/me'), { headers: { authorization: `Bearer ${await issuer.userToken(MIA)}` } });
  expect(await me.json()).toMatchObject({
    kind: 'user',
    id: MIA.objectId,
    publishers: [{ publisherId: 'contoso', role: 'Manager' }],
  });
  expect((await key.call('GET', '/offers')).status).toBe(200);
  expect((await new Partner(stack, 'contoso', 'wrong-key').call('GET', '/offers')).status).toBe(401);
  expect((await new Partner(stack, 'fabrikam', 'contoso-key').call('GET', '/offers')).status).toBe(404);
});

test("history names a token's user or service principal by object id; offer history is a read, the account's needs the Owner role", async () => {
  const devon = await as(issuer.userToken(DEVON));
  expect((await devon.putOffer('devon-history', sampleOffer({ offerId: 'devon-history' }))).status).toBe(201);
  const pipeline = await as(issuer.appToken(PIPELINE_SP));
  expect((await pipeline.putOffer('devon-history', sampleOffer({ offerId: 'devon-history' }), '*')).status).toBe(200);
  const read = await devon.call('GET', '/offers/devon-history/history');
  expect(read.status).toBe(200);
  const entries = (await read.json()) as { event: string; actor: { kind: string; id: string; displayName?: string } }[];
  expect(entries.find((e) => e.event === 'offerCreated')?.actor).toEqual({
    kind: 'user',
    id: DEVON.objectId,
    displayName: DEVON.name,
  });
  expect(entries.find((e) => e.event === 'offerSaved')?.actor).toMatchObject({
    kind: 'servicePrincipal',
    id: PIPELINE_SP,
  });
  const account = await errorOf(await devon.call('GET', '/history'));
  expect(account).toMatchObject({ status: 403, code: 'RoleNotPermitted' });
  expect(account.message).toMatch(/Owner role; you are Developer/);
  expect((await errorOf(await (await as(issuer.userToken(MIA))).call('GET', '/history'))).code).toBe(
    'RoleNotPermitted',
  );
  expect((await (await as(issuer.userToken(OLIVIA))).call('GET', '/history')).status).toBe(200);
});
