/** Offer and SKU ids: ≤ 50 lowercase letters, digits and "-", not ending in "-" (marketplace rule). */
export function isValidOfferId(id: string): boolean {
  return /^[a-z0-9][a-z0-9-]{0,49}$/.test(id) && !id.endsWith('-');
}
