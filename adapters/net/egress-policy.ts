// A pre-flight check of a partner URL, for callers that want to refuse a bad URL early (before a
// stage starts work). It is not what keeps a connection safe: every connection goes through
// ./outbound.ts, which checks the addresses again when it connects.
import { lookup } from 'node:dns/promises';
import { judgeAddress } from './address-policy';
import { allowedHosts, EgressRefused, vetUrl } from './outbound';

export { allowedHosts, EgressRefused };

export function isPrivateAddress(ip: string): boolean {
  return !judgeAddress(ip).ok;
}

/** Parses and vets an outbound URL, resolving its name; throws EgressRefused with a message for the partner. */
export async function checkOutboundUrl(raw: string, what: string, env: NodeJS.ProcessEnv = process.env): Promise<URL> {
  const { url, allowed } = vetUrl(raw, what, env);
  if (allowed) return url;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (judgeAddress(host).ok) return url; // a public IP literal
  const addresses = (await lookup(host, { all: true }).catch(() => [])).map((a) => a.address);
  if (addresses.length === 0) throw new EgressRefused(`${what}: the host ${host} could not be resolved.`);
  const refused = addresses.map(judgeAddress).find((v) => !v.ok);
  if (refused && !refused.ok) throw new EgressRefused(`${what} points at a private address (${refused.reason}).`);
  return url;
}
