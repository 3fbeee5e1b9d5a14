// Partner API: Publish, Go Live and Cancel. Each checks the offer's publish status first, so the
// answer (202, 409, 422) is immediate and nothing is started or raised twice.
import { randomUUID } from 'node:crypto';
import { app, HttpRequest, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { ConcurrencyError, OfferStore } from '../adapters/offers/offer-store';
import { Operation, OperationStore, SubmissionType } from '../adapters/offers/operation-store';
import { StatusConflict, StatusStore } from '../adapters/offers/status-store';
import { OFFER_TYPE_ID, parseOfferDraft } from '../domain/offer/document';
import { parseNotificationEmails } from '../domain/offer/notification-emails';
import { validatePrerequisites } from '../domain/offer/prerequisites';
import { CANCEL_EVENT, GO_LIVE_EVENT, PublishInput, publishInstanceId, SignoffEvent } from '../domain/publishing/events';
import { initialSteps, isInFlight, PublishStatus } from '../domain/publishing/status';
import { stepDefinition } from '../domain/publishing/steps';
import { retrySettings } from '../adapters/settings/retry-settings';
import { authenticate, checkApiVersion, fail, handle, nowIso, readJson } from './_shared/http';

const offers = new OfferStore();
const statuses = new StatusStore();
const operations = new OperationStore();
const BASE = 'publishers/{publisherId}/offers/{offerId}';

function operationLocation(request: HttpRequest, publisherId: string, offerId: string, operationId: string): string {
  return new URL(`/api/publishers/${publisherId}/offers/${offerId}/operations/${operationId}`, request.url).href;
}

function newOperation(publisherId: string, offerId: string, type: SubmissionType, version: number, emails: string[], now: string): Operation {
  return {
    id: randomUUID(),
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
    cancellationRequestState: 'none',
  };
}

function currentStepName(s: PublishStatus): string {
  const st = s.steps.find((x) => x.status === 'inProgress') ?? s.steps.find((x) => x.status !== 'complete');
  return st ? stepDefinition(st.id).stepName : 'Live';
}

app.http('publishOfferRequest', {
  route: `${BASE}/publish`,
  methods: ['POST'],
  extraInputs: [df.input.durableClient()],
  handler: handle(async (request: HttpRequest, context: InvocationContext) => {
    checkApiVersion(request);
    const publisherId = await authenticate(request, request.params.publisherId);
    const offerId = request.params.offerId;
    const body = (await readJson(request, 64 * 1024)) as { metadata?: Record<string, unknown> } | null;
    if (!body || typeof body !== 'object' || !body.metadata || typeof body.metadata !== 'object') {
      fail(400, 'InvalidPublishRequest', 'metadata: required, e.g. {"metadata":{"notification-emails":"a@x.com,b@y.com"}}.');
    }
    const emails = parseNotificationEmails(body!.metadata!['notification-emails']);
    if (!emails.ok) fail(400, 'InvalidPublishRequest', `metadata.notification-emails: ${emails.message}`);
    const notificationEmails = emails.ok ? emails.emails : [];

    const offer = await offers.get(publisherId, offerId);
    if (!offer) fail(404, 'NotFound', `Offer '${offerId}' does not exist.`);
    const now = nowIso();
    const statusRec = await statuses.get(publisherId, offerId, now);
    if (isInFlight(statusRec.status)) {
      fail(409, 'OperationInProgress', `Publishing version ${statusRec.status.publishingVersion} of this offer is ${statusRec.status.status === 'running' ? `running (at "${currentStepName(statusRec.status)}")` : 'waiting for your sign-off'}; finish or cancel it before publishing again.`);
    }
    const parsed = parseOfferDraft(offer!.document);
    const warnings = parsed.ok ? validatePrerequisites(offerId, parsed.value) : parsed.issues.map((i) => ({ path: i.path, rule: 'schema', message: i.message }));
    if (warnings.length > 0) {
      fail(422, 'ValidationFailed', `The offer is not ready to publish: ${warnings.length} field(s) need attention. Nothing was started.`, warnings);
    }

    let version: number;
    try {
      version = await offers.snapshot(offer!, now);
    } catch (e) {
      if (e instanceof ConcurrencyError) fail(409, 'Conflict', e.message);
      throw e;
    }
    const op = newOperation(publisherId, offerId, 'publish', version!, notificationEmails, now);
    const instanceId = publishInstanceId(publisherId, offerId, version!);
    const next: PublishStatus = {
      status: 'running',
      publishingVersion: version!,
      operationId: op.id,
      instanceId,
      notificationEmails: notificationEmails.join(','),
      steps: initialSteps(),
      messages: [],
      previewLinks: [],
      liveLinks: [],
      signoff: 'none',
      changedTime: now,
    };
    // The ETag-guarded status write is the commit point: a concurrent publish loses here.
    try {
      await statuses.put(publisherId, offerId, statusRec, next);
    } catch (e) {
      if (e instanceof StatusConflict) fail(409, 'OperationInProgress', 'Another publish of this offer was accepted at the same moment.');
      throw e;
    }
    await operations.put(op);
    const input: PublishInput = { publisherId, offerId, version: version!, operationId: op.id, notificationEmails, retry: retrySettings() };
    try {
      await df.getClient(context).startNew('publishOffer', { instanceId, input });
    } catch (e) {
      // Undo the commit so the partner can simply publish again.
      await statuses.put(publisherId, offerId, await statuses.get(publisherId, offerId, now), { ...statusRec.status, changedTime: nowIso() }).catch(() => undefined);
      await operations.update(publisherId, op.id, { submissionState: 'failed', message: 'The publishing workflow could not be started.' });
      throw e;
    }
    context.log(`Publish accepted: ${publisherId}/${offerId} version ${version!} (${instanceId})`);
    return {
      status: 202,
      headers: { Location: operationLocation(request, publisherId, offerId, op.id) },
      jsonBody: { operationId: op.id, publishingVersion: version!, status: 'running' },
    };
  }),
});

/** Go Live and Cancel: accepted once per publishing version, and only at publisher sign-off. */
function signoffHandler(kind: 'golive' | 'cancel') {
  return handle(async (request: HttpRequest, context: InvocationContext) => {
    checkApiVersion(request);
    const publisherId = await authenticate(request, request.params.publisherId);
    const offerId = request.params.offerId;
    if (!(await offers.get(publisherId, offerId))) fail(404, 'NotFound', `Offer '${offerId}' does not exist.`);
    const wanted = kind === 'golive' ? 'goLiveRequested' : 'cancelRequested';
    for (let attempt = 0; attempt < 10; attempt++) {
      const now = nowIso();
      const rec = await statuses.get(publisherId, offerId, now);
      const s = rec.status;
      const done = kind === 'golive' ? s.status === 'succeeded' : s.status === 'canceled';
      if (s.signoff === wanted || done) {
        // Already requested (or done) for this version: the same answer, no second event.
        const existing = (await operations.forOffer(publisherId, offerId)).find((o) => o.submissionType === kind && o.publishingVersion === s.publishingVersion);
        if (existing) {
          return {
            status: done ? 200 : 202,
            headers: { Location: operationLocation(request, publisherId, offerId, existing.id) },
            jsonBody: { operationId: existing.id, publishingVersion: s.publishingVersion, status: done ? (kind === 'golive' ? 'live' : 'canceled') : 'accepted' },
          };
        }
      }
      if (s.status !== 'waitingForPublisherReview' || s.signoff !== 'none') {
        fail(409, 'InvalidState', signoffRefusal(kind, s));
      }
      const op = newOperation(publisherId, offerId, kind, s.publishingVersion!, s.notificationEmails.split(',').filter(Boolean), now);
      try {
        await statuses.put(publisherId, offerId, rec, { ...s, signoff: wanted, changedTime: now });
      } catch (e) {
        if (e instanceof StatusConflict) continue;
        throw e;
      }
      await operations.put(op);
      const event: SignoffEvent = { operationId: op.id, requestedAt: now };
      try {
        await df.getClient(context).raiseEvent(s.instanceId!, kind === 'golive' ? GO_LIVE_EVENT : CANCEL_EVENT, event);
      } catch (e) {
        await statuses.update(publisherId, offerId, nowIso, (cur) => (cur.signoff === wanted ? { ...cur, signoff: 'none' } : undefined));
        await operations.update(publisherId, op.id, { submissionState: 'failed', message: 'The request could not be delivered to the publishing workflow.' });
        throw e;
      }
      if (kind === 'cancel') {
        const pub = (await operations.forOffer(publisherId, offerId)).find((o) => o.submissionType === 'publish' && o.publishingVersion === s.publishingVersion);
        if (pub) await operations.update(publisherId, pub.id, { cancellationRequestState: 'requested' });
      }
      return {
        status: 202,
        headers: { Location: operationLocation(request, publisherId, offerId, op.id) },
        jsonBody: { operationId: op.id, publishingVersion: s.publishingVersion, status: 'accepted' },
      };
    }
    return fail(409, 'Conflict', 'The publish status kept changing; try again.');
  });
}

function signoffRefusal(kind: 'golive' | 'cancel', s: PublishStatus): string {
  const what = kind === 'golive' ? 'Go Live' : 'Cancel';
  switch (s.status) {
    case 'running':
      return kind === 'cancel'
        ? `A publishing request can be cancelled only once it has reached the Publisher signoff step; version ${s.publishingVersion} is at "${currentStepName(s)}".`
        : `Go Live is possible only at the Publisher signoff step; version ${s.publishingVersion} is at "${currentStepName(s)}".`;
    case 'succeeded':
      return kind === 'cancel' ? 'The offer is already live; a live publish cannot be cancelled.' : 'The offer is already live.';
    case 'waitingForPublisherReview':
      return s.signoff === 'goLiveRequested' ? 'Go Live was already requested for this version; it can no longer be cancelled.' : 'Cancel was already requested for this version.';
    case 'failed':
      return `${what} is not possible: the last publish failed. Fix the problem and publish again.`;
    case 'canceled':
      return `${what} is not possible: the last publish was cancelled. Publish again first.`;
    default:
      return `${what} is not possible: the offer has not been published. Publish it first.`;
  }
}

app.http('goLiveOffer', { route: `${BASE}/golive`, methods: ['POST'], extraInputs: [df.input.durableClient()], handler: signoffHandler('golive') });
app.http('cancelOffer', { route: `${BASE}/cancel`, methods: ['POST'], extraInputs: [df.input.durableClient()], handler: signoffHandler('cancel') });
