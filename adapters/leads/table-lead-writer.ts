import { AzureNamedKeyCredential, AzureSASCredential, TableClient } from '@azure/data-tables';
import { parseStorageConnectionString } from '../../domain/leads/storage-connection-string';
import { outboundHttpClient } from '../net/outbound-http-client';
import { Lead } from '../../domain/leads/lead';
import { checkOutboundUrl } from '../net/egress-policy';

export class LeadRejected extends Error {}

export const LEADS_TABLE = 'MarketplaceLeads';

/**
 * Writes leads into the partner's Azure Table (`MarketplaceLeads`) with their connection string.
 * `leadId` is the row key, so writing the same lead again updates one record instead of adding one.
 */
export async function writeTableLead(connectionString: string, lead: Lead, leadId: string): Promise<void> {
  const target = parseStorageConnectionString(connectionString);
  if (!target.ok)
    throw new LeadRejected(`The Azure Table lead destination connection string is not usable: ${target.reason}.`);
  const url = await checkOutboundUrl(target.endpoint, 'The lead destination table endpoint').catch((e: Error) => {
    throw new LeadRejected(e.message);
  });
  // Built from the checked endpoint (never from the string again), and every request goes through
  // the outbound module.
  const options = {
    allowInsecureConnection: url.protocol === 'http:',
    httpClient: outboundHttpClient('The lead destination table endpoint'),
  };
  const client =
    target.credential.kind === 'key'
      ? new TableClient(
          target.endpoint,
          LEADS_TABLE,
          new AzureNamedKeyCredential(target.credential.accountName, target.credential.accountKey),
          options,
        )
      : new TableClient(target.endpoint, LEADS_TABLE, new AzureSASCredential(target.credential.signature), options);
  try {
    await client.createTable().catch((e: { statusCode?: number }) => {
      if (e.statusCode !== 409) throw e;
    });
    await client.upsertEntity(
      {
        partitionKey: lead.LeadSource.split('|')[1] ?? 'leads',
        rowKey: leadId,
        OfferTitle: lead.OfferTitle,
        LeadSource: lead.LeadSource,
        ActionCode: lead.ActionCode,
        Description: lead.Description,
        CustomerInfo: JSON.stringify(lead.UserDetails),
        Email: lead.UserDetails.Email,
      },
      'Replace',
    );
  } catch (e) {
    const status = (e as { statusCode?: number }).statusCode;
    // The status and the storage error code only: the answer came from the partner's endpoint.
    const code = String((e as { code?: string }).code ?? '')
      .replace(/[^A-Za-z0-9]/g, '')
      .slice(0, 60);
    if (status !== undefined && status < 500)
      throw new LeadRejected(`The lead table refused the test lead: HTTP ${status}${code ? ` ${code}` : ''}.`);
    throw e;
  }
}
