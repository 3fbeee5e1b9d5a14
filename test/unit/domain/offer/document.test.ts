import { parseOfferDraft, formatPath } from '../../../../domain/offer/document';
import { sampleOffer } from '../../../../domain/offer/sample-offer';

const emptyDraft = () => ({ definition: { offer: {}, plans: [] } });

/** Paths of the issues for an input that must be rejected. */
function rejectedPaths(input: unknown): string[] {
  const result = parseOfferDraft(input);
  if (result.ok) throw new Error('expected the draft to be rejected');
  return result.issues.map((i) => i.path);
}

describe('parseOfferDraft accepts', () => {
  it('the complete sample offer, unchanged', () => {
    const offer = sampleOffer();
    expect(parseOfferDraft(offer)).toEqual({ ok: true, value: offer });
  });

  it('an empty draft', () => {
    expect(parseOfferDraft(emptyDraft())).toEqual({ ok: true, value: emptyDraft() });
  });

  it('read-only fields sent back by clients', () => {
    const doc = {
      ...emptyDraft(),
      version: 3,
      status: 'neverPublished',
      eTag: '"abc"',
      changedTime: '2018-03-28T22:27:13Z',
      id: 'x',
      publisherId: 'p',
    };
    expect(parseOfferDraft(doc).ok).toBe(true);
  });

  it('preview subscriptions as GUID strings or { subscriptionId, description }', () => {
    const doc = emptyDraft() as any;
    doc.definition.offer['microsoft-azure-marketplace.allowedSubscriptions'] = [
      '6f1f9c2e-3b1a-4c55-9f0e-2d7b8a1c4e90',
      { subscriptionId: 'b2d4e6f8-1a3c-4e5f-8a9b-0c1d2e3f4a5b', description: 'QA' },
      { subscriptionId: 'b2d4e6f8-1a3c-4e5f-8a9b-0c1d2e3f4a5c' },
    ];
    expect(parseOfferDraft(doc).ok).toBe(true);
  });
});

describe('parseOfferDraft rejects with the exact path', () => {
  const P = 'definition.plans[0]';
  const O = 'definition.offer';
  const cases: [string, (doc: any) => void, string][] = [
    [
      'a wrong type in a plan',
      (d) => (d.definition.plans[0]['microsoft-azure-virtualmachines.skuTitle'] = 42),
      `${P}.microsoft-azure-virtualmachines.skuTitle`,
    ],
    [
      'a wrong type in the listing',
      (d) => (d.definition.offer['microsoft-azure-marketplace.title'] = ['x']),
      `${O}.microsoft-azure-marketplace.title`,
    ],
    ['an unknown top-level key', (d) => (d.publisher = 'contoso'), 'publisher'],
    ['an unknown definition key', (d) => (d.definition.offers = {}), 'definition.offers'],
    [
      'an unknown listing key (typo)',
      (d) => (d.definition.offer['microsoft-azure-marketplace.titel'] = 'x'),
      `${O}.microsoft-azure-marketplace.titel`,
    ],
    ['an unknown plan key', (d) => (d.definition.plans[0].sku = 'x'), `${P}.sku`],
    [
      'an unknown image key',
      (d) => (d.definition.plans[0]['microsoft-azure-virtualmachines.vmImages']['1.0.0'].osVhdUri = 'x'),
      `${P}.microsoft-azure-virtualmachines.vmImages.1.0.0.osVhdUri`,
    ],
    [
      'an unknown data disk key',
      (d) =>
        (d.definition.plans[0]['microsoft-azure-virtualmachines.vmImages']['1.0.0'].lunVhdDetails = [
          { lun: 0, uri: 'x' },
        ]),
      `${P}.microsoft-azure-virtualmachines.vmImages.1.0.0.lunVhdDetails[0].uri`,
    ],
    [
      'an unknown lead configuration key',
      (d) =>
        (d.definition.offer['microsoft-azure-marketplace.tableLeadConfiguration'] = {
          storageAccountConnectionString: 'x',
        }),
      `${O}.microsoft-azure-marketplace.tableLeadConfiguration.storageAccountConnectionString`,
    ],
    [
      'a fractional LUN',
      (d) =>
        (d.definition.plans[0]['microsoft-azure-virtualmachines.vmImages']['1.0.0'].lunVhdDetails = [{ lun: 0.5 }]),
      `${P}.microsoft-azure-virtualmachines.vmImages.1.0.0.lunVhdDetails[0].lun`,
    ],
    [
      'an unknown lead destination',
      (d) => (d.definition.offer['microsoft-azure-marketplace.leadDestination'] = 'Email'),
      `${O}.microsoft-azure-marketplace.leadDestination`,
    ],
    [
      'an unknown OS family',
      (d) => (d.definition.plans[0]['microsoft-azure-virtualmachines.operatingSystemFamily'] = 'BSD'),
      `${P}.microsoft-azure-virtualmachines.operatingSystemFamily`,
    ],
    ['another offer type', (d) => (d.offerTypeId = 'microsoft-azure-applications'), 'offerTypeId'],
    ['a non-integer version', (d) => (d.version = '3'), 'version'],
    [
      'a huge string',
      (d) => (d.definition.offer['microsoft-azure-marketplace.description'] = 'x'.repeat(10_001)),
      `${O}.microsoft-azure-marketplace.description`,
    ],
    [
      'a subscription of the wrong type',
      (d) => (d.definition.offer['microsoft-azure-marketplace.allowedSubscriptions'] = [7]),
      `${O}.microsoft-azure-marketplace.allowedSubscriptions[0]`,
    ],
    [
      'a subscription object with a wrong field type',
      (d) => (d.definition.offer['microsoft-azure-marketplace.allowedSubscriptions'] = [{ subscriptionId: 7 }]),
      `${O}.microsoft-azure-marketplace.allowedSubscriptions[0].subscriptionId`,
    ],
    [
      'a subscription object with an unknown key',
      (d) =>
        (d.definition.offer['microsoft-azure-marketplace.allowedSubscriptions'] = [{ subscriptionId: 'x', name: 'y' }]),
      `${O}.microsoft-azure-marketplace.allowedSubscriptions[0].name`,
    ],
    [
      'a disk version key with odd characters',
      (d) => (d.definition.plans[0]['microsoft-azure-virtualmachines.vmImages'] = { v1_0: {} }),
      `${P}.microsoft-azure-virtualmachines.vmImages.v1_0`,
    ],
    ['plans that are not an array', (d) => (d.definition.plans = {}), 'definition.plans'],
    ['a missing definition', (d) => delete d.definition, 'definition'],
  ];

  it.each(cases)('%s', (_name, mutate, path) => {
    const doc = sampleOffer() as any;
    mutate(doc);
    expect(rejectedPaths(doc)).toEqual([path]);
  });

  it('a document that is not an object', () => {
    expect(rejectedPaths('offer')).toEqual(['(document)']);
    expect(rejectedPaths(null)).toEqual(['(document)']);
  });

  it('reports every problem, one per unknown key', () => {
    const doc = { ...emptyDraft(), a: 1, b: 2, version: 'x' };
    expect(rejectedPaths(doc).sort()).toEqual(['a', 'b', 'version']);
  });

  it('gives a message with each issue', () => {
    const result = parseOfferDraft({ ...emptyDraft(), extra: true });
    expect(result).toEqual({ ok: false, issues: [{ path: 'extra', message: 'unknown field' }] });
  });
});

describe('formatPath', () => {
  it('joins keys with dots and indexes with brackets', () => {
    expect(formatPath(['definition', 'plans', 0, 'microsoft-azure-virtualmachines.skuTitle'])).toBe(
      'definition.plans[0].microsoft-azure-virtualmachines.skuTitle',
    );
    expect(formatPath([])).toBe('(document)');
  });
});
