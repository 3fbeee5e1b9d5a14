// @ts-check
// The offer editor's form: every part of the VM offer document (listing, marketing links and
// media, preview audience, lead destination, plans with their pricing, image versions and data
// disks), bound to a working copy of the document. The controls and the binding rules are in
// form-kit.js; each section is a module of offer-sections/.
import { audienceSection } from './offer-sections/audience.js';
import { leadSection } from './offer-sections/leads.js';
import { linksMediaSection } from './offer-sections/links-media.js';
import { listingSection } from './offer-sections/listing.js';
import { plansSection } from './offer-sections/plans.js';

export { field, FieldRegistry, group, MP, TESTDRIVE, VM } from './form-kit.js';
export { nextVersion } from './offer-sections/images.js';
export { ImageUploads } from './image-upload.js';

/**
 * @typedef {import('./form-kit.js').Path} Path
 * @typedef {import('./form-kit.js').Obj} Obj
 * @typedef {import('./form-kit.js').OfferDoc} OfferDoc
 * @typedef {import('./form-kit.js').Warning} Warning
 * @typedef {import('./form-kit.js').Registered} Registered
 * @typedef {import('./form-kit.js').FieldSpec} FieldSpec
 */

/**
 * Renders the whole form for `doc` (mutated in place as the partner types; a field the partner
 * does not change is sent back as loaded).
 * @param {OfferDoc} doc
 * @param {import('./form-kit.js').FieldRegistry} reg
 * @param {() => void} onChange
 * @param {{ hasStoredSecrets: boolean, uploads: import('./image-upload.js').ImageUploads }} options
 */
export function offerForm(doc, reg, onChange, options) {
  const def = doc.definition;
  return [
    listingSection(def, reg, onChange),
    linksMediaSection(def.offer, reg, onChange, options.uploads),
    audienceSection(def.offer, reg, onChange),
    leadSection(def.offer, reg, onChange, options),
    plansSection(def, reg, onChange),
  ];
}
