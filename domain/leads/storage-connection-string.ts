// A partner's Azure Storage connection string, read the way Azure documents it (`key=value;` pairs,
// keys case-insensitive) — and then only what a lead destination may use: an explicit TableEndpoint
// or an account name (with the endpoint suffix), an account key or a SAS. The development-storage
// shortcuts (`UseDevelopmentStorage`, `DevelopmentStorageProxyUri`), which would send a partner's
// leads to whatever emulator this service runs beside, and any key Azure does not define are
// refused, so the endpoint checked is the endpoint used.
export type TableTarget =
  | {
      ok: true;
      endpoint: string;
      credential: { kind: 'key'; accountName: string; accountKey: string } | { kind: 'sas'; signature: string };
    }
  | { ok: false; reason: string };

const KNOWN = [
  'defaultendpointsprotocol',
  'accountname',
  'accountkey',
  'endpointsuffix',
  'tableendpoint',
  'blobendpoint',
  'queueendpoint',
  'fileendpoint',
  'sharedaccesssignature',
];

export function parseStorageConnectionString(cs: string): TableTarget {
  const parts = new Map<string, string>();
  for (const raw of cs.split(';')) {
    const part = raw.trim();
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) return { ok: false, reason: `"${part.slice(0, 40)}" is not a key=value pair` };
    const key = part.slice(0, eq).trim().toLowerCase();
    if (key === 'usedevelopmentstorage' || key === 'developmentstorageproxyuri')
      return {
        ok: false,
        reason: "development storage cannot be a lead destination; give your storage account's connection string",
      };
    if (!KNOWN.includes(key))
      return {
        ok: false,
        reason: `"${part.slice(0, eq).trim().slice(0, 40)}" is not a storage connection string setting`,
      };
    if (parts.has(key)) return { ok: false, reason: `${part.slice(0, eq).trim()} is given twice` };
    parts.set(key, part.slice(eq + 1).trim());
  }
  const name = parts.get('accountname');
  const key = parts.get('accountkey');
  const sas = parts.get('sharedaccesssignature');
  let endpoint = parts.get('tableendpoint');
  if (!endpoint) {
    if (!name) return { ok: false, reason: 'it has neither a TableEndpoint nor an AccountName' };
    if (!/^[a-z0-9]{3,24}$/.test(name))
      return { ok: false, reason: 'AccountName must be 3–24 lowercase letters and digits' };
    const protocol = (parts.get('defaultendpointsprotocol') ?? 'https').toLowerCase();
    if (protocol !== 'https') return { ok: false, reason: 'DefaultEndpointsProtocol must be https' };
    const suffix = parts.get('endpointsuffix') ?? 'core.windows.net';
    if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(suffix))
      return { ok: false, reason: 'EndpointSuffix is not a domain name' };
    endpoint = `https://${name}.table.${suffix}`;
  }
  try {
    const u = new URL(endpoint);
    if (u.username || u.password || u.search || u.hash)
      return { ok: false, reason: 'TableEndpoint must be a plain URL (no credentials, query or fragment)' };
    endpoint = u.href.replace(/\/+$/, '');
  } catch {
    return { ok: false, reason: 'TableEndpoint is not a URL' };
  }
  if (sas) return { ok: true, endpoint, credential: { kind: 'sas', signature: sas.replace(/^\?/, '') } };
  if (name && key) return { ok: true, endpoint, credential: { kind: 'key', accountName: name, accountKey: key } };
  return { ok: false, reason: 'it has neither an AccountName with an AccountKey nor a SharedAccessSignature' };
}
