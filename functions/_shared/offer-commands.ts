// What partners can do to an offer — save a draft, publish, go live, cancel — independent of how
// the request arrived (HTTP API, a dropped blob, a queue command). Failures are ApiErrors with the
// status and message an HTTP caller gets; other entry points record them instead.
import { DurableClient } from 'durable-functions';
import { ConcurrencyError, OfferGone, OfferStore, StoredOffer } from '../../adapters/offers/offer-store';
import { Operation, OperationStore, SubmissionType } from '../../adapters/offers/operation-store';
import { SlugStore } from '../../adapters/offers/slug-store';
import { StatusConflict, StatusStore } from '../../adapters/offers/status-store';
import { newId } from '../../adapters/ids/new-id';
import { retrySettings } from '../../adapters/settings/retry-settings';
import { DocumentTooLarge } from '../../adapters/storage/chunked-json';
import { OFFER_TYPE_ID, OfferDraft, parseOfferDraft } from '../../domain/offer/document';
import { isValidOfferId } from '../../domain/offer/ids';
import { parseNotificationEmails } from '../../domain/offer/notification-emails';
import { blocking, validatePrerequisites } from '../../domain/offer/prerequisites';
import { restoreSecrets } from '../../domain/offer/secrets';
import {
  CANCEL_EVENT,
  GO_LIVE_EVENT,
  PublishInput,
  publishInstanceId,
  SignoffEvent,
} from '../../domain/publishing/events';
import {
  currentStep,
  signoffRequested,
  signoffWithdrawn,
  started,
  startUndone,
} from '../../domain/publishing/lifecycle';
import { isInFlight, PublishStatus } from '../../domain/publishing/status';
import { stepDefinition } from '../../domain/publishing/steps';
import type { Acting } from '../../domain/audit/actor';
import { changedFields } from '../../domain/audit/changed-fields';
import { newEntry, recordCommitted } from './history';
import { fail, nowIso } from './http';

export const offers = new OfferStore();
export const statuses = new StatusStore();
export const operations = new OperationStore();
export const slugs = new SlugStore();

function newOperation(
  publisherId: string,
  offerId: string,
  type: SubmissionType,
  version: number,
  emails: string[],
  now: string,
): Operation {
  return {
    id: newId(),
    offerId,
    offerVersion: version,
    offerTypeId: OFFER_TYPE_ID,
    publisherId,
    submissionType: type,
    submissionState: 'inProgress',
    publishingVersion: version,
    slot: type === 'golive' ? 'production' : 'preview',
    definition: { metadata: { emails } },
    changedTime: now,
    createdTime: now,
    cancellationRequestState: 'none',
  };
}

function currentStepName(s: PublishStatus): string {
  return stepDefinition(currentStep(s).id).stepName;
}

/**
 * Creates or replaces a draft: schema-checked, ETag-guarded (`ifMatch`: an ETag, `*`, or none to
 * create). Its history entry is written in the draft's own row, then copied to the history.
 */
export async function saveDraft(
  publisherId: string,
  offerId: string,
  body: unknown,
  ifMatch: string | undefined,
  by: Acting,
): Promise<{ created: boolean; offer: StoredOffer }> {
  if (!isValidOfferId(offerId)) {
    fail(
      400,
      'InvalidOfferId',
      'The offer id must be 1–50 lowercase letters, digits or "-", and must not end with "-".',
    );
  }
  const parsed = parseOfferDraft(body);
  if (!parsed.ok) {
    const first = parsed.issues[0];
    fail(
      400,
      'InvalidOfferDocument',
      `${first.path}: ${first.message}${parsed.issues.length > 1 ? ` (and ${parsed.issues.length - 1} more)` : ''}`,
      parsed.issues,
    );
  }
  const doc = parsed.ok ? parsed.value : undefined!;
  if (doc.id !== undefined && doc.id !== offerId)
    fail(400, 'InvalidOfferDocument', `id: '${doc.id}' does not match the offer id in the URL ('${offerId}').`);
  if (doc.publisherId !== undefined && doc.publisherId !== publisherId)
    fail(400, 'InvalidOfferDocument', `publisherId: '${doc.publisherId}' does not match the publisher in the URL.`);
  const existing = await offers.get(publisherId, offerId);
  if (existing) {
    // Concurrency control is mandatory on a change: the reference answers a missing If-Match with 400.
    if (!ifMatch)
      fail(
        400,
        'MissingIfMatch',
        'If-Match: required to modify an existing offer; send its ETag, or * to overwrite whatever is stored.',
      );
    if (ifMatch !== '*' && ifMatch !== existing.etag)
      fail(412, 'PreconditionFailed', 'The offer changed since you read it (ETag mismatch). Read it again and retry.');
  } else if (ifMatch && ifMatch !== '*') {
    fail(412, 'PreconditionFailed', 'If-Match names an ETag, but the offer does not exist.');
  }
  // Only what the partner owns is stored: the definition and the schema versions it was written
  // against; the other top-level fields (version, status, eTag, changedTime) are the service's.
  const { changedTime: _serviceOwned, ...definition } = doc.definition;
  const owned = doc.offerTypeVersions ? { offerTypeVersions: doc.offerTypeVersions, definition } : { definition };
  const document = restoreSecrets(owned, existing?.document) as Record<string, unknown>;
  const title = doc.definition.offer['microsoft-azure-marketplace.title'] ?? doc.definition.displayText ?? offerId;
  const now = nowIso();
  const entry = existing
    ? newEntry(
        { publisherId, offerId, event: 'offerSaved', details: changedFields(existing.document, document) },
        by,
        now,
      )
    : newEntry({ publisherId, offerId, event: 'offerCreated', details: { title } }, by, now);
  // The row's previous entry is about to be replaced: make sure it reached the history first.
  if (existing?.pendingHistory) await recordCommitted(existing.pendingHistory);
  let saved: StoredOffer;
  try {
    saved = await offers.save(publisherId, offerId, document, title, now, ifMatch, existing, entry);
  } catch (e) {
    if (e instanceof ConcurrencyError) fail(412, 'PreconditionFailed', e.message);
    if (e instanceof DocumentTooLarge) fail(413, 'RequestTooLarge', e.message);
    throw e;
  }
  await recordCommitted(entry);
  return { created: !existing, offer: saved! };
}

export interface Accepted {
  status: 200 | 202;
  operationId: string;
  publishingVersion: number | null;
  state: string;
}

/**
 * Publish: prerequisite validation, an immutable snapshot, the status commit, then the orchestration
 * (which records the submission in the history, with `by`).
 */
export async function startPublish(
  client: DurableClient,
  publisherId: string,
  offerId: string,
  body: unknown,
  by: Acting,
): Promise<Accepted> {
  const request = body as { metadata?: Record<string, unknown> } | null;
  if (!request || typeof request !== 'object' || !request.metadata || typeof request.metadata !== 'object') {
    fail(
      400,
      'InvalidPublishRequest',
      'metadata: required, e.g. {"metadata":{"notification-emails":"a@x.com,b@y.com"}}.',
    );
  }
  const emails = parseNotificationEmails(request!.metadata!['notification-emails']);
  if (!emails.ok) fail(400, 'InvalidPublishRequest', `metadata.notification-emails: ${emails.message}`);
  const notificationEmails = emails.ok ? emails.emails : [];
  const offer = await offers.get(publisherId, offerId);
  if (!offer) fail(404, 'NotFound', `Offer '${offerId}' does not exist.`);
  const now = nowIso();
  const statusRec = await statuses.get(publisherId, offerId, now);
  if (isInFlight(statusRec.status)) {
    fail(
      409,
      'OperationInProgress',
      `Publishing version ${statusRec.status.publishingVersion} of this offer is ${statusRec.status.status === 'running' ? `running (at "${currentStepName(statusRec.status)}")` : 'waiting for your sign-off'}; finish or cancel it before publishing again.`,
    );
  }
  const parsed = parseOfferDraft(offer!.document);
  const warnings = blocking(
    parsed.ok
      ? validatePrerequisites(offerId, parsed.value)
      : parsed.issues.map((i) => ({ path: i.path, rule: 'schema', message: i.message })),
  );
  if (warnings.length > 0) {
    fail(
      422,
      'ValidationFailed',
      `The offer is not ready to publish: ${warnings.length} field(s) need attention. Nothing was started.`,
      warnings,
    );
  }
  await claimMarketingSlug(offer!, parsed.ok ? parsed.value : undefined);

  let version: number;
  try {
    version = await offers.snapshot(offer!, now);
  } catch (e) {
    if (e instanceof ConcurrencyError) fail(409, 'Conflict', e.message);
    if (e instanceof OfferGone) fail(404, 'NotFound', `Offer '${offerId}' does not exist.`);
    throw e;
  }
  const op = newOperation(publisherId, offerId, 'publish', version!, notificationEmails, now);
  const instanceId = publishInstanceId(publisherId, offerId, version!);
  const next = started({ version: version!, operationId: op.id, instanceId, notificationEmails }, now);
  // The ETag-guarded status write is the commit point: a concurrent publish loses here.
  try {
    await statuses.put(publisherId, offerId, statusRec, next);
  } catch (e) {
    // The losing publish leaves nothing behind: its snapshot goes and the version is put back.
    await offers.undoSnapshot(publisherId, offerId, version!).catch(() => undefined);
    if (e instanceof StatusConflict)
      fail(409, 'OperationInProgress', 'Another publish of this offer was accepted at the same moment.');
    throw e;
  }
  await operations.put(op);
  const input: PublishInput = {
    publisherId,
    offerId,
    version: version!,
    operationId: op.id,
    notificationEmails,
    retry: retrySettings(),
    by,
  };
  try {
    await client.startNew('publishOffer', { instanceId, input });
  } catch (e) {
    // Undo the commit so the partner can simply publish again.
    await statuses
      .put(publisherId, offerId, await statuses.get(publisherId, offerId, now), startUndone(statusRec.status, nowIso()))
      .catch(() => undefined);
    await operations.update(publisherId, op.id, {
      submissionState: 'failed',
      message: 'The publishing workflow could not be started.',
    });
    throw e;
  }
  return { status: 202, operationId: op.id, publishingVersion: version!, state: 'running' };
}

const SLUG_PATH = 'definition.offer.microsoft-azure-marketplace.offerMarketingUrlIdentifier';
const slugOf = (doc: { definition?: { offer?: Record<string, unknown> } } | undefined): string | undefined => {
  const v = doc?.definition?.offer?.['microsoft-azure-marketplace.offerMarketingUrlIdentifier'];
  return typeof v === 'string' && v !== '' ? v : undefined;
};

/**
 * The listing's URL slug is unique across publishers and, once the offer is live, fixed: checked and
 * claimed before anything is started, so a refused publish leaves nothing behind. A slug the offer
 * held for an earlier, never-live version is given up when it changes.
 */
async function claimMarketingSlug(offer: StoredOffer, doc: OfferDraft | undefined): Promise<void> {
  const slug = slugOf(doc);
  const who = { publisherId: offer.publisherId, offerId: offer.offerId };
  const live = offer.live
    ? (await offers.slot<{ marketingUrlIdentifier?: string }>(offer.publisherId, offer.offerId, 'production'))?.listing
        .marketingUrlIdentifier
    : undefined;
  if (live && slug !== live) {
    fail(
      422,
      'ValidationFailed',
      'The offer is not ready to publish: 1 field(s) need attention. Nothing was started.',
      [
        {
          path: SLUG_PATH,
          rule: 'immutable',
          message: `The marketing URL identifier cannot change once the offer is live; it is "${live}".`,
        },
      ],
    );
  }
  if (slug) {
    const claimed = await slugs.claim(slug, who);
    if (!claimed.ok) {
      fail(
        422,
        'ValidationFailed',
        'The offer is not ready to publish: 1 field(s) need attention. Nothing was started.',
        [
          {
            path: SLUG_PATH,
            rule: 'unique',
            message: `The marketing URL identifier "${slug}" is already used by another offer; choose another.`,
          },
        ],
      );
    }
  }
  const previous =
    offer.publishedVersion > 0
      ? slugOf(await offers.version(offer.publisherId, offer.offerId, offer.publishedVersion))
      : undefined;
  if (previous && previous !== slug && previous !== live) await slugs.release(previous, who);
}

/**
 * Go Live and Cancel: accepted once per publishing version, and only at publisher sign-off. The
 * orchestration records the sign-off in the history when the event reaches it (`by` travels in it).
 */
export async function requestSignoff(
  client: DurableClient,
  kind: 'golive' | 'cancel',
  publisherId: string,
  offerId: string,
  by: Acting,
): Promise<Accepted> {
  if (!(await offers.get(publisherId, offerId))) fail(404, 'NotFound', `Offer '${offerId}' does not exist.`);
  const wanted = kind === 'golive' ? 'goLiveRequested' : 'cancelRequested';
  for (let attempt = 0; attempt < 10; attempt++) {
    const now = nowIso();
    const rec = await statuses.get(publisherId, offerId, now);
    const s = rec.status;
    const done = kind === 'golive' ? s.status === 'succeeded' : s.status === 'canceled';
    if (s.signoff === wanted || done) {
      // Already requested (or done) for this version: the same answer, no second event.
      const existing = (await operations.forOffer(publisherId, offerId)).find(
        (o) => o.submissionType === kind && o.publishingVersion === s.publishingVersion,
      );
      if (existing) {
        return {
          status: done ? 200 : 202,
          operationId: existing.id,
          publishingVersion: s.publishingVersion,
          state: done ? (kind === 'golive' ? 'live' : 'canceled') : 'accepted',
        };
      }
    }
    // Nothing to act on is a bad request, as the reference answers it (400), and changes nothing.
    if (s.status !== 'waitingForPublisherReview' || s.signoff !== 'none') {
      fail(400, kind === 'golive' ? 'GoLiveNotAllowed' : 'CancelNotAllowed', signoffRefusal(kind, s));
    }
    const op = newOperation(
      publisherId,
      offerId,
      kind,
      s.publishingVersion!,
      s.notificationEmails.split(',').filter(Boolean),
      now,
    );
    try {
      await statuses.put(publisherId, offerId, rec, signoffRequested(s, kind, now));
    } catch (e) {
      if (e instanceof StatusConflict) continue;
      throw e;
    }
    await operations.put(op);
    const event: SignoffEvent = { operationId: op.id, requestedAt: now, by };
    try {
      await client.raiseEvent(s.instanceId!, kind === 'golive' ? GO_LIVE_EVENT : CANCEL_EVENT, event);
    } catch (e) {
      await statuses.update(publisherId, offerId, nowIso, (cur) => signoffWithdrawn(cur, kind));
      await operations.update(publisherId, op.id, {
        submissionState: 'failed',
        message: 'The request could not be delivered to the publishing workflow.',
      });
      throw e;
    }
    if (kind === 'cancel') {
      const pub = (await operations.forOffer(publisherId, offerId)).find(
        (o) => o.submissionType === 'publish' && o.publishingVersion === s.publishingVersion,
      );
      if (pub) await operations.update(publisherId, pub.id, { cancellationRequestState: 'requested' });
    }
    return { status: 202, operationId: op.id, publishingVersion: s.publishingVersion, state: 'accepted' };
  }
  return fail(409, 'Conflict', 'The publish status kept changing; try again.');
}

function signoffRefusal(kind: 'golive' | 'cancel', s: PublishStatus): string {
  const what = kind === 'golive' ? 'Go Live' : 'Cancel';
  switch (s.status) {
    case 'running':
      return kind === 'cancel'
        ? `A publishing request can be cancelled only once it has reached the Publisher signoff step; version ${s.publishingVersion} is at "${currentStepName(s)}".`
        : `Go Live is possible only at the Publisher signoff step; version ${s.publishingVersion} is at "${currentStepName(s)}".`;
    case 'succeeded':
      return kind === 'cancel'
        ? 'The offer is already live; a live publish cannot be cancelled.'
        : 'The offer is already live.';
    case 'waitingForPublisherReview':
      return s.signoff === 'goLiveRequested'
        ? 'Go Live was already requested for this version; it can no longer be cancelled.'
        : 'Cancel was already requested for this version.';
    case 'failed':
      return `${what} is not possible: the last publish failed. Fix the problem and publish again.`;
    case 'canceled':
      return `${what} is not possible: the last publish was cancelled. Publish again first.`;
    default:
      return `${what} is not possible: the offer has not been published. Publish it first.`;
  }
}
