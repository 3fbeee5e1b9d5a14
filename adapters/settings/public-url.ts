/**
 * The app's public origin for links in statuses and e-mails: PUBLIC_BASE_URL, else the host name
 * the platform gives the app (WEBSITE_HOSTNAME), https unless it is a loopback address.
 */
export function publicBaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PUBLIC_BASE_URL) return env.PUBLIC_BASE_URL.replace(/\/+$/, '');
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
