// The automated stages in order, each with the activity (or sub-orchestration) that performs it.
import type { ActivityName, StageActivity } from './contract';
import { MessageLevel } from './status';
import { StepId } from './steps';

export const ACTIVITY = {
  recordStep: 'recordStep',
  validatePrerequisites: 'validatePrerequisites',
  ingestArtifacts: 'ingestArtifacts',
  certifyImage: 'certifyImage',
  planProvisioning: 'planProvisioning',
  copyImageToRegion: 'copyImageToRegion',
  packageListing: 'packageListing',
  registerTestLead: 'registerTestLead',
  openPreview: 'openPreview',
  goLive: 'goLive',
  cancelPublish: 'cancelPublish',
  sendPublishEmail: 'sendPublishEmail',
  completeOperation: 'completeOperation',
  recordHistory: 'recordHistory',
} as const satisfies { [K in ActivityName]: K }; // every activity of the contract, by its own name

export const ORCHESTRATOR = {
  publishOffer: 'publishOffer',
  provisionImage: 'provisionImage',
  provisionRegion: 'provisionRegion',
} as const;

/** Which publishing version of which offer a stage works on. */
export interface PublishRef {
  publisherId: string;
  offerId: string;
  version: number;
  operationId: string;
}

/** A stage's verdict. `ok: false` is a problem with the partner's input: reported, never retried. */
export interface StageOutcome {
  ok: boolean;
  messages: { text: string; level: MessageLevel }[];
  reportUrl?: string;
}

export interface Stage {
  step: StepId;
  /** Activities run in order, or the provisioning sub-orchestration. */
  run: { activities: StageActivity[] } | { orchestrator: string };
}

export const PIPELINE: readonly Stage[] = [
  { step: 'displaydummycertify', run: { activities: [ACTIVITY.validatePrerequisites, ACTIVITY.ingestArtifacts] } },
  { step: 'displaycertify', run: { activities: [ACTIVITY.certifyImage] } },
  { step: 'displayprovision', run: { orchestrator: ORCHESTRATOR.provisionImage } },
  { step: 'displaypackage', run: { activities: [ACTIVITY.packageListing, ACTIVITY.registerTestLead] } },
];
