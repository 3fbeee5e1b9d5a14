/**
 * The VM offer document as partners PUT it (Cloud Partner Portal shape, api-version 2017-10-31).
 *
 * These schemas describe a *draft*: every field may be missing, because partners save
 * half-finished offers. Completeness is judged later by `validatePrerequisites`, which answers
 * with warnings rather than a 400. What the schema does refuse is anything that can never become
 * valid: a wrong type, an unknown key (usually a typo that would otherwise be silently dropped),
 * or absurdly large values.
 */
import { z } from 'zod';
import { IMAGE_TYPES } from '../image/image-types';
import { virtualMachinePricingSchema } from './pricing-schema';

export const OFFER_TYPE_ID = 'microsoft-azure-virtualmachines';
export const LEAD_DESTINATIONS = ['None', 'AzureTable', 'HttpsEndpoint', 'Salesforce', 'Dynamics', 'Marketo'] as const;
export type LeadDestination = (typeof LEAD_DESTINATIONS)[number];

// Limits are deliberately above the marketplace's own limits (e.g. description 3,000), so a
// too-long value reaches the partner as an actionable warning; only junk is refused outright.
const text = z.string().max(10_000);
const shortText = z.string().max(1_000);
const list = <T extends z.ZodType>(item: T, max: number) => z.array(item).max(max);

const subscriptionSchema = z.union(
  [shortText, z.strictObject({ subscriptionId: shortText, description: shortText.optional() })],
  { error: 'expected a subscription id string or { subscriptionId, description? }' },
);

const openPortSchema = z.strictObject({
  name: shortText.optional(),
  protocol: z.enum(['TCP', 'UDP']).optional(),
  port: z.number().int().min(1).max(65_535).optional(),
});

const leadConfigs = {
  'microsoft-azure-marketplace.tableLeadConfiguration': z.strictObject({ connectionString: text.optional() }),
  'microsoft-azure-marketplace.httpsEndpointLeadConfiguration': z.strictObject({ httpsEndpointUrl: text.optional() }),
  'microsoft-azure-marketplace.salesForceLeadConfiguration': z.strictObject({ objectIdentifier: shortText.optional() }),
  // Named in the reference's GET answers, always empty there; kept so a client can PUT back what it read.
  'microsoft-azure-marketplace.blobLeadConfiguration': z.strictObject({}),
  'microsoft-azure-marketplace.crmLeadConfiguration': z.strictObject({}),
  // Dynamics 365: Azure AD (application id, directory id, key) or Office 365 (user name, password).
  'microsoft-azure-marketplace.dynamicsLeadConfiguration': z.strictObject({
    instanceUrl: text.optional(),
    authentication: shortText.optional(),
    applicationId: shortText.optional(),
    applicationKey: text.optional(),
    directoryId: shortText.optional(),
    username: shortText.optional(),
    password: text.optional(),
  }),
  // Marketo: the form (Munchkin id, form id) and the REST API credentials that submit it.
  'microsoft-azure-marketplace.marketoLeadConfiguration': z.strictObject({
    serverId: shortText.optional(),
    munchkinId: shortText.optional(),
    formId: shortText.optional(),
    clientId: shortText.optional(),
    clientSecret: text.optional(),
  }),
};

const usefulLinkSchema = z.strictObject({ linkTitle: shortText.optional(), linkUrl: text.optional() });

/** A marketing video: the reference names the list but not its items; these are the portal's three fields. */
const videoSchema = z.strictObject({
  videoName: shortText.optional(),
  videoLink: text.optional(),
  thumbnailLink: text.optional(),
});

/**
 * The later revision's categories: `{ categoryL1: "analytics", "categoryL2-analytics": ["data-insights"] }`.
 * The only other key allowed is the subcategory list named after the entry's own category.
 */
export type CategoryMapEntry = { categoryL1: string } & { [subcategories: `categoryL2-${string}`]: string[] };

const categoryMapEntrySchema = z
  .object({ categoryL1: shortText })
  .catchall(list(shortText, 20))
  .superRefine((entry, ctx) => {
    for (const key of Object.keys(entry)) {
      if (key !== 'categoryL1' && key !== `categoryL2-${entry.categoryL1}`) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `unknown field (the subcategories of "${entry.categoryL1}" go in "categoryL2-${entry.categoryL1}")`,
        });
      }
    }
  }) as unknown as z.ZodType<CategoryMapEntry>; // the inferred index signature would also cover categoryL1

export const offerListingSchema = z
  .strictObject({
    'microsoft-azure-marketplace.title': text,
    'microsoft-azure-marketplace.summary': text,
    'microsoft-azure-marketplace.longSummary': text,
    'microsoft-azure-marketplace.description': text,
    'microsoft-azure-marketplace.allowedSubscriptions': list(subscriptionSchema, 1_000),
    'microsoft-azure-marketplace.offerMarketingUrlIdentifier': shortText,
    'microsoft-azure-marketplace.usefulLinks': list(usefulLinkSchema, 50),
    // 2018 revision: category keys; 2020–21 revision: categoryMap. Either is accepted.
    'microsoft-azure-marketplace.categories': list(shortText, 50),
    'microsoft-azure-marketplace.categoryMap': list(categoryMapEntrySchema, 10),
    'microsoft-azure-marketplace.smallLogo': text,
    'microsoft-azure-marketplace.mediumLogo': text,
    'microsoft-azure-marketplace.largeLogo': text,
    'microsoft-azure-marketplace.wideLogo': text,
    'microsoft-azure-marketplace.heroLogo': text,
    'microsoft-azure-marketplace.screenshots': list(text, 50),
    'microsoft-azure-marketplace.videos': list(videoSchema, 20),
    'microsoft-azure-marketplace-testdrive.enabled': z.boolean(),
    'microsoft-azure-marketplace-testdrive.videos': list(videoSchema, 20),
    'microsoft-azure-marketplace.privacyURL': text,
    'microsoft-azure-marketplace.termsOfUse': text,
    'microsoft-azure-marketplace.engineeringContactName': shortText,
    'microsoft-azure-marketplace.engineeringContactEmail': shortText,
    'microsoft-azure-marketplace.engineeringContactPhone': shortText,
    'microsoft-azure-marketplace.supportContactName': shortText,
    'microsoft-azure-marketplace.supportContactEmail': shortText,
    'microsoft-azure-marketplace.supportContactPhone': shortText,
    'microsoft-azure-marketplace.publicAzureSupportUrl': text,
    'microsoft-azure-marketplace.fairfaxSupportUrl': text,
    'microsoft-azure-marketplace.leadDestination': z.enum(LEAD_DESTINATIONS),
    ...leadConfigs,
  })
  .partial();

const dataDiskSchema = z.strictObject({ lun: z.number().int().optional(), lunVhdUri: text.optional() });

const vmImageSchema = z.strictObject({
  osVhdUrl: text.optional(),
  lunVhdDetails: list(dataDiskSchema, 100).optional(),
});

// Version keys are checked for semver by the prerequisites (a warning); here they are only kept
// to a plain character set, so odd keys such as "__proto__" never reach later code.
const versionKey = z
  .string()
  .regex(/^[0-9A-Za-z.+-]{1,64}$/, 'a disk version must be 1-64 letters, digits, ".", "+" or "-" (e.g. 1.0.0)');

const vmImagesSchema = z
  .record(versionKey, vmImageSchema)
  .refine((images) => Object.keys(images).length <= 100, 'too many disk versions (more than 100)');

export const planSchema = z
  .strictObject({
    planId: shortText,
    'microsoft-azure-virtualmachines.skuTitle': text,
    'microsoft-azure-virtualmachines.skuSummary': text,
    'microsoft-azure-virtualmachines.skuDescription': text,
    'microsoft-azure-virtualmachines.hideSKUForSolutionTemplate': z.boolean(),
    'microsoft-azure-virtualmachines.cloudAvailability': list(shortText, 10),
    'microsoft-azure-virtualmachines.certificationsFairfax': list(shortText, 50),
    virtualMachinePricing: virtualMachinePricingSchema,
    'microsoft-azure-virtualmachines.operatingSystemFamily': z.enum(['Linux', 'Windows']),
    'microsoft-azure-virtualmachines.windowsOSType': shortText,
    'microsoft-azure-virtualmachines.operationSystem': shortText,
    'microsoft-azure-virtualmachines.recommendedVMSizes': list(shortText, 100),
    'microsoft-azure-virtualmachines.openPorts': list(openPortSchema, 100),
    'microsoft-azure-virtualmachines.licenseModel': shortText,
    regions: list(shortText, 300),
    'microsoft-azure-virtualmachines.vmImages': vmImagesSchema,
    // What the plan's disks are (Partner Center's image types); certification checks each disk against it.
    'microsoft-azure-virtualmachines.imageTypes': list(z.enum(IMAGE_TYPES), IMAGE_TYPES.length),
    // Who provisions VMs made from the image: the Azure Linux Agent, or cloud-init's Azure datasource.
    'microsoft-azure-virtualmachines.provisioningAgent': z.enum(['waagent', 'cloud-init']),
  })
  .partial();

export const offerDraftSchema = z.strictObject({
  // Read-only fields (id, version, status, eTag, changedTime) come back from GET and are sent
  // again by clients that PUT what they read; they are accepted and ignored by callers.
  publisherId: shortText.optional(),
  offerTypeId: z.literal(OFFER_TYPE_ID).optional(),
  id: shortText.optional(),
  // The schema versions the client wrote against, per namespace; stored and returned as sent.
  offerTypeVersions: z
    .record(
      z.string().regex(/^[a-z0-9.-]{1,100}$/, 'a namespace such as microsoft-azure-virtualmachines'),
      z.number().int().min(0),
    )
    .refine((v) => Object.keys(v).length <= 20, 'at most 20 namespaces')
    .optional(),
  version: z.number().int().min(0).optional(),
  status: shortText.optional(),
  eTag: shortText.optional(),
  changedTime: shortText.optional(),
  definition: z.strictObject({
    displayText: text.optional(),
    // The 2020–21 "Retrieve a specific offer" example prints changedTime inside the definition;
    // accepted so that body can be sent back, and, being the service's, never stored.
    changedTime: shortText.optional(),
    offer: offerListingSchema,
    plans: list(planSchema, 200),
  }),
});

export type OfferDraft = z.infer<typeof offerDraftSchema>;
export type OfferDefinition = OfferDraft['definition'];
export type OfferListing = z.infer<typeof offerListingSchema>;
export type Plan = z.infer<typeof planSchema>;
export type VmImage = z.infer<typeof vmImageSchema>;
export type DataDisk = z.infer<typeof dataDiskSchema>;
export type AllowedSubscription = z.infer<typeof subscriptionSchema>;

export interface DraftIssue {
  path: string;
  message: string;
}

export type ParseOfferDraftResult = { ok: true; value: OfferDraft } | { ok: false; issues: DraftIssue[] };

/**
 * Readable JSON path: `definition.plans[0].microsoft-azure-virtualmachines.skuTitle`.
 * Keys are joined with dots as partners see them in the document, even when they contain dots.
 */
export function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += (out === '' ? '' : '.') + String(segment);
  }
  return out === '' ? '(document)' : out;
}

export function parseOfferDraft(input: unknown): ParseOfferDraftResult {
  const result = offerDraftSchema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, issues: result.error.issues.flatMap((issue) => toDraftIssues(issue, [])) };
}

type ZodIssue = z.core.$ZodIssue;

function toDraftIssues(issue: ZodIssue, prefix: PropertyKey[]): DraftIssue[] {
  const path = [...prefix, ...issue.path];
  switch (issue.code) {
    case 'unrecognized_keys':
      // One issue per key, pointing at the key itself, so the answer names the exact field.
      return issue.keys.map((key) => ({ path: formatPath([...path, key]), message: 'unknown field' }));
    case 'invalid_union': {
      // A union fails as a whole; if exactly one alternative had the right overall type, its
      // inner problems are the useful ones (e.g. a bad field inside { subscriptionId }).
      const relevant = issue.errors.filter(
        (branch) => !branch.every((i) => i.code === 'invalid_type' && i.path.length === 0),
      );
      if (relevant.length === 1) return relevant[0].flatMap((inner) => toDraftIssues(inner, path));
      return [{ path: formatPath(path), message: issue.message }];
    }
    case 'invalid_key':
      return [{ path: formatPath(path), message: issue.issues[0]?.message ?? issue.message }];
    default:
      return [{ path: formatPath(path), message: issue.message }];
  }
}
