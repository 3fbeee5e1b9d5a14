/**
 * What a plan's `virtualMachinePricing` means (the reference's "Pricing for virtual machine offers"
 * page): the publish-time rules, and the summary the listing and product page show.
 */
import { CORE_SIZES, CoreMultiplier, VirtualMachinePricing } from './pricing-schema';
import { SELL_REGION_CURRENCIES } from './sell-regions';

/** Free-trial lengths the marketplace offers. */
export const FREE_TRIAL_MONTHS = [0, 1, 3] as const;

export interface PricingProblem {
  /** Path below `virtualMachinePricing`. */
  path: PropertyKey[];
  rule: string;
  message: string;
}

export type PriceModel = 'byol' | 'perCore' | 'perCoreSize' | 'perRegion' | 'spreadsheet' | 'none';

export function priceModel(p: VirtualMachinePricing | undefined): PriceModel {
  if (!p || p.isByol === true) return p?.isByol === true ? 'byol' : 'none';
  if (p.spreadSheetPricing?.uri) return 'spreadsheet';
  if (p.regionPrices && Object.keys(p.regionPrices).length > 0) return 'perRegion';
  if (p.coreMultiplier?.individually && Object.keys(p.coreMultiplier.individually).length > 0) return 'perCoreSize';
  if (p.coreMultiplier?.single !== undefined) return 'perCore';
  return 'none';
}

const hasPrices = (p: VirtualMachinePricing) =>
  p.coreMultiplier !== undefined || p.regionPrices !== undefined || p.spreadSheetPricing !== undefined;

function missingCoreSizes(m: CoreMultiplier | undefined): string[] {
  const given = m?.individually ?? {};
  return CORE_SIZES.filter((size) => given[size] === undefined);
}

/**
 * The rules for one plan. `regions` are the plan's sell regions: per-region prices must cover each,
 * in that region's currency. A plan without `virtualMachinePricing` stays bring-your-own-license,
 * as drafts written before pricing existed are.
 */
export function checkPricing(p: VirtualMachinePricing | undefined, regions: readonly string[]): PricingProblem[] {
  if (!p) return [];
  const problems: PricingProblem[] = [];
  const add = (path: PropertyKey[], rule: string, message: string) => problems.push({ path, rule, message });
  const trial = p.freeTrialDurationInMonths ?? 0;

  if (p.isByol === undefined)
    add(
      ['isByol'],
      'required',
      'say whether the plan is bring-your-own-license (isByol true) or priced (isByol false).',
    );
  if (!(FREE_TRIAL_MONTHS as readonly number[]).includes(trial)) {
    add(['freeTrialDurationInMonths'], 'range', `a free trial lasts 0, 1 or 3 months; ${trial} is not offered.`);
  }
  if (p.isByol === true) {
    if (hasPrices(p))
      add(
        ['isByol'],
        'pricing',
        'a bring-your-own-license plan has no prices: remove coreMultiplier / regionPrices / spreadSheetPricing, or set isByol to false.',
      );
    if (trial > 0)
      add(
        ['freeTrialDurationInMonths'],
        'pricing',
        'a free trial is only offered on a priced plan; set it to 0 or set isByol to false with prices.',
      );
    return problems;
  }
  if (p.isByol !== false) return problems;

  switch (priceModel(p)) {
    case 'none':
      add(
        ['coreMultiplier'],
        'required',
        'a priced plan (isByol false) needs prices: coreMultiplier.single (one USD price per core per hour) or coreMultiplier.individually (a price per core size).',
      );
      break;
    case 'spreadsheet':
      add(
        ['spreadSheetPricing', 'uri'],
        'unsupported',
        'spreadsheet pricing is not supported by this service; give coreMultiplier.single or coreMultiplier.individually instead.',
      );
      break;
    case 'perCore': {
      const currency = p.coreMultiplier?.currency ?? 'USD';
      if (currency !== 'USD')
        add(
          ['coreMultiplier', 'currency'],
          'currency',
          `per-core pricing is one price in USD (other currencies are derived); found ${currency}.`,
        );
      break;
    }
    case 'perCoreSize': {
      const missing = missingCoreSizes(p.coreMultiplier);
      if (missing.length)
        add(
          ['coreMultiplier', 'individually'],
          'required',
          `give a price for every core size; missing: ${missing.join(', ')}.`,
        );
      const currency = p.coreMultiplier?.currency ?? 'USD';
      if (currency !== 'USD')
        add(
          ['coreMultiplier', 'currency'],
          'currency',
          `prices per core size are in USD; found ${currency} (per-region prices go in regionPrices).`,
        );
      break;
    }
    case 'perRegion': {
      const prices = p.regionPrices ?? {};
      for (const region of regions) {
        const entry = prices[region];
        const expected = SELL_REGION_CURRENCIES[region];
        if (!entry) {
          add(['regionPrices'], 'required', `every sell region needs its prices; ${region} has none.`);
          continue;
        }
        if (expected && entry.currency !== expected)
          add(
            ['regionPrices', region, 'currency'],
            'currency',
            `prices for ${region} are in ${expected}; found ${entry.currency ?? 'no currency'}.`,
          );
        if (entry.single === undefined && missingCoreSizes(entry).length === CORE_SIZES.length)
          add(
            ['regionPrices', region],
            'required',
            `give ${region} a price per core (single) or per core size (individually).`,
          );
      }
      for (const region of Object.keys(prices)) {
        if (!regions.includes(region))
          add(
            ['regionPrices', region],
            'unknownRegion',
            `${region} has prices but is not one of the plan's regions (${regions.join(', ') || 'none'}).`,
          );
      }
      break;
    }
  }
  return problems;
}

/** How the listing and product page describe a plan's price. */
export interface PricingSummary {
  model: PriceModel;
  /** Months of free use before the prices apply (0 = none). */
  freeTrialMonths: number;
  currency?: string;
  /** Price per core per hour (per-core model). */
  pricePerCore?: number;
  /** Price per hour by core size, in CORE_SIZES order (per-core-size model). */
  coreSizePrices?: { coreSize: string; price: number }[];
  /** Per sell region (per-region model). */
  regionPrices?: { region: string; currency?: string; pricePerCore?: number }[];
}

export function pricingSummary(p: VirtualMachinePricing | undefined): PricingSummary {
  const model = priceModel(p);
  const freeTrialMonths = model === 'byol' || model === 'none' ? 0 : (p?.freeTrialDurationInMonths ?? 0);
  const m = p?.coreMultiplier;
  switch (model) {
    case 'perCore':
      return { model, freeTrialMonths, currency: m?.currency ?? 'USD', pricePerCore: m?.single };
    case 'perCoreSize':
      return {
        model,
        freeTrialMonths,
        currency: m?.currency ?? 'USD',
        coreSizePrices: CORE_SIZES.filter((s) => m?.individually?.[s] !== undefined).map((coreSize) => ({
          coreSize,
          price: m!.individually![coreSize]!,
        })),
      };
    case 'perRegion':
      return {
        model,
        freeTrialMonths,
        regionPrices: Object.entries(p?.regionPrices ?? {}).map(([region, r]) => ({
          region,
          currency: r.currency,
          pricePerCore: r.single,
        })),
      };
    default:
      return { model, freeTrialMonths };
  }
}
