// The publishing contract, declared once: every activity the orchestrations call, with its input
// and output. Orchestrators call activities only through `activityCaller` (orchestrators/
// activity-caller.ts), so a call with a wrong input does not compile; activities take their input
// types from here.
import type { HistoryEntry } from '../audit/history-entry';
import type { EmailKind } from './emails';
import type { PublishRef, StageOutcome } from './stages';
import type { Transition } from './lifecycle';
import type { Link } from './status';
import type { StepId } from './steps';

/** What happened at a stage, for the lifecycle to turn into the offer's status. */
export interface RecordStepInput extends PublishRef {
  transition: Transition;
}

export interface CopyInput extends PublishRef {
  region: string;
  total: number;
}

export interface SendPublishEmailInput extends PublishRef {
  kind: EmailKind;
  to: string[];
  step?: StepId;
  messages?: string[];
}

export interface SignoffInput extends PublishRef {
  signoffOperationId: string;
}

export interface CompleteOperationInput extends PublishRef {
  state: 'failed' | 'succeeded';
  message?: string;
}

/** A history entry the orchestration built (its id and time are deterministic, so a re-run writes it once). */
export interface RecordHistoryInput {
  entry: HistoryEntry;
}

/** Activity name → its input and output. */
export interface ActivityContract {
  recordStep: { input: RecordStepInput; output: void };
  validatePrerequisites: { input: PublishRef; output: StageOutcome };
  ingestArtifacts: { input: PublishRef; output: StageOutcome };
  certifyImage: { input: PublishRef; output: StageOutcome };
  planProvisioning: { input: null; output: { regions: string[] } };
  copyImageToRegion: { input: CopyInput; output: { region: string; copied: number; skipped: number } };
  packageListing: { input: PublishRef; output: StageOutcome };
  registerTestLead: { input: PublishRef; output: StageOutcome };
  openPreview: { input: PublishRef; output: Link[] };
  goLive: { input: SignoffInput; output: Link[] };
  cancelPublish: { input: SignoffInput; output: void };
  sendPublishEmail: { input: SendPublishEmailInput; output: { id: string; status: string } };
  completeOperation: { input: CompleteOperationInput; output: void };
  recordHistory: { input: RecordHistoryInput; output: void };
}

export type ActivityName = keyof ActivityContract;
export type ActivityInput<K extends ActivityName> = ActivityContract[K]['input'];
export type ActivityOutput<K extends ActivityName> = ActivityContract[K]['output'];

/** The activities whose input is a bare PublishRef: the stage activities a pipeline stage lists. */
export type StageActivity = {
  [K in ActivityName]: ActivityInput<K> extends PublishRef
    ? PublishRef extends ActivityInput<K>
      ? ActivityOutput<K> extends StageOutcome
        ? K
        : never
      : never
    : never;
}[ActivityName];
