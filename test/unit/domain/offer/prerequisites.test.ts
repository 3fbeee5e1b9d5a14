import { parseOfferDraft, type OfferDraft } from '../../../../domain/offer/document';
import { validatePrerequisites } from '../../../../domain/offer/prerequisites';
import { sampleOffer } from '../../../../domain/offer/sample-offer';

const O = 'definition.offer.microsoft-azure-marketplace.';
const P = 'definition.plans[0]';
const V = `${P}.microsoft-azure-virtualmachines.`;
const IMG = `${V}vmImages.1.0.0`;

// Mutations work on a plain copy typed loosely: the point is to break the document.
const offer = (d: any) => d.definition.offer;
const plan = (d: any) => d.definition.plans[0];
const image = (d: any) => plan(d)['microsoft-azure-virtualmachines.vmImages']['1.0.0'];
const guid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const disks = (luns: number[]) =>
  luns.map((lun) => ({ lun, lunVhdUri: `https://x.blob.core.windows.net/d/${lun}.vhd` }));

type Case = [name: string, mutate: (doc: any) => void, path: string, rule: string, offerId?: string];

const cases: Case[] = [
  // offer id
  ['offer id missing', () => {}, 'id', 'required', ''],
  ['offer id longer than 50', () => {}, 'id', 'maxLength', 'a'.repeat(51)],
  ['offer id with capitals', () => {}, 'id', 'pattern', 'Contoso-VM'],
  ['offer id ending in -', () => {}, 'id', 'pattern', 'contoso-'],
  // plans
  ['no plan', (d) => (d.definition.plans = []), 'definition.plans', 'required'],
  ['SKU id missing', (d) => delete plan(d).planId, `${P}.planId`, 'required'],
  ['SKU id longer than 50', (d) => (plan(d).planId = 's'.repeat(51)), `${P}.planId`, 'maxLength'],
  ['SKU id with underscore', (d) => (plan(d).planId = 'std_1'), `${P}.planId`, 'pattern'],
  ['SKU id ending in -', (d) => (plan(d).planId = 'std-'), `${P}.planId`, 'pattern'],
  [
    'SKU id used twice',
    (d) => d.definition.plans.push(structuredClone(plan(d))),
    'definition.plans[1].planId',
    'unique',
  ],
  ['SKU title missing', (d) => delete plan(d)['microsoft-azure-virtualmachines.skuTitle'], `${V}skuTitle`, 'required'],
  [
    'SKU title longer than 50',
    (d) => (plan(d)['microsoft-azure-virtualmachines.skuTitle'] = 't'.repeat(51)),
    `${V}skuTitle`,
    'maxLength',
  ],
  [
    'SKU summary missing',
    (d) => (plan(d)['microsoft-azure-virtualmachines.skuSummary'] = ' '),
    `${V}skuSummary`,
    'required',
  ],
  [
    'SKU summary longer than 100',
    (d) => (plan(d)['microsoft-azure-virtualmachines.skuSummary'] = 's'.repeat(101)),
    `${V}skuSummary`,
    'maxLength',
  ],
  ['no region', (d) => (plan(d).regions = []), `${P}.regions`, 'required'],
  [
    'OS family missing',
    (d) => delete plan(d)['microsoft-azure-virtualmachines.operatingSystemFamily'],
    `${V}operatingSystemFamily`,
    'required',
  ],
  [
    'OS friendly name missing',
    (d) => delete plan(d)['microsoft-azure-virtualmachines.operationSystem'],
    `${V}operationSystem`,
    'required',
  ],
  [
    'no recommended size',
    (d) => (plan(d)['microsoft-azure-virtualmachines.recommendedVMSizes'] = []),
    `${V}recommendedVMSizes`,
    'required',
  ],
  [
    '7 recommended sizes',
    (d) =>
      (plan(d)['microsoft-azure-virtualmachines.recommendedVMSizes'] = Array.from({ length: 7 }, (_, i) => `s${i}`)),
    `${V}recommendedVMSizes`,
    'range',
  ],
  // images
  ['no disk version', (d) => (plan(d)['microsoft-azure-virtualmachines.vmImages'] = {}), `${V}vmImages`, 'required'],
  [
    '9 disk versions',
    (d) => {
      const img = image(d);
      plan(d)['microsoft-azure-virtualmachines.vmImages'] = Object.fromEntries(
        Array.from({ length: 9 }, (_, i) => [`1.0.${i}`, img]),
      );
    },
    `${V}vmImages`,
    'range',
  ],
  [
    'disk version not semver',
    (d) => (plan(d)['microsoft-azure-virtualmachines.vmImages'] = { '1.0': image(d) }),
    `${V}vmImages.1.0`,
    'semver',
  ],
  [
    'disk version with a leading zero',
    (d) => (plan(d)['microsoft-azure-virtualmachines.vmImages'] = { '1.01.0': image(d) }),
    `${V}vmImages.1.01.0`,
    'semver',
  ],
  ['OS VHD URL missing', (d) => delete image(d).osVhdUrl, `${IMG}.osVhdUrl`, 'required'],
  ['OS VHD URL relative', (d) => (image(d).osVhdUrl = 'vhds/os.vhd'), `${IMG}.osVhdUrl`, 'url'],
  ['OS VHD URL not http(s)', (d) => (image(d).osVhdUrl = 'ftp://x.example.com/os.vhd'), `${IMG}.osVhdUrl`, 'url'],
  [
    '16 data disks',
    (d) => (image(d).lunVhdDetails = disks(Array.from({ length: 16 }, (_, i) => i))),
    `${IMG}.lunVhdDetails`,
    'range',
  ],
  ['LUNs with a gap', (d) => (image(d).lunVhdDetails = disks([0, 2])), `${IMG}.lunVhdDetails`, 'lunSequence'],
  ['LUNs not starting at 0', (d) => (image(d).lunVhdDetails = disks([1])), `${IMG}.lunVhdDetails`, 'lunSequence'],
  ['LUN repeated', (d) => (image(d).lunVhdDetails = disks([0, 0])), `${IMG}.lunVhdDetails`, 'lunSequence'],
  [
    'LUN missing',
    (d) => (image(d).lunVhdDetails = [{ lunVhdUri: 'https://x.example.com/d.vhd' }]),
    `${IMG}.lunVhdDetails[0].lun`,
    'required',
  ],
  [
    'data disk URL missing',
    (d) => (image(d).lunVhdDetails = [{ lun: 0 }]),
    `${IMG}.lunVhdDetails[0].lunVhdUri`,
    'required',
  ],
  // listing texts
  ['title missing', (d) => delete offer(d)['microsoft-azure-marketplace.title'], `${O}title`, 'required'],
  [
    'title longer than 50',
    (d) => (offer(d)['microsoft-azure-marketplace.title'] = 't'.repeat(51)),
    `${O}title`,
    'maxLength',
  ],
  ['summary missing', (d) => delete offer(d)['microsoft-azure-marketplace.summary'], `${O}summary`, 'required'],
  [
    'summary longer than 100',
    (d) => (offer(d)['microsoft-azure-marketplace.summary'] = 's'.repeat(101)),
    `${O}summary`,
    'maxLength',
  ],
  [
    'long summary missing',
    (d) => delete offer(d)['microsoft-azure-marketplace.longSummary'],
    `${O}longSummary`,
    'required',
  ],
  [
    'long summary longer than 256',
    (d) => (offer(d)['microsoft-azure-marketplace.longSummary'] = 's'.repeat(257)),
    `${O}longSummary`,
    'maxLength',
  ],
  [
    'description missing',
    (d) => delete offer(d)['microsoft-azure-marketplace.description'],
    `${O}description`,
    'required',
  ],
  [
    'description longer than 3000',
    (d) => (offer(d)['microsoft-azure-marketplace.description'] = 'd'.repeat(3_001)),
    `${O}description`,
    'maxLength',
  ],
  // preview audience
  [
    'no preview subscription',
    (d) => delete offer(d)['microsoft-azure-marketplace.allowedSubscriptions'],
    `${O}allowedSubscriptions`,
    'required',
  ],
  [
    '101 preview subscriptions',
    (d) =>
      (offer(d)['microsoft-azure-marketplace.allowedSubscriptions'] = Array.from({ length: 101 }, (_, i) => guid(i))),
    `${O}allowedSubscriptions`,
    'range',
  ],
  [
    'preview subscription not a GUID',
    (d) => (offer(d)['microsoft-azure-marketplace.allowedSubscriptions'][1] = 'my-subscription'),
    `${O}allowedSubscriptions[1]`,
    'guid',
  ],
  [
    'preview subscription object not a GUID',
    (d) =>
      (offer(d)['microsoft-azure-marketplace.allowedSubscriptions'][0] = { subscriptionId: 'x', description: 'QA' }),
    `${O}allowedSubscriptions[0].subscriptionId`,
    'guid',
  ],
  [
    'preview subscription listed twice',
    (d) => {
      const subs = offer(d)['microsoft-azure-marketplace.allowedSubscriptions'];
      subs.push({ subscriptionId: subs[0].toUpperCase() });
    },
    `${O}allowedSubscriptions[2].subscriptionId`,
    'unique',
  ],
  [
    '3 categories',
    (d) => (offer(d)['microsoft-azure-marketplace.categories'] = ['a', 'b', 'c']),
    `${O}categories`,
    'range',
  ],
  // logos and links
  ['small logo missing', (d) => delete offer(d)['microsoft-azure-marketplace.smallLogo'], `${O}smallLogo`, 'required'],
  [
    'medium logo missing',
    (d) => delete offer(d)['microsoft-azure-marketplace.mediumLogo'],
    `${O}mediumLogo`,
    'required',
  ],
  ['large logo missing', (d) => delete offer(d)['microsoft-azure-marketplace.largeLogo'], `${O}largeLogo`, 'required'],
  ['wide logo missing', (d) => delete offer(d)['microsoft-azure-marketplace.wideLogo'], `${O}wideLogo`, 'required'],
  [
    'wide logo not a URL',
    (d) => (offer(d)['microsoft-azure-marketplace.wideLogo'] = 'wide.png'),
    `${O}wideLogo`,
    'url',
  ],
  [
    'privacy URL missing',
    (d) => delete offer(d)['microsoft-azure-marketplace.privacyURL'],
    `${O}privacyURL`,
    'required',
  ],
  [
    'privacy URL not a URL',
    (d) => (offer(d)['microsoft-azure-marketplace.privacyURL'] = 'contoso.com/privacy'),
    `${O}privacyURL`,
    'url',
  ],
  [
    'terms of use missing',
    (d) => delete offer(d)['microsoft-azure-marketplace.termsOfUse'],
    `${O}termsOfUse`,
    'required',
  ],
  // contacts
  [
    'engineering contact name missing',
    (d) => delete offer(d)['microsoft-azure-marketplace.engineeringContactName'],
    `${O}engineeringContactName`,
    'required',
  ],
  [
    'engineering contact e-mail missing',
    (d) => delete offer(d)['microsoft-azure-marketplace.engineeringContactEmail'],
    `${O}engineeringContactEmail`,
    'required',
  ],
  [
    'engineering contact e-mail invalid',
    (d) => (offer(d)['microsoft-azure-marketplace.engineeringContactEmail'] = 'jon at contoso'),
    `${O}engineeringContactEmail`,
    'email',
  ],
  [
    'engineering contact phone missing',
    (d) => delete offer(d)['microsoft-azure-marketplace.engineeringContactPhone'],
    `${O}engineeringContactPhone`,
    'required',
  ],
  [
    'support contact name missing',
    (d) => delete offer(d)['microsoft-azure-marketplace.supportContactName'],
    `${O}supportContactName`,
    'required',
  ],
  [
    'support contact e-mail missing',
    (d) => delete offer(d)['microsoft-azure-marketplace.supportContactEmail'],
    `${O}supportContactEmail`,
    'required',
  ],
  [
    'support contact e-mail invalid',
    (d) => (offer(d)['microsoft-azure-marketplace.supportContactEmail'] = 'support@contoso'),
    `${O}supportContactEmail`,
    'email',
  ],
  [
    'support contact phone missing',
    (d) => delete offer(d)['microsoft-azure-marketplace.supportContactPhone'],
    `${O}supportContactPhone`,
    'required',
  ],
  // lead destination
  [
    'Azure Table without connection string',
    (d) => delete offer(d)['microsoft-azure-marketplace.tableLeadConfiguration'],
    `${O}tableLeadConfiguration.connectionString`,
    'required',
  ],
  [
    'HTTPS endpoint without URL',
    (d) => (offer(d)['microsoft-azure-marketplace.leadDestination'] = 'HttpsEndpoint'),
    `${O}httpsEndpointLeadConfiguration.httpsEndpointUrl`,
    'required',
  ],
  [
    'HTTPS endpoint over plain http',
    (d) => {
      offer(d)['microsoft-azure-marketplace.leadDestination'] = 'HttpsEndpoint';
      offer(d)['microsoft-azure-marketplace.httpsEndpointLeadConfiguration'] = {
        httpsEndpointUrl: 'http://crm.contoso.example.com/leads',
      };
    },
    `${O}httpsEndpointLeadConfiguration.httpsEndpointUrl`,
    'url',
  ],
  [
    'Salesforce without OID',
    (d) => (offer(d)['microsoft-azure-marketplace.leadDestination'] = 'Salesforce'),
    `${O}salesForceLeadConfiguration.objectIdentifier`,
    'required',
  ],
  [
    'Dynamics without its application key',
    (d) => {
      offer(d)['microsoft-azure-marketplace.leadDestination'] = 'Dynamics';
      offer(d)['microsoft-azure-marketplace.dynamicsLeadConfiguration'] = {
        instanceUrl: 'https://contoso.crm4.dynamics.com',
        applicationId: '0a1b2c3d-1111-2222-3333-444455556666',
        directoryId: '9f8e7d6c-1111-2222-3333-444455556666',
      };
    },
    `${O}dynamicsLeadConfiguration.applicationKey`,
    'required',
  ],
  [
    'Marketo without its client secret',
    (d) => {
      offer(d)['microsoft-azure-marketplace.leadDestination'] = 'Marketo';
      offer(d)['microsoft-azure-marketplace.marketoLeadConfiguration'] = {
        munchkinId: '123-ABC-456',
        formId: '1001',
        clientId: 'client',
      };
    },
    `${O}marketoLeadConfiguration.clientSecret`,
    'required',
  ],
];

describe('validatePrerequisites', () => {
  it('finds nothing wrong with the complete sample offer', () => {
    expect(validatePrerequisites('contoso-vm', sampleOffer())).toEqual([]);
  });

  it.each(cases)('%s', (_name, mutate, path, rule, offerId = 'contoso-vm') => {
    const doc = sampleOffer() as any;
    mutate(doc);
    // Every mutation is still a well-typed draft: these are warnings, not 400s.
    const parsed = parseOfferDraft(doc);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    const warnings = validatePrerequisites(offerId, parsed.value);
    expect(warnings.map(({ path, rule }) => ({ path, rule }))).toEqual([{ path, rule }]);
    expect(warnings[0].message.length).toBeGreaterThan(10);
  });

  it.each([
    ['no lead destination', (d: any) => delete offer(d)['microsoft-azure-marketplace.leadDestination']],
    ['lead destination None', (d: any) => (offer(d)['microsoft-azure-marketplace.leadDestination'] = 'None')],
    [
      'Salesforce with OID',
      (d: any) => {
        offer(d)['microsoft-azure-marketplace.leadDestination'] = 'Salesforce';
        offer(d)['microsoft-azure-marketplace.salesForceLeadConfiguration'] = { objectIdentifier: '00D000000000001' };
      },
    ],
    [
      'HTTPS endpoint with https URL',
      (d: any) => {
        offer(d)['microsoft-azure-marketplace.leadDestination'] = 'HttpsEndpoint';
        offer(d)['microsoft-azure-marketplace.httpsEndpointLeadConfiguration'] = {
          httpsEndpointUrl: 'https://crm.contoso.example.com/leads',
        };
      },
    ],
    [
      '15 data disks in any order',
      (d: any) => (image(d).lunVhdDetails = disks(Array.from({ length: 15 }, (_, i) => 14 - i))),
    ],
    [
      '8 disk versions',
      (d: any) => {
        const img = image(d);
        plan(d)['microsoft-azure-virtualmachines.vmImages'] = Object.fromEntries(
          Array.from({ length: 8 }, (_, i) => [`1.${i}.0`, img]),
        );
      },
    ],
    [
      'exactly 100 preview subscriptions',
      (d: any) =>
        (offer(d)['microsoft-azure-marketplace.allowedSubscriptions'] = Array.from({ length: 100 }, (_, i) => guid(i))),
    ],
    ['an offer id of exactly 50 characters', () => {}, 'a'.repeat(50)],
    [
      'a second plan with its own id',
      (d: any) => d.definition.plans.push({ ...structuredClone(plan(d)), planId: 'premium' }),
    ],
  ] as [string, (d: any) => void, string?][])('accepts %s', (_name, mutate, offerId = 'contoso-vm') => {
    const doc = sampleOffer() as any;
    mutate(doc);
    expect(validatePrerequisites(offerId, doc)).toEqual([]);
  });

  it('writes actionable messages: the limit and the current length', () => {
    const doc = sampleOffer();
    doc.definition.offer['microsoft-azure-marketplace.title'] = 't'.repeat(63);
    const [warning] = validatePrerequisites('contoso-vm', doc);
    expect(warning.message).toBe('Offer title is 63 characters long; the limit is 50. Shorten it by 13.');
  });

  it('names the pixel size of a missing logo', () => {
    const doc = sampleOffer();
    delete doc.definition.offer['microsoft-azure-marketplace.wideLogo'];
    expect(validatePrerequisites('contoso-vm', doc)[0].message).toContain('255×115');
  });

  it('never echoes a secret URL or connection string', () => {
    const doc = sampleOffer({ osVhdUrl: 'ftp://host/os.vhd?sig=SECRET' });
    doc.definition.offer['microsoft-azure-marketplace.leadDestination'] = 'HttpsEndpoint';
    doc.definition.offer['microsoft-azure-marketplace.httpsEndpointLeadConfiguration'] = {
      httpsEndpointUrl: 'http://x/?code=SECRET',
    };
    const text = JSON.stringify(validatePrerequisites('contoso-vm', doc));
    expect(text).not.toContain('SECRET');
  });

  it('reports every missing field of an empty draft', () => {
    const empty: OfferDraft = { definition: { offer: {}, plans: [] } };
    const warnings = validatePrerequisites('contoso-vm', empty);
    const paths = warnings.map((w) => w.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        `${O}title`,
        `${O}allowedSubscriptions`,
        `${O}smallLogo`,
        `${O}supportContactPhone`,
        'definition.plans',
      ]),
    );
    expect(new Set(warnings.map((w) => w.rule))).toEqual(new Set(['required']));
    // 4 texts, preview audience, 4 logos, privacy, terms, 2 × 3 contact fields, plans.
    expect(warnings).toHaveLength(18);
  });

  it('reports every missing field of an empty plan, naming it by position', () => {
    const doc: OfferDraft = { ...sampleOffer(), definition: { ...sampleOffer().definition, plans: [{}] } };
    const warnings = validatePrerequisites('contoso-vm', doc);
    expect(warnings.map((w) => w.path)).toEqual([
      `${P}.planId`,
      `${V}skuTitle`,
      `${V}skuSummary`,
      `${V}operatingSystemFamily`,
      `${V}operationSystem`,
      `${V}recommendedVMSizes`,
      `${P}.regions`,
      `${V}vmImages`,
    ]);
    expect(warnings.every((w) => w.rule === 'required' && w.message.startsWith('Plan #1: '))).toBe(true);
  });
});
