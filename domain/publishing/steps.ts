// The publishing stages as the publisher sees them (marketplace.md "The stages"). Each stage is
// findable by this id in the catalogue, its activity and its call in the orchestrator.

export type StepId =
  | 'displaydummycertify'
  | 'displaycertify'
  | 'displayprovision'
  | 'displaypackage'
  | 'preview'
  | 'publisher-signoff'
  | 'live';

export interface StepDefinition {
  id: StepId;
  stepName: string;
  description: string;
  estimatedTimeFrame: string;
}

export const STEPS: readonly StepDefinition[] = [
  {
    id: 'displaydummycertify',
    stepName: 'Validate Pre-Requisites',
    description: 'Every required field of the offer is set and well formed.',
    estimatedTimeFrame: '< 15 minutes',
  },
  {
    id: 'displaycertify',
    stepName: 'Certification',
    description: 'The VM image is tested against the Azure Certified requirements.',
    estimatedTimeFrame: '< 5 days',
  },
  {
    id: 'displayprovision',
    stepName: 'Provisioning',
    description: 'The image is replicated to every Azure region.',
    estimatedTimeFrame: '< 1 day',
  },
  {
    id: 'displaypackage',
    stepName: 'Packaging and Lead Generation Registration',
    description:
      'Technical and marketing content are combined into the product page; a test lead is sent to the lead destination.',
    estimatedTimeFrame: '< 1 hour',
  },
  {
    id: 'preview',
    stepName: 'Offer available in Preview',
    description: 'Only the preview audience (whitelisted subscriptions) can see and deploy the offer.',
    estimatedTimeFrame: '—',
  },
  {
    id: 'publisher-signoff',
    stepName: 'Publisher signoff',
    description: 'Check the preview, then Go Live (or Cancel) on the Status tab.',
    estimatedTimeFrame: '< 1 hour',
  },
  {
    id: 'live',
    stepName: 'Live',
    description: 'Customers can see and deploy the offer in the marketplace.',
    estimatedTimeFrame: '< 1 hour',
  },
];

export function stepDefinition(id: StepId): StepDefinition {
  const s = STEPS.find((x) => x.id === id);
  if (!s) throw new Error(`Unknown step ${id}`);
  return s;
}

/** What a partner should do when a step fails, for the status message and the e-mail. */
export const NEXT_ACTION: Record<StepId, string> = {
  displaydummycertify: 'Complete or correct the fields named above in the offer editor, then click Publish again.',
  displaycertify: 'Fix the image as described, upload it again (a new SAS URL if needed), then click Publish again.',
  displayprovision: 'This is usually temporary. Click Publish again; if it keeps failing, open a support request.',
  displaypackage: 'Correct the marketing content or the lead destination as described, then click Publish again.',
  preview: 'Click Publish again; if it keeps failing, open a support request.',
  'publisher-signoff': 'Click Publish again to start a new publishing request.',
  live: 'Open a support request with the offer id and publishing version.',
};
