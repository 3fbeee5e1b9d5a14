// Step 1's rules for the Dynamics 365 and Marketo lead destinations, and the write-only secrets of
// both configurations.
import { parseOfferDraft } from '../../../../domain/offer/document';
import { validatePrerequisites } from '../../../../domain/offer/prerequisites';
import { sampleOffer } from '../../../../domain/offer/sample-offer';
import { redactSecrets, restoreSecrets } from '../../../../domain/offer/secrets';

const M = 'microsoft-azure-marketplace.';
const DYN = `definition.offer.${M}dynamicsLeadConfiguration`;
const MKTO = `definition.offer.${M}marketoLeadConfiguration`;

const AAD = {
  instanceUrl: 'https://contoso.crm4.dynamics.com',
  authentication: 'Azure Active Directory',
  applicationId: '23456052-aaaa-bbbb-8662-1234df56788f',
  directoryId: '12345678-8af1-4a5f-1234-12234d01db47',
  applicationKey: '1234ABCDEDFRZ/G/FdY0aUABCEDcqhbLn/ST122345nBc=',
};
const O365 = {
  instanceUrl: 'https://contoso.crm4.dynamics.com',
  authentication: 'Office 365',
  username: 'contoso@contoso.onmicrosoft.com',
  password: 'P@ssw0rd',
};
const MARKETO = {
  munchkinId: '123-PQR-789',
  formId: '1179',
  clientId: '5f2b6c1e-8d3a-4e7f-9b0c-1a2b3c4d5e6f',
  clientSecret: 'mkto-secret-value',
};

function withDestination(kind: 'Dynamics' | 'Marketo', config: Record<string, string | undefined>) {
  const doc = sampleOffer() as any;
  doc.definition.offer[`${M}leadDestination`] = kind;
  delete doc.definition.offer[`${M}tableLeadConfiguration`];
  doc.definition.offer[kind === 'Dynamics' ? `${M}dynamicsLeadConfiguration` : `${M}marketoLeadConfiguration`] =
    Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined));
  // Still a well-typed draft: these are warnings, not 400s.
  const parsed = parseOfferDraft(doc);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.value;
}

const found = (kind: 'Dynamics' | 'Marketo', config: Record<string, string | undefined>) =>
  validatePrerequisites('contoso-vm', withDestination(kind, config)).map(({ path, rule }) => ({ path, rule }));

describe('Dynamics 365 lead destination', () => {
  it.each([
    ['Azure Active Directory', AAD],
    ['Azure Active Directory by default (no authentication given)', { ...AAD, authentication: undefined }],
    [
      'Azure Active Directory spelt without spaces, and a domain name as the directory',
      { ...AAD, authentication: 'azureactivedirectory', directoryId: 'contoso.onmicrosoft.com' },
    ],
    ['Office 365 with user name and password', O365],
    ['an instance URL with a trailing slash', { ...AAD, instanceUrl: 'https://contoso.crm4.dynamics.com/' }],
  ])('accepts %s', (_name, config) => {
    expect(found('Dynamics', config)).toEqual([]);
  });

  it.each([
    [
      'no configuration at all',
      {},
      [
        ['instanceUrl', 'required'],
        ['applicationId', 'required'],
        ['directoryId', 'required'],
        ['applicationKey', 'required'],
      ],
    ],
    ['no instance URL', { ...AAD, instanceUrl: undefined }, [['instanceUrl', 'required']]],
    ['an http instance URL', { ...AAD, instanceUrl: 'http://contoso.crm4.dynamics.com' }, [['instanceUrl', 'url']]],
    [
      'an instance URL with a path',
      { ...AAD, instanceUrl: 'https://contoso.crm4.dynamics.com/main.aspx?appid=1' },
      [['instanceUrl', 'url']],
    ],
    [
      'an instance URL with credentials',
      { ...AAD, instanceUrl: 'https://me:pw@contoso.crm4.dynamics.com' },
      [['instanceUrl', 'url']],
    ],
    ['a relative instance URL', { ...AAD, instanceUrl: 'contoso.crm4.dynamics.com' }, [['instanceUrl', 'url']]],
    ['an unknown authentication', { ...AAD, authentication: 'Kerberos' }, [['authentication', 'enum']]],
    ['AAD without application id', { ...AAD, applicationId: ' ' }, [['applicationId', 'required']]],
    [
      'AAD with an application id that is not a GUID',
      { ...AAD, applicationId: 'contoso-app' },
      [['applicationId', 'guid']],
    ],
    ['AAD without directory id', { ...AAD, directoryId: undefined }, [['directoryId', 'required']]],
    [
      'AAD with a directory id that could change the token URL',
      { ...AAD, directoryId: 'contoso.com/../common' },
      [['directoryId', 'pattern']],
    ],
    ['AAD without application key', { ...AAD, applicationKey: '' }, [['applicationKey', 'required']]],
    [
      'Office 365 without user name and password',
      { ...O365, username: undefined, password: undefined },
      [
        ['username', 'required'],
        ['password', 'required'],
      ],
    ],
    ['Office 365 with a malformed directory id', { ...O365, directoryId: 'x?y' }, [['directoryId', 'pattern']]],
  ] as [string, Record<string, string | undefined>, [string, string][]][])(
    'warns about %s',
    (_name, config, expected) => {
      expect(found('Dynamics', config)).toEqual(expected.map(([field, rule]) => ({ path: `${DYN}.${field}`, rule })));
    },
  );

  it('never quotes the configured values, secrets or not', () => {
    const config = { instanceUrl: 'http://SECRET-HOST.example.com/SECRET-PATH', authentication: 'SECRET-MODE' };
    const text = JSON.stringify(validatePrerequisites('contoso-vm', withDestination('Dynamics', config)));
    expect(text).not.toContain('SECRET');
    const aad = { ...AAD, applicationId: 'SECRET-app', directoryId: 'SECRET/tenant', applicationKey: 'SECRET-key' };
    expect(JSON.stringify(validatePrerequisites('contoso-vm', withDestination('Dynamics', aad)))).not.toContain(
      'SECRET',
    );
  });
});

describe('Marketo lead destination', () => {
  it('accepts a complete configuration (lowercase letters in the Munchkin id too)', () => {
    expect(found('Marketo', MARKETO)).toEqual([]);
    expect(found('Marketo', { ...MARKETO, munchkinId: '123-pqr-789' })).toEqual([]);
  });

  it.each([
    [
      'no configuration at all',
      {},
      [
        ['munchkinId', 'required'],
        ['formId', 'required'],
        ['clientId', 'required'],
        ['clientSecret', 'required'],
      ],
    ],
    [
      'a Munchkin id that would change the host',
      { ...MARKETO, munchkinId: '123-PQR-789.evil.example.com' },
      [['munchkinId', 'pattern']],
    ],
    ['a Munchkin id with a path', { ...MARKETO, munchkinId: '123-PQR-789/x' }, [['munchkinId', 'pattern']]],
    ['a form id that is not a number', { ...MARKETO, formId: 'mktoForm_1179' }, [['formId', 'pattern']]],
    ['no client secret', { ...MARKETO, clientSecret: undefined }, [['clientSecret', 'required']]],
  ] as [string, Record<string, string | undefined>, [string, string][]][])(
    'warns about %s',
    (_name, config, expected) => {
      expect(found('Marketo', config)).toEqual(expected.map(([field, rule]) => ({ path: `${MKTO}.${field}`, rule })));
    },
  );

  it('never quotes the configured values', () => {
    const text = JSON.stringify(
      validatePrerequisites(
        'contoso-vm',
        withDestination('Marketo', { munchkinId: 'SECRET-1', formId: 'SECRET-2', clientId: 'c' }),
      ),
    );
    expect(text).not.toContain('SECRET');
  });
});

describe('Dynamics and Marketo secrets', () => {
  const doc = () => {
    const d = sampleOffer() as any;
    d.definition.offer[`${M}dynamicsLeadConfiguration`] = { ...AAD, username: O365.username, password: O365.password };
    d.definition.offer[`${M}marketoLeadConfiguration`] = { ...MARKETO };
    return d;
  };

  it('are never returned: application key, password and client secret are removed, the rest kept', () => {
    const out = redactSecrets(doc());
    expect(out.definition.offer[`${M}dynamicsLeadConfiguration`]).toEqual({
      instanceUrl: AAD.instanceUrl,
      authentication: AAD.authentication,
      applicationId: AAD.applicationId,
      directoryId: AAD.directoryId,
      username: O365.username,
    });
    expect(out.definition.offer[`${M}marketoLeadConfiguration`]).toEqual({
      munchkinId: MARKETO.munchkinId,
      formId: MARKETO.formId,
      clientId: MARKETO.clientId,
    });
    const text = JSON.stringify(out);
    for (const secret of [AAD.applicationKey, O365.password, MARKETO.clientSecret]) expect(text).not.toContain(secret);
  });

  it('are kept when a partner PUTs back what they read, and replaced when they send new ones', () => {
    const stored = doc();
    const back = restoreSecrets(redactSecrets(stored), stored);
    expect(back).toEqual(stored);
    const changed = redactSecrets(stored);
    changed.definition.offer[`${M}marketoLeadConfiguration`].clientSecret = 'rotated';
    expect(restoreSecrets(changed, stored).definition.offer[`${M}marketoLeadConfiguration`].clientSecret).toBe(
      'rotated',
    );
  });
});
