// What the orchestrator replay tests share: the app as the devhost loads it, a publish input, and a
// world for the run. The activities that record the publish status (recordStep, preview, sign-off,
// completing the operation) and its history (recordHistory) are the app's own, built over in-memory stores, so a test reads the
// status the partner would see; the stages' work and the e-mails are fakes the test can override.
// The run is also told as a list of what happened, so each test states its expectations in the
// process's own terms.
import path from 'node:path';
import { ActivityFakes, OrchestrationTester, RecordedCall } from '@offer-go-live/devhost';
import { makeRecordHistory } from '../../../activities/record-history';
import { makeRecordStep } from '../../../activities/record-step';
import { makeCancelPublish, makeCompleteOperation, makeGoLive, makeOpenPreview } from '../../../activities/signoff';
import { sampleOffer } from '../../../domain/offer/sample-offer';
import type { ActivityContract } from '../../../domain/publishing/contract';
import { PublishInput, publishInstanceId } from '../../../domain/publishing/events';
import { started } from '../../../domain/publishing/lifecycle';
import { PublishRef } from '../../../domain/publishing/stages';
import type { PublishStatus, StepState } from '../../../domain/publishing/status';
import type { StepId } from '../../../domain/publishing/steps';
import {
  MemoryHistoryStore,
  MemoryOfferStore,
  MemoryOperationStore,
  MemoryStatusStore,
} from '../../support/memory-stores';

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

export type PublishTester = OrchestrationTester<ActivityContract>;

export interface PublishWorld {
  t: PublishTester;
  /** The offer's publish status as recorded so far. */
  status(): PublishStatus;
  step(id: StepId): StepState;
  /** The history entries the orchestration wrote. */
  history: MemoryHistoryStore;
}

const ok = (text: string) => ({ ok: true, messages: [{ level: 'information' as const, text }] });

/** The stages' work and the e-mails, all succeeding, as on a good day. */
export function passingStages(): ActivityFakes<ActivityContract> {
  return {
    validatePrerequisites: () => ok('All required fields are set.'),
    ingestArtifacts: () => ok('Artifacts ingested.'),
    certifyImage: () => ({ ...ok('The image passed certification.'), reportUrl: 'https://reports.example/cert/3' }),
    planProvisioning: () => ({ regions: REGIONS }),
    copyImageToRegion: ({ region }) => ({ region, copied: 1, skipped: 0 }),
    packageListing: () => ok('Listing packaged.'),
    registerTestLead: () => ok('A test lead was delivered.'),
    sendPublishEmail: ({ kind }) => ({ id: `mail-${kind}`, status: 'Succeeded' }),
  };
}

/** A publish as the HTTP layer leaves it (draft, snapshot, running status), ready to be started. */
export async function publishWorld(overrides: ActivityFakes<ActivityContract> = {}): Promise<PublishWorld> {
  const statuses = new MemoryStatusStore();
  const offers = new MemoryOfferStore();
  const operations = new MemoryOperationStore();
  const history = new MemoryHistoryStore();
  // Records are stamped with the tester's clock.
  const now = (): string => t.clock.nowIso();
  const stores = { statuses, offers, operations, now };
  const signoff = { ...stores, publicBaseUrl: () => 'https://offers.example' };
  const t = await OrchestrationTester.forApp<ActivityContract>(APP_DIR, {
    activities: {
      recordStep: makeRecordStep(stores),
      openPreview: makeOpenPreview(signoff),
      goLive: makeGoLive(signoff),
      cancelPublish: makeCancelPublish(stores),
      completeOperation: makeCompleteOperation(stores),
      recordHistory: makeRecordHistory({ history }),
      ...passingStages(),
      ...overrides,
    },
  });
  offers.seed(INPUT.publisherId, INPUT.offerId, INPUT.version, sampleOffer());
  // What packaging leaves for Go Live to promote (the packaging activity itself is faked).
  await offers.writeSlot(INPUT.publisherId, INPUT.offerId, 'preview', { title: 'VM offer' }, INPUT.version, now());
  statuses.seed(INPUT.publisherId, INPUT.offerId, started({ ...INPUT, instanceId: INSTANCE_ID }, now()));
  const status = () => statuses.status(INPUT.publisherId, INPUT.offerId);
  return {
    t,
    status,
    step: (id) => status().steps.find((s) => s.id === id)!,
    history,
  };
}

export function startPublish(t: PublishTester): Promise<string> {
  return t.start('publishOffer', INPUT, { instanceId: INSTANCE_ID });
}

/**
 * The calls as a readable journey: the activity, and for the ones whose input decides what the
 * partner sees, its key fields (the transition recorded and its step, the history event, the e-mail's kind). Failed
 * calls are marked.
 */
export function journey(calls: readonly RecordedCall<ActivityContract>[]): string[] {
  return calls.map((c) => {
    const failed = c.outcome === 'failed' ? ' (failed)' : '';
    switch (c.name) {
      case 'recordStep': {
        const tr = c.input.transition;
        return `recordStep ${tr.kind}${'step' in tr ? ` ${tr.step}` : ''}${failed}`;
      }
      case 'recordHistory':
        return `history ${c.input.entry.event}${failed}`;
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
  'recordStep stepStarted displaydummycertify',
  'validatePrerequisites',
  'ingestArtifacts',
  'recordStep stepCompleted displaydummycertify',
  'recordStep stepStarted displaycertify',
  'certifyImage',
  'recordStep stepCompleted displaycertify',
  'recordStep stepStarted displayprovision',
  'planProvisioning',
  ...REGIONS.map((r) => `copyImageToRegion ${r}`),
  'recordStep stepCompleted displayprovision',
  'recordStep stepStarted displaypackage',
  'packageListing',
  'registerTestLead',
  'recordStep stepCompleted displaypackage',
  'openPreview',
  'email preview-available',
];
