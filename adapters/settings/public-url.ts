/** PUBLIC_BASE_URL without a trailing slash, when set (a front door serving the app under another origin). */
export function configuredPublicBaseUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.PUBLIC_BASE_URL ? env.PUBLIC_BASE_URL.replace(/\/+$/, '') : undefined;
}

/**
 * The app's public origin for links in statuses and e-mails: PUBLIC_BASE_URL, else the host name
 * the platform gives the app (WEBSITE_HOSTNAME), https unless it is a loopback address.
 */
export function publicBaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  const configured = configuredPublicBaseUrl(env);
  if (configured) return configured;
  const host = env.WEBSITE_HOSTNAME ?? 'localhost:7071';
  const local = /^(localhost|127\.|\[::1\])/.test(host);
  return `${local ? 'http' : 'https'}://${host}`;
}

export function provisionRegions(env: NodeJS.ProcessEnv = process.env): string[] {
  const list = (env.PROVISION_REGIONS ?? 'eastus,westeurope,southeastasia,australiaeast')
    .split(',')
    .map((r) => r.trim().toLowerCase())
    .filter(Boolean);
  for (const r of list)
    if (!/^[a-z0-9]{2,40}$/.test(r)) throw new Error(`PROVISION_REGIONS: '${r}' is not a region name.`);
  return list;
}
