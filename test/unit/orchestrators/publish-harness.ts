// What the orchestrator replay tests share: the app as the devhost loads it, a publish input, fakes
// of every activity that let the pipeline through, and the run told as a list of what happened, so
// each test states its expectations in the process's own terms.
import path from 'node:path';
import { ActivityFakes, OrchestrationTester, RecordedCall } from '@offer-go-live/devhost';
import type { ActivityContract } from '../../../domain/publishing/contract';
import { PublishInput, publishInstanceId } from '../../../domain/publishing/events';
import { PublishRef } from '../../../domain/publishing/stages';

/** The built app (package.json `main`), loaded once per test file. */
export const APP_DIR = path.resolve(__dirname, '../../..');

export const REGIONS = ['eastus', 'westeurope', 'japaneast'];

export const INPUT: PublishInput = {
  publisherId: 'contoso',
  offerId: 'vm-offer',
  version: 3,
  operationId: 'op-publish-3',
  notificationEmails: ['owner@contoso.example'],
  retry: { firstRetryIntervalMs: 1000, maxAttempts: 3 },
};

export const REF: PublishRef = {
  publisherId: INPUT.publisherId,
  offerId: INPUT.offerId,
  version: INPUT.version,
  operationId: INPUT.operationId,
};

export const INSTANCE_ID = publishInstanceId(INPUT.publisherId, INPUT.offerId, INPUT.version);

const ok = (text: string) => ({ ok: true, messages: [{ level: 'information' as const, text }] });

/** Every activity succeeding, as on a good day. */
export function passingActivities(): ActivityFakes<ActivityContract> {
  return {
    recordStep: () => undefined,
    validatePrerequisites: () => ok('All required fields are set.'),
    ingestArtifacts: () => ok('Artifacts ingested.'),
    certifyImage: () => ({ ...ok('The image passed certification.'), reportUrl: 'https://reports.example/cert/3' }),
    planProvisioning: () => ({ regions: REGIONS }),
    copyImageToRegion: ({ region }) => ({ region, copied: 1, skipped: 0 }),
    packageListing: () => ok('Listing packaged.'),
    registerTestLead: () => ok('A test lead was delivered.'),
    openPreview: () => [{ displayText: 'Preview', uri: 'https://preview.example/vm-offer' }],
    goLive: () => [{ displayText: 'Marketplace', uri: 'https://marketplace.example/vm-offer' }],
    cancelPublish: () => undefined,
    sendPublishEmail: ({ kind }) => ({ id: `mail-${kind}`, status: 'Succeeded' }),
    completeOperation: () => undefined,
  };
}

export function publishTester(overrides: ActivityFakes<ActivityContract> = {}) {
  return OrchestrationTester.forApp<ActivityContract>(APP_DIR, {
    activities: { ...passingActivities(), ...overrides },
  });
}

/**
 * The calls as a readable journey: the activity, and for the ones whose input decides what the
 * partner sees, its key fields (the step and its status, the e-mail's kind). Failed calls are marked.
 */
export function journey(calls: readonly RecordedCall<ActivityContract>[]): string[] {
  return calls.map((c) => {
    const failed = c.outcome === 'failed' ? ' (failed)' : '';
    switch (c.name) {
      case 'recordStep':
        return `recordStep ${c.input.change.step} ${c.input.change.status}${failed}`;
      case 'sendPublishEmail':
        return `email ${c.input.kind}${c.input.step ? ` ${c.input.step}` : ''}${failed}`;
      case 'copyImageToRegion':
        return `copyImageToRegion ${c.input.region}${failed}`;
      default:
        return `${c.name}${failed}`;
    }
  });
}

/** The journey of a publish that passes every stage, up to the preview e-mail. */
export const TO_PREVIEW = [
  'email publish-accepted',
  'recordStep displaydummycertify inProgress',
  'validatePrerequisites',
  'ingestArtifacts',
  'recordStep displaydummycertify complete',
  'recordStep displaycertify inProgress',
  'certifyImage',
  'recordStep displaycertify complete',
  'recordStep displayprovision inProgress',
  'planProvisioning',
  ...REGIONS.map((r) => `copyImageToRegion ${r}`),
  'recordStep displayprovision complete',
  'recordStep displaypackage inProgress',
  'packageListing',
  'registerTestLead',
  'recordStep displaypackage complete',
  'openPreview',
  'email preview-available',
];
