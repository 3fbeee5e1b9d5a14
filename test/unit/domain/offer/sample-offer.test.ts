import { parseOfferDraft } from '../../../../domain/offer/document';
import { validatePrerequisites } from '../../../../domain/offer/prerequisites';
import { sampleOffer } from '../../../../domain/offer/sample-offer';

describe('sampleOffer', () => {
  it('is the contoso-vm offer with one Linux plan in US and DE', () => {
    const offer = sampleOffer();
    expect(offer).toMatchObject({ publisherId: 'contoso', id: 'contoso-vm' });
    const [plan] = offer.definition.plans;
    expect(plan).toMatchObject({
      planId: 'standard',
      regions: ['US', 'DE'],
      'microsoft-azure-virtualmachines.operatingSystemFamily': 'Linux',
    });
    expect(Object.keys(plan['microsoft-azure-virtualmachines.vmImages'] ?? {})).toEqual(['1.0.0']);
  });

  it('takes the resources a test sets up as parameters, and stays valid', () => {
    const offer = sampleOffer({
      osVhdUrl: 'http://127.0.0.1:10000/devstoreaccount1/vhds/os.vhd?sp=rl&sig=x',
      dataDiskUrls: [
        'http://127.0.0.1:10000/devstoreaccount1/vhds/d0.vhd',
        'http://127.0.0.1:10000/devstoreaccount1/vhds/d1.vhd',
      ],
      leadConnectionString:
        'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;',
    });
    const image = offer.definition.plans[0]['microsoft-azure-virtualmachines.vmImages']?.['1.0.0'];
    expect(image?.osVhdUrl).toContain('127.0.0.1:10000');
    expect(image?.lunVhdDetails?.map((d) => d.lun)).toEqual([0, 1]);
    expect(offer.definition.offer['microsoft-azure-marketplace.tableLeadConfiguration']?.connectionString).toContain(
      'devstoreaccount1',
    );
    expect(parseOfferDraft(offer).ok).toBe(true);
    expect(validatePrerequisites('contoso-vm', offer)).toEqual([]);
  });

  it('returns a fresh document each call', () => {
    const a = sampleOffer();
    a.definition.offer['microsoft-azure-marketplace.allowedSubscriptions']?.push('x');
    a.definition.plans.pop();
    expect(validatePrerequisites('contoso-vm', sampleOffer())).toEqual([]);
  });
});
