import { TableClient } from '@azure/data-tables';
import { AcsEmailSender, AcsEmailSenderOptions } from './acs-email-sender';
import { EmailSender } from './email';
import { isLoopbackUrl } from './keys';
import { OUTBOX_TABLE, OutboxEmailSender } from './outbox-email-sender';
import { storageSettings } from '../settings/storage-settings';

// The sender comes from configuration, never from an `if (local)` in a stage (DESIGN.md).

/** Every app setting the e-mail adapter reads (infra must set the ACS ones in Azure). */
export const EMAIL_SETTINGS = [
  'COMMUNICATION_SERVICES_CONNECTION_STRING', // endpoint=https://…;accesskey=…
  'COMMUNICATION_SERVICES_ENDPOINT', // keyless: the app's managed identity
  'COMMUNICATION_SERVICES_CLIENT_ID', // optional: a user-assigned identity for the keyless path
  'EMAIL_SENDER', // the verified sender address, e.g. DoNotReply@…azurecomm.net
  'AzureWebJobsStorage', // outbox (no ACS configured): a storage connection string…
  'AzureWebJobsStorage__accountName', // …or, keyless, the account name
  'AzureWebJobsStorage__clientId',
] as const;

export type EmailSettings = Partial<Record<(typeof EMAIL_SETTINGS)[number], string>>;

export function chooseEmailSender(
  settings: EmailSettings = process.env,
  acsOptions?: AcsEmailSenderOptions,
): EmailSender {
  const cs = settings.COMMUNICATION_SERVICES_CONNECTION_STRING;
  const endpoint = settings.COMMUNICATION_SERVICES_ENDPOINT;
  if (cs || endpoint) {
    // ACS half-configured is a deployment error: failing beats quietly parking real mail in a table.
    const from = settings.EMAIL_SENDER;
    if (!from) throw new Error('EMAIL_SENDER must be set when Azure Communication Services is configured');
    return cs
      ? new AcsEmailSender(from, { connectionString: cs }, acsOptions)
      : new AcsEmailSender(
          from,
          { endpoint: endpoint!, managedIdentityClientId: settings.COMMUNICATION_SERVICES_CLIENT_ID },
          acsOptions,
        );
  }
  return new OutboxEmailSender(outboxTable(settings));
}

function outboxTable(settings: EmailSettings): TableClient {
  const { connectionString: storage, accountName: account, clientId } = storageSettings(settings);
  if (storage) {
    const http =
      /TableEndpoint=(http:[^;]+)/i.exec(storage)?.[1] ??
      (/UseDevelopmentStorage=true/i.test(storage) ? 'http://127.0.0.1' : undefined);
    return TableClient.fromConnectionString(storage, OUTBOX_TABLE, {
      allowInsecureConnection: !!http && isLoopbackUrl(http),
    });
  }
  if (!account) {
    throw new Error(
      'No e-mail sender configured: set COMMUNICATION_SERVICES_CONNECTION_STRING or COMMUNICATION_SERVICES_ENDPOINT with EMAIL_SENDER, or AzureWebJobsStorage for the outbox',
    );
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- only the keyless path needs @azure/identity
  const { DefaultAzureCredential } = require('@azure/identity') as typeof import('@azure/identity');
  return new TableClient(
    `https://${account}.table.core.windows.net`,
    OUTBOX_TABLE,
    new DefaultAzureCredential(clientId ? { managedIdentityClientId: clientId } : {}),
  );
}
