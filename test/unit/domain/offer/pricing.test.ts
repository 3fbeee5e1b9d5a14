// The pricing page's three ways of pricing a VM plan, as publish-time rules and as what the
// listing shows.
import { checkPricing, pricingSummary } from '../../../../domain/offer/pricing';
import { CORE_SIZES } from '../../../../domain/offer/pricing-schema';
import { virtualMachinePricingSchema } from '../../../../domain/offer/pricing-schema';

const allSizes = Object.fromEntries(CORE_SIZES.map((s) => [s, 1]));
const rules = (p: unknown, regions: string[] = ['US']) =>
  checkPricing(virtualMachinePricingSchema.parse(p), regions).map((x) => `${x.path.join('.')}:${x.rule}`);

describe('checkPricing', () => {
  test('a plan without pricing stays bring-your-own-license, as drafts from before pricing were', () => {
    expect(checkPricing(undefined, ['US'])).toEqual([]);
    expect(pricingSummary(undefined)).toEqual({ model: 'none', freeTrialMonths: 0 });
  });

  test("the reference's own example (BYOL, no trial) is valid", () => {
    expect(rules({ isByol: true, freeTrialDurationInMonths: 0 })).toEqual([]);
    expect(pricingSummary({ isByol: true, freeTrialDurationInMonths: 0 })).toEqual({
      model: 'byol',
      freeTrialMonths: 0,
    });
  });

  test('BYOL has no prices and no free trial', () => {
    expect(
      rules({ isByol: true, freeTrialDurationInMonths: 1, coreMultiplier: { currency: 'USD', single: 1 } }),
    ).toEqual(['isByol:pricing', 'freeTrialDurationInMonths:pricing']);
  });

  test('per-core pricing: one USD price (the reference\'s "single")', () => {
    expect(
      rules({ isByol: false, freeTrialDurationInMonths: 3, coreMultiplier: { currency: 'USD', single: 1.0 } }),
    ).toEqual([]);
    expect(rules({ isByol: false, coreMultiplier: { currency: 'EUR', single: 1.0 } })).toEqual([
      'coreMultiplier.currency:currency',
    ]);
    expect(
      pricingSummary({
        isByol: false,
        freeTrialDurationInMonths: 3,
        coreMultiplier: { currency: 'USD', single: 0.25 },
      }),
    ).toEqual({ model: 'perCore', freeTrialMonths: 3, currency: 'USD', pricePerCore: 0.25 });
  });

  test('customized core pricing needs a price for every core size the reference lists', () => {
    expect(rules({ isByol: false, coreMultiplier: { currency: 'USD', individually: allSizes } })).toEqual([]);
    const { '416core': _gone, ...missing } = allSizes;
    const problems = checkPricing(
      virtualMachinePricingSchema.parse({ isByol: false, coreMultiplier: { currency: 'USD', individually: missing } }),
      ['US'],
    );
    expect(problems).toEqual([
      expect.objectContaining({ rule: 'required', message: expect.stringContaining('missing: 416core') }),
    ]);
    expect(
      pricingSummary({ isByol: false, coreMultiplier: { individually: { sharedcore: 1, '2core': 2 } } }).coreSizePrices,
    ).toEqual([
      { coreSize: 'sharedcore', price: 1 },
      { coreSize: '2core', price: 2 },
    ]);
  });

  test("per-region prices cover every sell region, each in its currency (the pricing page's region table)", () => {
    expect(
      rules(
        { isByol: false, regionPrices: { US: { currency: 'USD', single: 1 }, DE: { currency: 'EUR', single: 1 } } },
        ['US', 'DE'],
      ),
    ).toEqual([]);
    expect(
      rules(
        { isByol: false, regionPrices: { US: { currency: 'USD', single: 1 }, DE: { currency: 'USD', single: 1 } } },
        ['US', 'DE', 'JP'],
      ),
    ).toEqual(['regionPrices.DE.currency:currency', 'regionPrices:required']);
    expect(
      rules(
        { isByol: false, regionPrices: { US: { currency: 'USD', single: 1 }, FR: { currency: 'EUR', single: 1 } } },
        ['US'],
      ),
    ).toEqual(['regionPrices.FR:unknownRegion']);
  });

  test('a priced plan needs prices; spreadsheets are not evaluated here; a trial is 0, 1 or 3 months', () => {
    expect(rules({ isByol: false })).toEqual(['coreMultiplier:required']);
    expect(rules({ isByol: false, spreadSheetPricing: { uri: 'https://example.com/prices.xlsx' } })).toEqual([
      'spreadSheetPricing.uri:unsupported',
    ]);
    expect(rules({ isByol: false, freeTrialDurationInMonths: 2, coreMultiplier: { single: 1 } })).toEqual([
      'freeTrialDurationInMonths:range',
    ]);
    expect(rules({ freeTrialDurationInMonths: 0 })).toEqual(['isByol:required']);
  });

  test('the schema refuses what can never be valid: an unknown core size, a negative price, a lowercase currency', () => {
    expect(virtualMachinePricingSchema.safeParse({ coreMultiplier: { individually: { '3core': 1 } } }).success).toBe(
      false,
    );
    expect(virtualMachinePricingSchema.safeParse({ coreMultiplier: { single: -1 } }).success).toBe(false);
    expect(virtualMachinePricingSchema.safeParse({ coreMultiplier: { currency: 'usd' } }).success).toBe(false);
    expect(virtualMachinePricingSchema.safeParse({ isByol: 'true' }).success).toBe(false);
  });
});
