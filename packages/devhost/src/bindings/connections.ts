// How a binding's or trigger's `connection` becomes a storage client, by the host's rule (one place
// for every trigger and binding of the devhost):
//
// - the setting section is `AzureWebJobs<name>` if it exists, else `<name>` (each also looked up
//   under `ConnectionStrings:`); an empty name means `Storage`, i.e. `AzureWebJobsStorage`
//   (IConfigurationExtensions.GetWebJobsConnectionStringSection in Azure/azure-sdk-for-net,
//   sdk/storage/Microsoft.Azure.WebJobs.Extensions.Storage.Common/src);
// - a section with a value is a connection string; one with children (`<name>__accountName`,
//   `<name>__blobServiceUri`, …, written with `__` in environment variables) is identity-based:
//   `accountName` wins over `<service>ServiceUri` (StorageClientProvider.TryGetServiceUri in the same
//   folder), and `serviceUri` is what Microsoft.Extensions.Azure's ClientFactory reads otherwise.
//
// Identity-based connections need a token from Entra ID, which a development machine running the
// devhost does not have. They are accepted when they point at the local storage emulator (a loopback
// address, or the account `devstoreaccount1`, which means the emulator AzureWebJobsStorage names) and
// are then signed with the emulator's well-known account key, so an app configured the way it runs in
// Azure (no keys in its settings) runs here unchanged. Anything else is refused with a message.
import { AzureNamedKeyCredential, TableClient } from '@azure/data-tables';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { DEV_ACCOUNT, DEV_KEY } from '../storage/azurite';

export type StorageService = 'blob' | 'queue' | 'table';

export type StorageConnection =
  | { name: string; setting: string; kind: 'connectionString'; connectionString: string }
  | { name: string; setting: string; kind: 'identity'; endpoints: Partial<Record<StorageService, string>> };

/** A connection that cannot be used: the message says which setting and why. */
export class ConnectionError extends Error {}

/** Resolves a `connection` property (a setting name; empty means AzureWebJobsStorage) from the environment. */
export function resolveConnection(connection: unknown, env: NodeJS.ProcessEnv = process.env): StorageConnection {
  const name = typeof connection === 'string' && connection.trim() ? connection.trim() : 'Storage';
  const settings = new CaseInsensitive(env);
  const candidates = [`AzureWebJobs${name}`, name];
  for (const setting of candidates) {
    for (const key of [`ConnectionStrings__${setting}`, setting]) {
      const value = settings.get(key);
      if (value !== undefined && value.trim())
        return { name, setting: key, kind: 'connectionString', connectionString: value };
      const children = settings.children(key);
      if (Object.keys(children).length) return identityConnection(name, key, children, settings);
    }
  }
  throw new ConnectionError(
    `The storage connection '${name}' is not configured: set '${name === 'Storage' ? 'AzureWebJobsStorage' : name}' to a connection string, ` +
      `or '${name}__blobServiceUri' / '${name}__queueServiceUri' / '${name}__tableServiceUri' (or '${name}__accountName') for an identity-based connection.`,
  );
}

function identityConnection(
  name: string,
  setting: string,
  children: Record<string, string>,
  settings: CaseInsensitive,
): StorageConnection {
  const endpoints: Partial<Record<StorageService, string>> = {};
  const account = children.accountname;
  for (const service of ['blob', 'queue', 'table'] as const) {
    if (account) {
      const url = accountEndpoint(account, service, settings);
      if (url) endpoints[service] = url;
    } else if (children[`${service}serviceuri`]) endpoints[service] = children[`${service}serviceuri`];
    else if (children.serviceuri) endpoints[service] = children.serviceuri;
  }
  for (const [service, url] of Object.entries(endpoints)) {
    if (!isEmulator(url))
      throw new ConnectionError(
        `The storage connection '${name}' is identity-based (${setting}__…) and its ${service} endpoint is ${url}; ` +
          `the devhost has no Entra ID to get a token from, so it accepts identity-based connections only to the local storage emulator. ` +
          `Give '${name}' a connection string to reach that account.`,
      );
  }
  return { name, setting, kind: 'identity', endpoints };
}

/**
 * `accountName`: the account's public endpoint; for the emulator's account, the emulator's endpoint that
 * AzureWebJobsStorage names (none when it names none: using that service is then an error, see endpointOf).
 */
function accountEndpoint(account: string, service: StorageService, settings: CaseInsensitive): string | undefined {
  if (account !== DEV_ACCOUNT) return `https://${account}.${service}.core.windows.net`;
  const storage = settings.get('AzureWebJobsStorage');
  const fromStorage = storage ? connectionStringEndpoint(storage, service) : undefined;
  return fromStorage && isEmulator(fromStorage) ? fromStorage : undefined;
}

function connectionStringEndpoint(connectionString: string, service: StorageService): string | undefined {
  const parts = new Map<string, string>();
  for (const part of connectionString.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) parts.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  if (parts.get('usedevelopmentstorage') === 'true')
    return `http://127.0.0.1:${{ blob: 10000, queue: 10001, table: 10002 }[service]}/${DEV_ACCOUNT}`;
  return parts.get(`${service}endpoint`);
}

function isEmulator(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ConnectionError(`'${url}' is not a valid storage endpoint URL.`);
  }
  const host = u.hostname.replace(/^\[|\]$/g, '');
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || u.pathname.split('/')[1] === DEV_ACCOUNT;
}

function endpointOf(c: StorageConnection, service: StorageService): string {
  if (c.kind !== 'identity') throw new Error('not an identity connection');
  const url = c.endpoints[service];
  if (!url)
    throw new ConnectionError(
      `The storage connection '${c.name}' is identity-based but has no ${service} endpoint: set '${c.setting}__${service}ServiceUri' (or '${c.setting}__serviceUri' / '${c.setting}__accountName').`,
    );
  return url.replace(/\/+$/, '');
}

export function blobService(c: StorageConnection): BlobServiceClient {
  if (c.kind === 'connectionString') return BlobServiceClient.fromConnectionString(c.connectionString);
  return new BlobServiceClient(endpointOf(c, 'blob'), new StorageSharedKeyCredential(DEV_ACCOUNT, DEV_KEY));
}

export function queueService(c: StorageConnection): QueueServiceClient {
  if (c.kind === 'connectionString') return QueueServiceClient.fromConnectionString(c.connectionString);
  return new QueueServiceClient(endpointOf(c, 'queue'), new StorageSharedKeyCredential(DEV_ACCOUNT, DEV_KEY));
}

export function tableClient(c: StorageConnection, table: string): TableClient {
  if (c.kind === 'connectionString')
    return TableClient.fromConnectionString(c.connectionString, table, { allowInsecureConnection: true });
  return new TableClient(endpointOf(c, 'table'), table, new AzureNamedKeyCredential(DEV_ACCOUNT, DEV_KEY), {
    allowInsecureConnection: true,
  });
}

/** Checks up front that the connection has an endpoint for the service (so a bad setting fails at start-up). */
export function requireService(c: StorageConnection, service: StorageService): void {
  if (c.kind === 'identity') endpointOf(c, service);
}

/** App settings are case-insensitive in the host (IConfiguration); environment variables are not, on Linux. */
class CaseInsensitive {
  private readonly byLower = new Map<string, string>();
  constructor(env: NodeJS.ProcessEnv) {
    for (const [k, v] of Object.entries(env)) if (v !== undefined) this.byLower.set(k.toLowerCase(), v);
  }
  get(key: string): string | undefined {
    return this.byLower.get(key.toLowerCase());
  }
  /** `<key>__child` settings, by lower-case child name. */
  children(key: string): Record<string, string> {
    const prefix = `${key.toLowerCase()}__`;
    const out: Record<string, string> = {};
    for (const [k, v] of this.byLower) if (k.startsWith(prefix) && v.trim()) out[k.slice(prefix.length)] = v.trim();
    return out;
  }
}
