// Every lead destination secret is left out of what a GET returns (the offer, its versions, its
// slots all go through redactSecrets), and kept when a partner PUTs back what it read.
import { redactSecrets, restoreSecrets } from '../../../../domain/offer/secrets';

const M = 'microsoft-azure-marketplace.';
const FIELDS: [string, string, string][] = [
  ['tableLeadConfiguration', 'connectionString', 'DefaultEndpointsProtocol=https;AccountName=x;AccountKey=SECRET'],
  ['httpsEndpointLeadConfiguration', 'httpsEndpointUrl', 'https://crm.example.com/leads?code=SECRET'],
  ['salesForceLeadConfiguration', 'objectIdentifier', '00DSECRET'],
  ['dynamicsLeadConfiguration', 'applicationKey', 'SECRET-key'],
  ['dynamicsLeadConfiguration', 'password', 'SECRET-password'],
  ['marketoLeadConfiguration', 'clientSecret', 'SECRET-client'],
];

describe.each(FIELDS)('%s.%s', (config, field, value) => {
  const doc = () => ({ definition: { offer: { [`${M}${config}`]: { [field]: value, other: 'kept' } }, plans: [] } });

  test('is not returned', () => {
    const out = redactSecrets(doc());
    expect(JSON.stringify(out)).not.toContain('SECRET');
    expect(out.definition.offer[`${M}${config}`]).toEqual({ other: 'kept' });
  });

  test('is kept when the document comes back without it, and replaced when a new one is sent', () => {
    const stored = doc();
    const back = restoreSecrets(redactSecrets(doc()), stored);
    expect((back.definition.offer[`${M}${config}`] as Record<string, string>)[field]).toBe(value);
    const changed = { definition: { offer: { [`${M}${config}`]: { [field]: 'new-value' } }, plans: [] } };
    expect((restoreSecrets(changed, stored).definition.offer[`${M}${config}`] as Record<string, string>)[field]).toBe(
      'new-value',
    );
  });
});
