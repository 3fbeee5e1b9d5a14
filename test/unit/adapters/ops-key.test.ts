// One rule for the ops key, used by the key-administration endpoints and the ops console alike.
import { checkOpsKey } from '../../../adapters/auth/ops-key';

test('the configured key, as a bearer token, and nothing else', () => {
  const env = { OPS_ADMIN_KEY: 'ops-secret' };
  expect(checkOpsKey('Bearer ops-secret', env)).toBe('ok');
  expect(checkOpsKey('bearer ops-secret ', env)).toBe('ok');
  for (const h of [
    undefined,
    '',
    'ops-secret',
    'Bearer ops-secretx',
    'Bearer ops-secre',
    'Basic ops-secret',
    'Bearer  ',
  ])
    expect({ h, r: checkOpsKey(h, env) }).toEqual({ h, r: 'refused' });
});

test('an unresolved Key Vault reference is no key at all, for every endpoint that asks', () => {
  const ref = '@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/ops-admin-key/)';
  const env = { OPS_ADMIN_KEY: ref };
  expect(checkOpsKey(`Bearer ${ref}`, env)).toBe('disabled');
  expect(checkOpsKey('Bearer x', env)).toBe('disabled');
  expect(checkOpsKey('Bearer x', {})).toBe('disabled');
  expect(checkOpsKey('Bearer x', { OPS_ADMIN_KEY: '   ' })).toBe('disabled');
});
