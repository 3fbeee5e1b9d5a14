import { LeadDestination } from '../../domain/leads/delivery';
import { Lead } from '../../domain/leads/lead';
import { writeDynamicsLead } from './dynamics-lead-writer';
import { writeHttpsLead } from './https-lead-writer';
import { writeMarketoLead } from './marketo-lead-writer';
import { writeSalesforceLead } from './salesforce-lead-writer';
import { LeadRejected, writeTableLead, LEADS_TABLE } from './table-lead-writer';

export { LeadRejected };

/**
 * Sends a lead to the partner's destination and says where it went (for the partner's messages).
 * `leadId` makes a repeat idempotent where the destination allows (table row key, x-ms-lead-id header);
 * Dynamics 365 and Marketo have no such key (Marketo's Submit Form does upsert by e-mail).
 * Throws LeadRejected for a configuration or answer the partner must fix (never retried); any other
 * error is transient and meant to be retried. Neither carries a secret.
 */
export async function deliverLead(destination: LeadDestination, lead: Lead, leadId: string): Promise<string> {
  switch (destination.kind) {
    case 'None':
      return 'nowhere (no lead destination is configured)';
    case 'AzureTable':
      if (!destination.connectionString)
        throw new LeadRejected('Lead destination Azure Table has no connection string.');
      await writeTableLead(destination.connectionString, lead, leadId);
      return `your ${LEADS_TABLE} table`;
    case 'HttpsEndpoint':
      await writeHttpsLead(destination.url, lead, leadId);
      return 'your HTTPS endpoint';
    case 'Salesforce':
      await writeSalesforceLead(destination.objectIdentifier, lead, leadId);
      return 'Salesforce (Web-to-Lead)';
    case 'Dynamics': {
      const id = await writeDynamicsLead(destination, lead);
      return id ? `Dynamics 365 (lead ${id})` : 'Dynamics 365';
    }
    case 'Marketo':
      await writeMarketoLead(destination, lead);
      return 'Marketo (form submission)';
  }
}
