import { TableClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { storageSettings } from '../settings/storage-settings';

// Every store uses the app's storage account: `AzureWebJobsStorage` as a connection string locally,
// or (in Azure, keyless) `AzureWebJobsStorage__accountName` with the app's managed identity.

function connectionString(): string | undefined {
  const v = storageSettings().connectionString;
  return v && !/UseDevelopmentStorage=true/i.test(v) ? v : undefined;
}

function accountName(): string {
  const n = storageSettings().accountName;
  if (!n)
    throw new Error(
      'Storage is not configured: set AzureWebJobsStorage (a connection string) or AzureWebJobsStorage__accountName (managed identity).',
    );
  return n;
}

function credential() {
  // Loaded only in the keyless (Azure) configuration.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose
  const { DefaultAzureCredential } = require('@azure/identity') as typeof import('@azure/identity');
  return new DefaultAzureCredential({ managedIdentityClientId: storageSettings().clientId });
}

const tables = new Map<string, Promise<TableClient>>();

/** A client for a table in the app's account, created on first use. */
export function table(name: string): Promise<TableClient> {
  let p = tables.get(name);
  if (!p) {
    p = (async () => {
      const cs = connectionString();
      const client = cs
        ? TableClient.fromConnectionString(cs, name, { allowInsecureConnection: true })
        : new TableClient(`https://${accountName()}.table.core.windows.net`, name, credential());
      await client.createTable().catch((e: { statusCode?: number }) => {
        if (e.statusCode !== 409) throw e;
      });
      return client;
    })();
    p.catch(() => tables.delete(name));
    tables.set(name, p);
  }
  return p;
}

export function blobService(): BlobServiceClient {
  const cs = connectionString();
  return cs
    ? BlobServiceClient.fromConnectionString(cs)
    : new BlobServiceClient(`https://${accountName()}.blob.core.windows.net`, credential());
}

export function queueService(): QueueServiceClient {
  const cs = connectionString();
  return cs
    ? QueueServiceClient.fromConnectionString(cs)
    : new QueueServiceClient(`https://${accountName()}.queue.core.windows.net`, credential());
}

export function isNotFound(e: unknown): boolean {
  return (e as { statusCode?: number }).statusCode === 404;
}

export function isConflict(e: unknown): boolean {
  const s = (e as { statusCode?: number }).statusCode;
  return s === 409 || s === 412;
}
