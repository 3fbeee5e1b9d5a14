import { TableClient } from '@azure/data-tables';
import { Lead } from '../../domain/leads/lead';
import { checkOutboundUrl } from '../net/egress-policy';

export class LeadRejected extends Error {}

export const LEADS_TABLE = 'MarketplaceLeads';

/**
 * Writes leads into the partner's Azure Table (`MarketplaceLeads`) with their connection string.
 * `leadId` is the row key, so writing the same lead again updates one record instead of adding one.
 */
export async function writeTableLead(connectionString: string, lead: Lead, leadId: string): Promise<void> {
  const endpoint = /TableEndpoint=([^;]+)/i.exec(connectionString)?.[1] ?? accountEndpoint(connectionString);
  if (!endpoint) throw new LeadRejected('The Azure Table lead destination connection string has no account name or TableEndpoint.');
  const url = await checkOutboundUrl(endpoint, 'The lead destination table endpoint').catch((e: Error) => {
    throw new LeadRejected(e.message);
  });
  let client: TableClient;
  try {
    client = TableClient.fromConnectionString(connectionString, LEADS_TABLE, { allowInsecureConnection: url.protocol === 'http:' });
  } catch (e) {
    throw new LeadRejected(`The Azure Table lead destination connection string is not valid: ${(e as Error).message}`);
  }
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
    if (status !== undefined && status < 500) throw new LeadRejected(`The lead table refused the test lead: HTTP ${status} ${(e as Error).message.split('\n')[0]}`);
    throw e;
  }
}

function accountEndpoint(cs: string): string | undefined {
  const name = /AccountName=([^;]+)/i.exec(cs)?.[1];
  const suffix = /EndpointSuffix=([^;]+)/i.exec(cs)?.[1] ?? 'core.windows.net';
  return name ? `https://${name}.table.${suffix}` : undefined;
}
