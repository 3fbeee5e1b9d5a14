import { salesforceForm } from '../../domain/leads/delivery';
import { Lead } from '../../domain/leads/lead';
import { postToCrm } from './https-lead-writer';
import { LeadRejected } from './table-lead-writer';

const WEB_TO_LEAD = 'https://webto.salesforce.com/servlet/servlet.WebToLead?encoding=UTF-8';

/** Overridable so tests (and a sandbox org) can point at another receiver. */
export function webToLeadUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.SALESFORCE_WEB_TO_LEAD_URL || WEB_TO_LEAD;
}

/**
 * Salesforce Web-to-Lead: a form POST with the organisation id (`oid`). Salesforce answers 200 even
 * for a wrong oid, so a bad configuration shows up in the partner's org, not here.
 */
export async function writeSalesforceLead(
  objectIdentifier: string | undefined,
  lead: Lead,
  leadId: string,
): Promise<void> {
  if (!objectIdentifier)
    throw new LeadRejected(
      'Lead destination Salesforce has no organisation id (salesForceLeadConfiguration.objectIdentifier).',
    );
  await postToCrm(
    webToLeadUrl(),
    'Salesforce Web-to-Lead',
    salesforceForm(objectIdentifier, lead).toString(),
    'application/x-www-form-urlencoded',
    leadId,
  );
}
