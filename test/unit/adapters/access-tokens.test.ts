// The token verifier against the development issuer over real HTTP: each rule a token can break,
// and the keys found through discovery, cached, and fetched again when the issuer rotates them.
import { generateKeyPair } from 'jose';
import { AccessTokens, IssuerUnavailable, TokenRejected } from '../../../adapters/auth/access-tokens';
import { DevIssuer } from '../../../tools/dev-issuer/issuer';

const AUDIENCE = '11111111-2222-4333-8444-555555555555';
const olivia = {
  objectId: 'aaaaaaaa-0000-4000-8000-000000000001',
  name: 'Olivia Owner',
  username: 'olivia@contoso.test',
};

let issuer: DevIssuer;
let tokens: AccessTokens;

beforeEach(async () => {
  issuer = await DevIssuer.start({ audience: AUDIENCE, clientId: 'portal', redirectUris: [], users: [olivia] });
  tokens = new AccessTokens({ issuer: issuer.issuer, audience: [AUDIENCE] }, { refetchCooldownMs: 0 });
});
afterEach(() => issuer.close());

async function rejection(token: string): Promise<TokenRejected> {
  const e = await tokens.verify(token).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(TokenRejected);
  return e as TokenRejected;
}

test("a user's token names the user by object id; a service principal's by its object id", async () => {
  await expect(tokens.verify(await issuer.userToken(olivia))).resolves.toEqual({
    kind: 'user',
    objectId: olivia.objectId,
    displayName: 'Olivia Owner',
  });
  const sp = 'bbbbbbbb-0000-4000-8000-000000000002';
  await expect(tokens.verify(await issuer.appToken(sp))).resolves.toMatchObject({
    kind: 'servicePrincipal',
    objectId: sp,
  });
});

test.each([
  ['another issuer', { iss: 'https://login.microsoftonline.com/other/v2.0' }, {}, /issuer \(iss\)/],
  ['another audience', { aud: 'api://someone-else' }, {}, /not for this API \(aud\)/],
  ['an expired token', {}, { expiresIn: -600 }, /expired/],
  ['a token not valid yet', {}, { notBefore: 600 }, /not valid yet \(nbf\)/],
  ['no object id', { oid: undefined }, {}, /object id/],
])('%s is invalid_token', async (_, claims, options, message) => {
  const token = await issuer.mint({ oid: olivia.objectId, scp: 'Offers.ReadWrite', ...claims }, options);
  const e = await rejection(token);
  expect(e.error).toBe('invalid_token');
  expect(e.message).toMatch(message);
});

test("a token signed with a key that is not the issuer's, under the issuer's key id, fails its signature", async () => {
  const { privateKey } = await generateKeyPair('RS256');
  const e = await rejection(
    await issuer.mint({ oid: olivia.objectId, scp: 'Offers.ReadWrite' }, { signWith: privateKey }),
  );
  expect(e.message).toMatch(/signature/);
});

test('a token without the API scope or application role is insufficient_scope', async () => {
  expect((await rejection(await issuer.userToken(olivia, 'User.Read'))).error).toBe('insufficient_scope');
  expect((await rejection(await issuer.appToken(olivia.objectId, ['Other.Role']))).error).toBe('insufficient_scope');
});

test('the keys are fetched once, and again when a token names a key id the cached set lacks (rotation)', async () => {
  await tokens.verify(await issuer.userToken(olivia));
  await tokens.verify(await issuer.userToken(olivia));
  expect(issuer.jwksFetches).toBe(1);
  await issuer.rotate();
  await expect(tokens.verify(await issuer.userToken(olivia))).resolves.toMatchObject({ objectId: olivia.objectId });
  expect(issuer.jwksFetches).toBe(2);
  // A token made with a key id the issuer never published stays refused after the refetch.
  const e = await rejection(await issuer.mint({ oid: olivia.objectId, scp: 'Offers.ReadWrite' }, { kid: 'retired' }));
  expect(e.message).toMatch(/key the issuer does not publish/);
});

test('an issuer that cannot be reached is IssuerUnavailable, not a bad token', async () => {
  const token = await issuer.userToken(olivia);
  await issuer.close();
  await expect(tokens.verify(token)).rejects.toBeInstanceOf(IssuerUnavailable);
  issuer = await DevIssuer.start({ audience: AUDIENCE, clientId: 'portal', redirectUris: [], users: [] });
});
