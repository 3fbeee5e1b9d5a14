/**
 * A plan's `virtualMachinePricing`, as the reference's pricing page describes it: bring your own
 * license (`isByol`), a free trial in months, and prices per core — one USD price per core
 * (`coreMultiplier.single`), a price for each core size (`coreMultiplier.individually`), per
 * region (`regionPrices`), or a spreadsheet (`spreadSheetPricing.uri`).
 *
 * Like the rest of the draft schema this only refuses what can never become valid; whether the
 * prices fit the plan is a publish-time rule (pricing.ts).
 */
import { z } from 'zod';

/** The core sizes the reference lists under "Customized core pricing" (July 2019 set). */
export const CORE_SIZES = [
  'sharedcore',
  '1core',
  '2core',
  '4core',
  '6core',
  '8core',
  '10core',
  '12core',
  '16core',
  '20core',
  '24core',
  '32core',
  '36core',
  '40core',
  '44core',
  '48core',
  '60core',
  '64core',
  '72core',
  '80core',
  '96core',
  '120core',
  '128core',
  '208core',
  '416core',
] as const;
export type CoreSize = (typeof CORE_SIZES)[number];

const price = z.number().min(0).max(1_000_000);
const currency = z.string().regex(/^[A-Z]{3}$/, 'a three-letter currency code such as USD');

const coreSizeKey = z.enum(CORE_SIZES, { error: `a core size: ${CORE_SIZES.join(', ')}` });

export const coreMultiplierSchema = z.strictObject({
  currency: currency.optional(),
  single: price.optional(),
  individually: z.partialRecord(coreSizeKey, price).optional(),
});

export const virtualMachinePricingSchema = z
  .strictObject({
    isByol: z.boolean(),
    freeTrialDurationInMonths: z.number().int().min(0).max(12),
    coreMultiplier: coreMultiplierSchema,
    // Per sell region (ISO country code as in the plan's `regions`), in that region's currency.
    regionPrices: z
      .record(z.string().regex(/^[A-Z]{2}$/, 'a two-letter region code such as US'), coreMultiplierSchema)
      .refine((r) => Object.keys(r).length <= 300, 'too many regions'),
    spreadSheetPricing: z.strictObject({ uri: z.string().max(10_000).optional() }),
  })
  .partial();

export type VirtualMachinePricing = z.infer<typeof virtualMachinePricingSchema>;
export type CoreMultiplier = z.infer<typeof coreMultiplierSchema>;
