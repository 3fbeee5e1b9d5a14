/**
 * Step 1, "Validate Pre-Requisites": every required field of the offer is set and within the
 * portal's limits (marketplace.md, "Required-field rules"). One warning per problem, each naming
 * the field by its document path, so the partner can fix them all in one pass.
 *
 * Messages never echo URLs or connection strings: SAS URLs and connection strings carry secrets,
 * and these messages end up in the status table and in e-mails.
 */
import {
  dynamicsAuthentication,
  dynamicsInstanceOrigin,
  isGuid,
  isMunchkinId,
  isTenantId,
  marketoFormId,
} from '../leads/crm-bodies';
import { formatPath, type OfferDraft, type OfferListing, type Plan, type VmImage } from './document';
import { isEmailAddress } from './notification-emails';
import { checkPricing } from './pricing';
import { MARKETPLACE, VIRTUAL_MACHINES } from './fields';

export interface Warning {
  path: string;
  /** Short camelCase id, stable for clients: required, maxLength, pattern, unique, range, … */
  rule: string;
  message: string;
  /**
   * `notice`: reported at step 1 but does not stop the publish (e.g. a cloud this service does not
   * publish to). Absent: the publish cannot start until it is fixed.
   */
  severity?: 'notice';
}

type Warn = (path: PropertyKey[], rule: string, message: string, severity?: 'notice') => void;

/** The warnings that stop a publish (the rest are notices). */
export const blocking = (warnings: readonly Warning[]): Warning[] => warnings.filter((w) => w.severity !== 'notice');

const MP = MARKETPLACE;
const VM = VIRTUAL_MACHINES;
const OFFER: PropertyKey[] = ['definition', 'offer'];

const IDENTIFIER_MAX = 50;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Azure image versions are MAJOR.MINOR.PATCH only: no pre-release or build suffix.
const SEMVER = /^(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})$/;

export function validatePrerequisites(offerId: string, draft: OfferDraft): Warning[] {
  const warnings: Warning[] = [];
  const warn: Warn = (path, rule, message, severity) =>
    warnings.push({ path: formatPath(path), rule, message, ...(severity ? { severity } : {}) });

  checkIdentifier(warn, ['id'], 'Offer id', offerId);
  checkListing(warn, draft.definition.offer);
  checkPlans(warn, draft.definition.plans);
  return warnings;
}

// ---- shared field checks -------------------------------------------------------------------

function isBlank(value: string | undefined): value is undefined {
  return value === undefined || value.trim() === '';
}

/** Required text with an optional length limit. Returns true when the value is present. */
function checkText(warn: Warn, path: PropertyKey[], label: string, value: string | undefined, max?: number): boolean {
  if (isBlank(value)) {
    warn(path, 'required', max ? `${label} is required (at most ${max} characters).` : `${label} is required.`);
    return false;
  }
  if (max !== undefined && value.length > max) {
    warn(
      path,
      'maxLength',
      `${label} is ${value.length} characters long; the limit is ${max}. Shorten it by ${value.length - max}.`,
    );
  }
  return true;
}

function urlProblem(value: string, httpsOnly: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return 'is not an absolute URL';
  }
  const allowed = httpsOnly ? ['https:'] : ['http:', 'https:'];
  if (!allowed.includes(url.protocol))
    return `uses "${url.protocol}"; it must start with ${httpsOnly ? 'https://' : 'http:// or https://'}`;
  if (url.hostname === '') return 'has no host name';
  return undefined;
}

function checkUrl(
  warn: Warn,
  path: PropertyKey[],
  label: string,
  value: string | undefined,
  hint = '',
  httpsOnly = false,
): void {
  const kind = httpsOnly ? 'an https URL' : 'an absolute http(s) URL';
  if (isBlank(value)) return warn(path, 'required', `${label} is required: give ${kind}${hint}.`);
  const problem = urlProblem(value, httpsOnly);
  if (problem) warn(path, 'url', `${label} ${problem}; give ${kind}${hint}.`);
}

/**
 * An image artifact (logo, screenshot, thumbnail): a URL the service downloads at publish, or the
 * PNG inline as a `data:image/png;base64,` URL. Its bytes and pixel size are checked on download.
 */
function checkArtifact(
  warn: Warn,
  path: PropertyKey[],
  label: string,
  value: string | undefined,
  size: string,
  required = true,
): void {
  if (isBlank(value)) {
    if (required)
      warn(path, 'required', `${label} is required: give the URL of a ${size} px PNG (or the PNG as a data: URL).`);
    return;
  }
  if (/^data:image\/png;base64,/i.test(value.trim())) return;
  const problem = urlProblem(value, false);
  if (problem) warn(path, 'url', `${label} ${problem}; give the URL of a ${size} px PNG (or the PNG as a data: URL).`);
}

function checkOptionalUrl(warn: Warn, path: PropertyKey[], label: string, value: string | undefined): void {
  if (!isBlank(value)) checkUrl(warn, path, label, value);
}

/** Offer and SKU ids: how they appear in URLs and image URNs, so the portal's character rules apply. */
function checkIdentifier(warn: Warn, path: PropertyKey[], label: string, value: string | undefined): void {
  if (!checkText(warn, path, label, value, IDENTIFIER_MAX) || value === undefined) return;
  if (!/^[a-z0-9-]+$/.test(value)) {
    warn(path, 'pattern', `${label} "${value.slice(0, 60)}" may only contain lowercase letters, digits and "-".`);
  } else if (value.endsWith('-')) {
    warn(path, 'pattern', `${label} "${value}" must not end with "-".`);
  }
}

// ---- the offer listing (marketing content) -------------------------------------------------

const LOGOS = [
  ['smallLogo', 'Small logo', '40×40'],
  ['mediumLogo', 'Medium logo', '90×90'],
  ['largeLogo', 'Large logo', '115×115'],
  ['wideLogo', 'Wide logo', '255×115'],
] as const;

const CONTACTS = [
  ['engineering', 'Engineering contact'],
  ['support', 'Support contact'],
] as const;

function checkListing(warn: Warn, offer: OfferListing): void {
  const at = (key: string): PropertyKey[] => [...OFFER, MP + key];

  checkText(warn, at('title'), 'Offer title', offer['microsoft-azure-marketplace.title'], 50);
  checkText(warn, at('summary'), 'Offer summary', offer['microsoft-azure-marketplace.summary'], 100);
  checkText(warn, at('longSummary'), 'Offer long summary', offer['microsoft-azure-marketplace.longSummary'], 256);
  checkText(warn, at('description'), 'Offer description', offer['microsoft-azure-marketplace.description'], 3_000);

  checkPreviewSubscriptions(
    warn,
    at('allowedSubscriptions'),
    offer['microsoft-azure-marketplace.allowedSubscriptions'] ?? [],
  );

  const categories = offer['microsoft-azure-marketplace.categories'] ?? [];
  if (categories.length > 2) {
    warn(
      at('categories'),
      'range',
      `An offer may have at most 2 categories; it has ${categories.length}. Remove ${categories.length - 2}.`,
    );
  }
  checkCategoryMap(warn, at('categoryMap'), offer['microsoft-azure-marketplace.categoryMap'] ?? []);
  checkMarketingSlug(
    warn,
    at('offerMarketingUrlIdentifier'),
    offer['microsoft-azure-marketplace.offerMarketingUrlIdentifier'],
  );

  for (const [key, label, size] of LOGOS) {
    // Bytes and pixel sizes are checked when the images are downloaded, at step 1.
    checkArtifact(warn, at(key), label, offer[`${MP}${key}`], size);
  }
  checkArtifact(warn, at('heroLogo'), 'Hero logo', offer['microsoft-azure-marketplace.heroLogo'], '815×290', false);
  (offer['microsoft-azure-marketplace.screenshots'] ?? []).forEach((shot, i) =>
    checkArtifact(warn, [...at('screenshots'), i], `Screenshot #${i + 1}`, shot, '1280×720'),
  );
  checkUsefulLinks(warn, at('usefulLinks'), offer['microsoft-azure-marketplace.usefulLinks'] ?? []);
  checkVideos(warn, at('videos'), offer['microsoft-azure-marketplace.videos'] ?? []);
  checkOptionalUrl(
    warn,
    at('publicAzureSupportUrl'),
    'Public Azure support URL',
    offer['microsoft-azure-marketplace.publicAzureSupportUrl'],
  );
  checkOptionalUrl(
    warn,
    at('fairfaxSupportUrl'),
    'Azure Government support URL',
    offer['microsoft-azure-marketplace.fairfaxSupportUrl'],
  );
  checkUrl(warn, at('privacyURL'), 'Privacy policy URL', offer['microsoft-azure-marketplace.privacyURL']);
  checkText(warn, at('termsOfUse'), 'Terms of use', offer['microsoft-azure-marketplace.termsOfUse']);

  for (const [who, label] of CONTACTS) {
    checkText(warn, at(`${who}ContactName`), `${label} name`, offer[`${MP}${who}ContactName`]);
    const email = offer[`${MP}${who}ContactEmail`];
    if (checkText(warn, at(`${who}ContactEmail`), `${label} e-mail`, email) && email && !isEmailAddress(email.trim())) {
      warn(
        at(`${who}ContactEmail`),
        'email',
        `${label} e-mail "${email.slice(0, 100)}" is not a valid e-mail address.`,
      );
    }
    checkText(warn, at(`${who}ContactPhone`), `${label} phone`, offer[`${MP}${who}ContactPhone`]);
  }

  checkLeadDestination(warn, offer, at);
}

/** The listing's URL slug: the same character rules as the offer id; uniqueness is checked at publish. */
function checkMarketingSlug(warn: Warn, path: PropertyKey[], value: string | undefined): void {
  if (value === undefined || value === '') return;
  checkIdentifier(warn, path, 'Marketing URL identifier', value);
}

function checkCategoryMap(
  warn: Warn,
  path: PropertyKey[],
  entries: NonNullable<OfferListing['microsoft-azure-marketplace.categoryMap']>,
): void {
  if (entries.length > 2)
    warn(
      path,
      'range',
      `An offer may have at most 2 categories; categoryMap has ${entries.length}. Remove ${entries.length - 2}.`,
    );
  const seen = new Set<string>();
  entries.forEach((entry, i) => {
    const l1 = entry.categoryL1;
    if (isBlank(l1))
      return warn(
        [...path, i, 'categoryL1'],
        'required',
        `Category #${i + 1} needs a categoryL1 key (e.g. "analytics").`,
      );
    if (seen.has(l1)) warn([...path, i, 'categoryL1'], 'unique', `Category "${l1.slice(0, 60)}" is listed twice.`);
    seen.add(l1);
    const subs = (entry[`categoryL2-${l1}`] as string[] | undefined) ?? [];
    if (subs.length > 2)
      warn(
        [...path, i, `categoryL2-${l1}`],
        'range',
        `Category "${l1.slice(0, 60)}" may have at most 2 subcategories; it has ${subs.length}.`,
      );
  });
}

function checkUsefulLinks(
  warn: Warn,
  path: PropertyKey[],
  links: NonNullable<OfferListing['microsoft-azure-marketplace.usefulLinks']>,
): void {
  if (links.length > 25) warn(path, 'range', `At most 25 useful links are allowed; there are ${links.length}.`);
  links.forEach((l, i) => {
    checkText(warn, [...path, i, 'linkTitle'], `Useful link #${i + 1} title`, l.linkTitle, 255);
    checkUrl(warn, [...path, i, 'linkUrl'], `Useful link #${i + 1} URL`, l.linkUrl);
  });
}

function checkVideos(
  warn: Warn,
  path: PropertyKey[],
  videos: NonNullable<OfferListing['microsoft-azure-marketplace.videos']>,
): void {
  if (videos.length > 4) warn(path, 'range', `At most 4 videos are allowed; there are ${videos.length}.`);
  videos.forEach((v, i) => {
    checkText(warn, [...path, i, 'videoName'], `Video #${i + 1} name`, v.videoName, 100);
    checkUrl(warn, [...path, i, 'videoLink'], `Video #${i + 1} link`, v.videoLink, ' (YouTube or Vimeo)', true);
    checkArtifact(warn, [...path, i, 'thumbnailLink'], `Video #${i + 1} thumbnail`, v.thumbnailLink, '1280×720');
  });
}

function checkPreviewSubscriptions(
  warn: Warn,
  path: PropertyKey[],
  entries: NonNullable<OfferListing['microsoft-azure-marketplace.allowedSubscriptions']>,
): void {
  if (entries.length === 0) {
    return warn(
      path,
      'required',
      'Add 1–100 preview subscription ids (GUIDs): only these subscriptions can see the offer in Preview.',
    );
  }
  if (entries.length > 100) {
    warn(
      path,
      'range',
      `At most 100 preview subscription ids are allowed; there are ${entries.length}. Remove ${entries.length - 100}.`,
    );
  }
  const seen = new Map<string, number>();
  entries.forEach((entry, i) => {
    const id = typeof entry === 'string' ? entry : entry.subscriptionId;
    const idPath = typeof entry === 'string' ? [...path, i] : [...path, i, 'subscriptionId'];
    if (isBlank(id)) return warn(idPath, 'required', `Preview subscription #${i + 1} has no subscription id.`);
    const key = id.trim().toLowerCase();
    if (!GUID.test(key)) {
      return warn(
        idPath,
        'guid',
        `Preview subscription id "${id.slice(0, 60)}" is not a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx).`,
      );
    }
    const first = seen.get(key);
    if (first !== undefined)
      warn(
        idPath,
        'unique',
        `Preview subscription id ${key} is listed twice (also entry #${first + 1}); remove the duplicate.`,
      );
    else seen.set(key, i);
  });
}

function checkLeadDestination(warn: Warn, offer: OfferListing, at: (key: string) => PropertyKey[]): void {
  const destination = offer['microsoft-azure-marketplace.leadDestination'];
  switch (destination) {
    case undefined:
    case 'None':
      return;
    case 'AzureTable': {
      const value = offer['microsoft-azure-marketplace.tableLeadConfiguration']?.connectionString;
      if (isBlank(value)) {
        warn(
          [...at('tableLeadConfiguration'), 'connectionString'],
          'required',
          'Lead destination is AzureTable, so give the storage account connection string (leads are written to the table MarketplaceLeads).',
        );
      }
      return;
    }
    case 'HttpsEndpoint':
      return checkUrl(
        warn,
        [...at('httpsEndpointLeadConfiguration'), 'httpsEndpointUrl'],
        'Lead HTTPS endpoint',
        offer['microsoft-azure-marketplace.httpsEndpointLeadConfiguration']?.httpsEndpointUrl,
        ' that accepts POSTed leads',
        true,
      );
    case 'Salesforce':
      if (isBlank(offer['microsoft-azure-marketplace.salesForceLeadConfiguration']?.objectIdentifier)) {
        warn(
          [...at('salesForceLeadConfiguration'), 'objectIdentifier'],
          'required',
          'Lead destination is Salesforce, so give the Web-to-Lead organisation id (OID).',
        );
      }
      return;
    case 'Dynamics':
      return checkDynamics(warn, offer['microsoft-azure-marketplace.dynamicsLeadConfiguration'] ?? {}, [
        ...at('dynamicsLeadConfiguration'),
      ]);
    case 'Marketo':
      return checkMarketo(warn, offer['microsoft-azure-marketplace.marketoLeadConfiguration'] ?? {}, [
        ...at('marketoLeadConfiguration'),
      ]);
  }
}

// The values Dynamics and Marketo sign in with are checked here as well as at delivery, so a
// partner learns at step 1 rather than from a failed Packaging step. Values are never quoted: some
// are secrets, and the others are nobody's business in an e-mail.
function checkDynamics(
  warn: Warn,
  c: NonNullable<OfferListing['microsoft-azure-marketplace.dynamicsLeadConfiguration']>,
  at: PropertyKey[],
): void {
  const label = 'Lead destination is Dynamics, so';
  if (isBlank(c.instanceUrl)) {
    warn(
      [...at, 'instanceUrl'],
      'required',
      `${label} give the Dynamics 365 instance URL (e.g. https://contoso.crm4.dynamics.com).`,
    );
  } else {
    const instance = dynamicsInstanceOrigin(c.instanceUrl);
    const problem =
      'problem' in instance
        ? instance.problem
        : !instance.origin.startsWith('https:')
          ? 'must start with https://'
          : undefined;
    if (problem) warn([...at, 'instanceUrl'], 'url', `The Dynamics 365 instance URL ${problem}.`);
  }
  const mode = dynamicsAuthentication(c.authentication);
  if (!mode) {
    return warn(
      [...at, 'authentication'],
      'enum',
      'Dynamics authentication must be "Azure Active Directory" (recommended) or "Office 365".',
    );
  }
  const checkDirectory = (required: boolean) => {
    if (isBlank(c.directoryId)) {
      if (required)
        warn([...at, 'directoryId'], 'required', `${label} give the directory (tenant) id of the application.`);
    } else if (!isTenantId(c.directoryId.trim())) {
      warn(
        [...at, 'directoryId'],
        'pattern',
        'The Dynamics directory id must be the tenant id (a GUID) or its domain name (e.g. contoso.onmicrosoft.com).',
      );
    }
  };
  if (mode === 'AzureActiveDirectory') {
    if (isBlank(c.applicationId))
      warn(
        [...at, 'applicationId'],
        'required',
        `${label} give the application (client) id of the app registered in Azure Active Directory.`,
      );
    else if (!isGuid(c.applicationId.trim()))
      warn(
        [...at, 'applicationId'],
        'guid',
        'The Dynamics application id must be the application (client) id, a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx).',
      );
    checkDirectory(true);
    if (isBlank(c.applicationKey))
      warn([...at, 'applicationKey'], 'required', `${label} give the application key (client secret) of the app.`);
    return;
  }
  if (isBlank(c.username))
    warn(
      [...at, 'username'],
      'required',
      `${label} with Office 365 authentication give the user name of the account that writes leads.`,
    );
  if (isBlank(c.password))
    warn([...at, 'password'], 'required', `${label} with Office 365 authentication give the password of that account.`);
  checkDirectory(false);
}

function checkMarketo(
  warn: Warn,
  c: NonNullable<OfferListing['microsoft-azure-marketplace.marketoLeadConfiguration']>,
  at: PropertyKey[],
): void {
  const label = 'Lead destination is Marketo, so';
  if (isBlank(c.munchkinId))
    warn(
      [...at, 'munchkinId'],
      'required',
      `${label} give the Munchkin account id (Admin > Munchkin, e.g. 123-ABC-456).`,
    );
  else if (!isMunchkinId(c.munchkinId.trim()))
    warn(
      [...at, 'munchkinId'],
      'pattern',
      'The Marketo Munchkin id must look like 123-ABC-456: three digits, three letters, three digits.',
    );
  if (isBlank(c.formId))
    warn([...at, 'formId'], 'required', `${label} give the id of the form leads are submitted to (e.g. 1179).`);
  else if (marketoFormId(c.formId.trim()) === undefined)
    warn([...at, 'formId'], 'pattern', "The Marketo form id must be the form's number (e.g. 1179).");
  if (isBlank(c.clientId))
    warn(
      [...at, 'clientId'],
      'required',
      `${label} give the client id of the LaunchPoint custom service (Admin > LaunchPoint > View Details).`,
    );
  if (isBlank(c.clientSecret))
    warn([...at, 'clientSecret'], 'required', `${label} give the client secret of the LaunchPoint custom service.`);
}

// ---- plans (SKUs) and their images -----------------------------------------------------------

function checkPlans(warn: Warn, plans: Plan[]): void {
  if (plans.length === 0) {
    return warn(['definition', 'plans'], 'required', 'Add at least one plan (SKU) to the offer.');
  }
  const seenIds = new Map<string, number>();
  plans.forEach((plan, i) => {
    const at = (...keys: PropertyKey[]): PropertyKey[] => ['definition', 'plans', i, ...keys];
    // Plans are named in messages too: a partner reading an e-mail has no JSON paths in mind.
    const name = isBlank(plan.planId) ? `Plan #${i + 1}` : `Plan "${plan.planId.slice(0, 60)}"`;

    checkIdentifier(warn, at('planId'), `${name}: SKU id`, plan.planId);
    if (!isBlank(plan.planId)) {
      const first = seenIds.get(plan.planId);
      if (first !== undefined)
        warn(
          at('planId'),
          'unique',
          `${name}: SKU id is already used by plan #${first + 1}; every plan needs its own id.`,
        );
      else seenIds.set(plan.planId, i);
    }

    checkText(warn, at(`${VM}skuTitle`), `${name}: SKU title`, plan['microsoft-azure-virtualmachines.skuTitle'], 50);
    checkText(
      warn,
      at(`${VM}skuSummary`),
      `${name}: SKU summary`,
      plan['microsoft-azure-virtualmachines.skuSummary'],
      100,
    );

    if (!plan['microsoft-azure-virtualmachines.operatingSystemFamily']) {
      warn(
        at(`${VM}operatingSystemFamily`),
        'required',
        `${name}: operating system family is required (Linux or Windows).`,
      );
    }
    checkText(
      warn,
      at(`${VM}operationSystem`),
      `${name}: operating system friendly name (e.g. "Ubuntu 22.04")`,
      plan['microsoft-azure-virtualmachines.operationSystem'],
    );

    const sizes = plan['microsoft-azure-virtualmachines.recommendedVMSizes'] ?? [];
    if (sizes.length === 0)
      warn(at(`${VM}recommendedVMSizes`), 'required', `${name}: recommend 1–6 VM sizes (e.g. standard_d2s_v5).`);
    else if (sizes.length > 6)
      warn(
        at(`${VM}recommendedVMSizes`),
        'range',
        `${name}: at most 6 recommended VM sizes are allowed; there are ${sizes.length}.`,
      );

    if ((plan.regions ?? []).length === 0) {
      warn(at('regions'), 'required', `${name}: select at least one country/region where the plan is sold.`);
    }

    checkCloudAvailability(
      warn,
      at(`${VM}cloudAvailability`),
      name,
      plan['microsoft-azure-virtualmachines.cloudAvailability'],
    );
    if (
      plan['microsoft-azure-virtualmachines.windowsOSType'] !== undefined &&
      plan['microsoft-azure-virtualmachines.operatingSystemFamily'] === 'Linux'
    ) {
      warn(
        at(`${VM}windowsOSType`),
        'osFamily',
        `${name}: windowsOSType is for Windows plans; remove it or set the operating system family to Windows.`,
      );
    }
    for (const p of checkPricing(plan.virtualMachinePricing, plan.regions ?? [])) {
      warn(at('virtualMachinePricing', ...p.path), p.rule, `${name}: pricing: ${p.message}`);
    }

    checkImages(warn, at(`${VM}vmImages`), name, plan['microsoft-azure-virtualmachines.vmImages'] ?? {});
  });
}

/** Clouds the reference names for a plan; this service publishes to Public Azure only. */
export const SERVED_CLOUD = 'PublicAzure';

function checkCloudAvailability(warn: Warn, path: PropertyKey[], name: string, clouds: string[] | undefined): void {
  if (clouds === undefined) return; // Public Azure, as before the field existed
  if (!clouds.includes(SERVED_CLOUD)) {
    return warn(
      path,
      'cloud',
      `${name}: this service publishes to Public Azure only; add "${SERVED_CLOUD}" to cloudAvailability.`,
    );
  }
  for (const [i, cloud] of clouds.entries()) {
    if (cloud !== SERVED_CLOUD)
      warn(
        [...path, i],
        'cloud',
        `${name}: "${cloud.slice(0, 40)}" is not served by this service; the plan is published to Public Azure only.`,
        'notice',
      );
  }
}

function checkImages(warn: Warn, path: PropertyKey[], name: string, images: Record<string, VmImage>): void {
  const versions = Object.keys(images);
  if (versions.length === 0) {
    return warn(path, 'required', `${name}: add at least one disk version (e.g. 1.0.0) with an OS VHD URL.`);
  }
  if (versions.length > 8) {
    warn(
      path,
      'range',
      `${name}: at most 8 disk versions are allowed per SKU; there are ${versions.length}. Remove ${versions.length - 8}.`,
    );
  }
  for (const version of versions) {
    const at = [...path, version];
    const image = images[version];
    if (!SEMVER.test(version)) {
      warn(
        at,
        'semver',
        `${name}: disk version "${version}" must be a semantic version MAJOR.MINOR.PATCH (e.g. 1.0.0).`,
      );
    }
    checkUrl(
      warn,
      [...at, 'osVhdUrl'],
      `${name}, version ${version}: OS VHD URL`,
      image.osVhdUrl,
      ' (a SAS URL of the .vhd blob)',
    );
    checkDataDisks(warn, [...at, 'lunVhdDetails'], `${name}, version ${version}`, image.lunVhdDetails ?? []);
  }
}

function checkDataDisks(
  warn: Warn,
  path: PropertyKey[],
  name: string,
  disks: NonNullable<VmImage['lunVhdDetails']>,
): void {
  if (disks.length > 15) {
    warn(path, 'range', `${name}: at most 15 data disks are allowed; there are ${disks.length}.`);
  }
  disks.forEach((disk, i) => {
    if (disk.lun === undefined)
      warn([...path, i, 'lun'], 'required', `${name}: data disk #${i + 1} needs a LUN (0, 1, 2…).`);
    checkUrl(
      warn,
      [...path, i, 'lunVhdUri'],
      `${name}: data disk #${i + 1} VHD URL`,
      disk.lunVhdUri,
      ' (a SAS URL of the .vhd blob)',
    );
  });
  // Azure attaches data disks by LUN; the set must be exactly 0..n-1 (order in the list is free).
  const luns = disks.map((d) => d.lun).filter((lun): lun is number => lun !== undefined);
  const sorted = [...luns].sort((a, b) => a - b);
  if (luns.length > 0 && !sorted.every((lun, i) => lun === i)) {
    warn(
      path,
      'lunSequence',
      `${name}: data disk LUNs must be 0, 1, 2… without gaps or repeats; found ${sorted.join(', ')}.`,
    );
  }
}
