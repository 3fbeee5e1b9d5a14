// The offer fields of the reference beyond the seed's: what the draft schema refuses outright and
// what publish warns about, by path.
import { parseOfferDraft } from '../../../../domain/offer/document';
import { blocking, validatePrerequisites } from '../../../../domain/offer/prerequisites';
import { sampleOffer } from '../../../../domain/offer/sample-offer';

const M = 'microsoft-azure-marketplace.';
const V = 'microsoft-azure-virtualmachines.';
const P = `definition.offer.${M}`;

function warnings(change: (doc: ReturnType<typeof sampleOffer>) => void) {
  const doc = sampleOffer();
  change(doc);
  const parsed = parseOfferDraft(doc);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return validatePrerequisites('contoso-vm', parsed.value);
}
const rules = (ws: { path: string; rule: string }[]) => ws.map((w) => `${w.path}:${w.rule}`);

describe('draft schema', () => {
  test('categoryMap: the subcategory key must be named after its own category', () => {
    const doc = sampleOffer();
    doc.definition.offer[`${M}categoryMap`] = [
      { categoryL1: 'analytics', 'categoryL2-analytics': ['data-insights'] },
      { categoryL1: 'compute', 'categoryL2-analytics': ['x'] },
    ];
    const parsed = parseOfferDraft(doc);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.issues.map((i) => i.path)).toEqual([`${P}categoryMap[1].categoryL2-analytics`]);
  });

  test('usefulLinks and videos items take only their documented fields', () => {
    const doc = sampleOffer() as unknown as { definition: { offer: Record<string, unknown> } };
    doc.definition.offer[`${M}usefulLinks`] = [{ linkTitle: 'a', linkURL: 'https://x' }];
    doc.definition.offer[`${M}videos`] = [{ videoName: 'v', videoLink: 'https://y', thumbnail: 'z' }];
    const parsed = parseOfferDraft(doc);
    expect(!parsed.ok && parsed.issues.map((i) => `${i.path}:${i.message}`)).toEqual([
      `${P}usefulLinks[0].linkURL:unknown field`,
      `${P}videos[0].thumbnail:unknown field`,
    ]);
  });

  test('the top-level offerTypeVersions is a map of namespace to a whole number', () => {
    expect(parseOfferDraft({ ...sampleOffer(), offerTypeVersions: { 'microsoft-azure-virtualmachines': 87 } }).ok).toBe(
      true,
    );
    expect(
      parseOfferDraft({ ...sampleOffer(), offerTypeVersions: { 'microsoft-azure-virtualmachines': '87' } }).ok,
    ).toBe(false);
  });
});

describe('publish-time rules', () => {
  test('the sample offer, with inline PNG logos, has nothing to fix', () => {
    expect(warnings(() => undefined)).toEqual([]);
  });

  test('useful links and videos need a title and a URL; a video needs its thumbnail', () => {
    const ws = warnings((d) => {
      d.definition.offer[`${M}usefulLinks`] = [{ linkTitle: '', linkUrl: 'ftp://x' }];
      d.definition.offer[`${M}videos`] = [{ videoName: 'Intro', videoLink: 'http://youtu.be/x' }];
    });
    expect(rules(ws)).toEqual([
      `${P}usefulLinks[0].linkTitle:required`,
      `${P}usefulLinks[0].linkUrl:url`,
      `${P}videos[0].videoLink:url`,
      `${P}videos[0].thumbnailLink:required`,
    ]);
  });

  test('the marketing URL identifier follows the offer id rules; categoryMap at most two categories of two subcategories', () => {
    const ws = warnings((d) => {
      d.definition.offer[`${M}offerMarketingUrlIdentifier`] = 'Contoso App';
      d.definition.offer[`${M}categoryMap`] = [
        { categoryL1: 'a', 'categoryL2-a': ['1', '2', '3'] },
        { categoryL1: 'b' },
        { categoryL1: 'a' },
      ];
    });
    expect(rules(ws)).toEqual([
      `${P}categoryMap:range`,
      `${P}categoryMap[0].categoryL2-a:range`,
      `${P}categoryMap[2].categoryL1:unique`,
      `${P}offerMarketingUrlIdentifier:pattern`,
    ]);
  });

  test('cloud availability: Public Azure is required; other clouds are a notice that does not block', () => {
    const missing = warnings((d) => (d.definition.plans[0][`${V}cloudAvailability`] = ['Mooncake']));
    expect(rules(blocking(missing))).toEqual([`definition.plans[0].${V}cloudAvailability:cloud`]);
    const extra = warnings((d) => (d.definition.plans[0][`${V}cloudAvailability`] = ['PublicAzure', 'Fairfax']));
    expect(blocking(extra)).toEqual([]);
    expect(extra).toEqual([
      expect.objectContaining({
        path: `definition.plans[0].${V}cloudAvailability[1]`,
        severity: 'notice',
        message: expect.stringContaining('Plan "standard"'),
      }),
    ]);
  });

  test('windowsOSType belongs to Windows plans; pricing problems carry the plan and the pricing path', () => {
    const ws = warnings((d) => {
      d.definition.plans[0][`${V}windowsOSType`] = 'Other';
      d.definition.plans[0].virtualMachinePricing = { isByol: false };
    });
    expect(rules(ws)).toEqual([
      `definition.plans[0].${V}windowsOSType:osFamily`,
      'definition.plans[0].virtualMachinePricing.coreMultiplier:required',
    ]);
    expect(ws[1].message).toMatch(/^Plan "standard": pricing: a priced plan/);
  });

  test('an artifact may be a URL or an inline PNG, nothing else', () => {
    const ws = warnings((d) => {
      d.definition.offer[`${M}smallLogo`] = 'data:image/svg+xml;base64,PHN2Zz4=';
      d.definition.offer[`${M}screenshots`] = ['javascript:alert(1)'];
    });
    expect(rules(ws)).toEqual([`${P}smallLogo:url`, `${P}screenshots[0]:url`]);
  });
});
