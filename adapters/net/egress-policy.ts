import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

export class EgressRefused extends Error {}

// The service fetches partner-supplied URLs (image SAS URLs, CRM endpoints). Those must not reach
// into our own network: only https to public addresses, plus the app's own storage endpoints and
// hosts named in OUTBOUND_ALLOWED_HOSTS (for local development against Azurite and test receivers).

/** The app's own storage endpoints and OUTBOUND_ALLOWED_HOSTS: reachable even over http or on loopback. */
export function allowedHosts(env: NodeJS.ProcessEnv = process.env): Set<string> {
  const hosts = new Set<string>();
  for (const m of (env.AzureWebJobsStorage ?? '').matchAll(/(?:Blob|Queue|Table)Endpoint=([^;]+)/gi)) {
    try {
      hosts.add(new URL(m[1]).host.toLowerCase());
    } catch {
      /* not a URL: ignore */
    }
  }
  for (const h of (env.OUTBOUND_ALLOWED_HOSTS ?? '').split(',').map((x) => x.trim().toLowerCase()).filter(Boolean)) hosts.add(h);
  return hosts;
}

export function isPrivateAddress(ip: string): boolean {
  if (isIP(ip) === 4) {
    const [a, b] = ip.split('.').map(Number);
    return a === 10 || a === 127 || a === 0 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127) || a >= 224;
  }
  const v = ip.toLowerCase();
  if (v.startsWith('::ffff:')) return isPrivateAddress(v.slice(7));
  return v === '::1' || v === '::' || v.startsWith('fc') || v.startsWith('fd') || v.startsWith('fe8') || v.startsWith('fe9') || v.startsWith('fea') || v.startsWith('feb') || v.startsWith('ff');
}

/** Parses and vets an outbound URL; throws EgressRefused with a message for the partner. */
export async function checkOutboundUrl(raw: string, what: string, env: NodeJS.ProcessEnv = process.env): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new EgressRefused(`${what} is not a valid absolute URL.`);
  }
  if (url.username || url.password) throw new EgressRefused(`${what} must not contain credentials before the host name.`);
  if (allowedHosts(env).has(url.host.toLowerCase())) return url;
  if (url.protocol !== 'https:') throw new EgressRefused(`${what} must use https.`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host.toLowerCase() === 'localhost' || host.toLowerCase().endsWith('.localhost')) throw new EgressRefused(`${what} points at a private address (${host}).`);
  const addresses = isIP(host) ? [host] : (await lookup(host, { all: true }).catch(() => [])).map((a) => a.address);
  if (addresses.length === 0) throw new EgressRefused(`${what}: the host ${host} could not be resolved.`);
  if (addresses.some(isPrivateAddress)) throw new EgressRefused(`${what} points at a private address (${host}).`);
  return url;
}
