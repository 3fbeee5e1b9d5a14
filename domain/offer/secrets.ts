// Lead destination secrets are write-only: never returned by a GET, never logged. A partner who
// PUTs back what they read (without the secrets) keeps the stored ones.
const SECRET_PATHS: [string, string][] = [
  ['microsoft-azure-marketplace.tableLeadConfiguration', 'connectionString'],
  // The endpoint URL usually carries its access token (a SAS, a function key, a query secret).
  ['microsoft-azure-marketplace.httpsEndpointLeadConfiguration', 'httpsEndpointUrl'],
  // Whoever has the organisation id can write leads into the partner's Salesforce org.
  ['microsoft-azure-marketplace.salesForceLeadConfiguration', 'objectIdentifier'],
  ['microsoft-azure-marketplace.dynamicsLeadConfiguration', 'applicationKey'],
  ['microsoft-azure-marketplace.dynamicsLeadConfiguration', 'password'],
  ['microsoft-azure-marketplace.marketoLeadConfiguration', 'clientSecret'],
];

type Doc = { definition?: { offer?: Record<string, unknown> } };

function config(doc: Doc, key: string): Record<string, unknown> | undefined {
  const c = doc?.definition?.offer?.[key];
  return c && typeof c === 'object' ? (c as Record<string, unknown>) : undefined;
}

/** A copy of the document with every secret removed. */
export function redactSecrets<T>(doc: T): T {
  const copy = structuredClone(doc) as Doc;
  for (const [key, field] of SECRET_PATHS) {
    const c = config(copy, key);
    if (c && field in c) delete c[field];
  }
  return copy as T;
}

/** Fills secrets the incoming document leaves out from the stored one. */
export function restoreSecrets<T>(incoming: T, stored: unknown): T {
  const copy = structuredClone(incoming) as Doc;
  for (const [key, field] of SECRET_PATHS) {
    const old = config(stored as Doc, key);
    const c = config(copy, key);
    if (c && !(field in c) && old && typeof old[field] === 'string') c[field] = old[field];
  }
  return copy as T;
}
