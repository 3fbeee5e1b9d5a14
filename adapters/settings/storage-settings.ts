// The app's storage account settings, read in one place: `AzureWebJobsStorage` (a connection string,
// locally or with a key) or, keyless in Azure, `AzureWebJobsStorage__accountName` with the managed
// identity `AzureWebJobsStorage__clientId` — the host's own names for its storage connection.
export interface StorageSettings {
  connectionString?: string;
  accountName?: string;
  clientId?: string;
}

export function storageSettings(env: NodeJS.ProcessEnv = process.env): StorageSettings {
  return {
    connectionString: env.AzureWebJobsStorage,
    accountName: env.AzureWebJobsStorage__accountName,
    clientId: env.AzureWebJobsStorage__clientId,
  };
}
