// How an operation (submission) is answered by the partner API, in the Cloud Partner Portal
// reference's shape ("Retrieve operations"): the list item of `GET …/submissions` and the body of
// `GET …/operations/{operationId}`. Kept apart from the stored record, whose states are ours.
import type { Link, PublishStatus, StatusMessage } from './status';
import { statusBody } from './status';

export type SubmissionType = 'publish' | 'golive' | 'cancel';
export type SubmissionState = 'inProgress' | 'succeeded' | 'failed' | 'canceled';

/** The stored operation. */
export interface Operation {
  id: string;
  offerId: string;
  offerVersion: number;
  offerTypeId: string;
  publisherId: string;
  submissionType: SubmissionType;
  submissionState: SubmissionState;
  publishingVersion: number;
  slot: 'preview' | 'production';
  definition: { metadata: { emails: string[] } };
  changedTime: string;
  /** When the operation was accepted (older records lack it: their changedTime stands in). */
  createdTime?: string;
  cancellationRequestState: 'none' | 'requested' | 'completed';
  message?: string;
}

/** The reference's operation status values. */
export const OPERATION_STATUSES = ['notStarted', 'running', 'failed', 'completed'] as const;
export type OperationStatus = (typeof OPERATION_STATUSES)[number];

/** The stored states each documented status (or, for older clients of ours, stored state) selects. */
export function statesForFilter(filter: string): SubmissionState[] | undefined {
  switch (filter) {
    case 'notStarted':
      return [];
    case 'running':
    case 'inProgress':
      return ['inProgress'];
    case 'failed':
      return ['failed'];
    case 'completed':
      return ['succeeded', 'canceled'];
    case 'succeeded':
      return ['succeeded'];
    case 'canceled':
      return ['canceled'];
    default:
      return undefined;
  }
}

export function operationStatus(op: Operation): OperationStatus {
  switch (op.submissionState) {
    case 'inProgress':
      return 'running';
    case 'failed':
      return 'failed';
    default:
      return 'completed';
  }
}

/** The reference names the publish slot "staging" in operations; Go Live works on production. */
const slotName = (op: Operation) => (op.slot === 'production' ? 'production' : 'staging');

/** .NET ticks of a time: the reference's operations carry such a `version`. */
function ticks(iso: string): number {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? (ms + 62_135_596_800_000) * 10_000 : 0;
}

/**
 * Whether a cancel can still act on the publish: only at publisher sign-off (the original rule),
 * once per version.
 */
function cancellationState(op: Operation, current: PublishStatus | undefined): string {
  if (op.cancellationRequestState === 'completed' || op.submissionState === 'canceled') return 'canceled';
  if (op.cancellationRequestState === 'requested') return 'cancelRequested';
  const atSignoff =
    current?.publishingVersion === op.publishingVersion &&
    current.status === 'waitingForPublisherReview' &&
    current.signoff === 'none';
  return op.submissionType === 'publish' && atSignoff ? 'canCancel' : 'cannotCancel';
}

/** A `GET …/submissions` item. */
export function submissionItem(op: Operation, current?: PublishStatus) {
  const status = operationStatus(op);
  return {
    id: op.id,
    offerId: op.offerId,
    offerVersion: op.offerVersion,
    offerTypeId: op.offerTypeId,
    publisherId: op.publisherId,
    submissionType: op.submissionType,
    submissionState: status,
    status,
    publishingVersion: op.publishingVersion,
    slot: slotName(op),
    version: ticks(op.changedTime),
    definition: { metadata: { emails: op.definition.metadata.emails.join(',') } },
    createdDateTime: op.createdTime ?? op.changedTime,
    lastActionDateTime: op.changedTime,
    changedTime: op.changedTime,
    cancellationRequestState: cancellationState(op, current),
    ...(status === 'failed'
      ? { error: { code: 'OperationFailed', message: op.message ?? 'The operation failed.' } }
      : {}),
  };
}

/**
 * `GET …/operations/{id}`: the submission item with the publish's progress — its steps, messages
 * and links — while the offer's status record still describes that publishing version.
 */
export function operationBody(op: Operation, current: PublishStatus | undefined) {
  const item = submissionItem(op, current);
  const sameVersion = current !== undefined && current.publishingVersion === op.publishingVersion;
  const progress = sameVersion ? statusBody(current) : undefined;
  const messages: StatusMessage[] =
    progress?.messages ??
    (op.message
      ? [
          {
            messageHtml: op.message,
            level: op.submissionState === 'failed' ? 'error' : 'information',
            timestamp: op.changedTime,
          },
        ]
      : []);
  const links = (l: Link[] | undefined) => l ?? [];
  return {
    ...item,
    messages,
    steps: progress?.steps ?? [],
    previewLinks: links(progress?.previewLinks),
    liveLinks: links(progress?.liveLinks),
    notificationEmails: item.definition.metadata.emails,
  };
}
