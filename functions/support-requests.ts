// Partner API: a support request about a publish (usually a failed one). It records what the
// partner saw — offer, publishing version, failing step and its message — in `SupportRequests`,
// links the ticket from the publish status, and tells the support team (SUPPORT_EMAIL).
import { app, HttpRequest, InvocationContext } from '@azure/functions';
import { chooseEmailSender } from '../adapters/email/choose-email-sender';
import { EmailSender } from '../adapters/email/email';
import { EMAIL_LOG_TABLE, sendOnce } from '../adapters/email/once';
import { OfferStore } from '../adapters/offers/offer-store';
import { StatusStore } from '../adapters/offers/status-store';
import { publicBaseUrl } from '../adapters/settings/public-url';
import { table } from '../adapters/storage/connection';
import { renderSupportRequestEmail } from '../adapters/support/support-request-email';
import { newTicketId, SupportRequest, SupportRequestStore } from '../adapters/support/support-request-store';
import { parseNotificationEmails } from '../domain/offer/notification-emails';
import { supportTicketLinked, supportTicketUnlinked } from '../domain/publishing/lifecycle';
import { PublishStatus } from '../domain/publishing/status';
import { stepDefinition } from '../domain/publishing/steps';
import type { Principal } from '../domain/auth/principal';
import { actingOf } from './_shared/actor';
import { newEntry, recordCommitted } from './_shared/history';
import { authorize, checkApiVersion, fail, handle, nowIso, readJson } from './_shared/http';

const offers = new OfferStore();
const statuses = new StatusStore();
const requests = new SupportRequestStore();
const MAX_DESCRIPTION = 4000;
let sender: EmailSender | undefined;

app.http('supportRequests', {
  route: 'api/publishers/{publisherId}/offers/{offerId}/support-requests',
  methods: ['GET', 'POST'],
  handler: handle(async (request, context) => {
    checkApiVersion(request);
    const principal = await authorize(request, request.method === 'GET' ? 'offers.read' : 'offers.edit');
    const { publisherId } = principal;
    const offerId = request.params.offerId;
    if (!(await offers.get(publisherId, offerId))) fail(404, 'NotFound', `Offer '${offerId}' does not exist.`);
    if (request.method === 'GET')
      return {
        jsonBody: await requests.forPublisher(publisherId, offerId),
        headers: { 'cache-control': 'private, no-store' },
      };
    return open(request, context, principal, offerId);
  }),
});

async function open(request: HttpRequest, context: InvocationContext, principal: Principal, offerId: string) {
  const { publisherId } = principal;
  const body = (await readJson(request, 32 * 1024)) as { description?: unknown } | null;
  const description = typeof body?.description === 'string' ? body.description.trim() : '';
  if (!description) fail(400, 'InvalidSupportRequest', 'description: required, what you need help with.');
  if (description.length > MAX_DESCRIPTION)
    fail(
      400,
      'InvalidSupportRequest',
      `description is ${description.length} characters long; at most ${MAX_DESCRIPTION} are accepted.`,
    );

  const seen = (await statuses.get(publisherId, offerId, nowIso())).status;
  if (seen.publishingVersion === null)
    fail(
      409,
      'NotPublished',
      'A support request is about a publishing request, and this offer has never been published.',
    );
  if (seen.supportTicketId) return existing(publisherId, seen);

  // The status record is the commit point: of two concurrent requests for one publishing version,
  // one ticket is linked and the other caller gets that one.
  const ticketId = newTicketId(new Date());
  const linked = await statuses.update(publisherId, offerId, nowIso, (s) =>
    supportTicketLinked(s, seen.publishingVersion!, ticketId),
  );
  if (linked.supportTicketId !== ticketId) {
    if (linked.supportTicketId) return existing(publisherId, linked);
    fail(
      409,
      'Conflict',
      'A new publish of this offer started meanwhile; look at its status before opening a support request.',
    );
  }

  const failing = linked.steps.find((s) => s.status === 'rejected');
  const now = nowIso();
  const record: SupportRequest = {
    ticketId,
    publisherId,
    offerId,
    publishingVersion: linked.publishingVersion!,
    offerStatus: linked.status,
    failingStep: failing?.id,
    failingStepName: failing ? stepDefinition(failing.id).stepName : undefined,
    failingMessage: failing
      ? failing.messages
          .filter((m) => m.level === 'error')
          .map((m) => m.messageHtml)
          .join(' ')
          .slice(0, 8000) || undefined
      : undefined,
    description,
    state: 'open',
    createdTime: now,
    changedTime: now,
    notified: false,
  };
  try {
    await requests.create(record);
  } catch (e) {
    // Nothing half-written: unlink the ticket so the partner can simply try again.
    await statuses
      .update(publisherId, offerId, nowIso, (s) => supportTicketUnlinked(s, ticketId))
      .catch(() => undefined);
    throw e;
  }
  await recordCommitted(
    newEntry(
      {
        publisherId,
        offerId,
        event: 'supportRequested',
        publishingVersion: record.publishingVersion,
        details: { ticketId },
      },
      actingOf(request, principal),
      now,
    ),
    context,
  );
  record.notified = await notifySupport(record, context);
  context.log(`Support request ${ticketId} opened for ${publisherId}/${offerId} v${record.publishingVersion}`);
  return {
    status: 201,
    jsonBody: {
      ticketId,
      publishingVersion: record.publishingVersion,
      failingStep: record.failingStep ?? null,
      notified: record.notified,
    },
  };
}

async function existing(publisherId: string, s: PublishStatus) {
  return {
    status: 200,
    jsonBody: {
      ticketId: s.supportTicketId,
      publishingVersion: s.publishingVersion,
      existing: true,
      message: `Support request ${s.supportTicketId} is already open for publishing version ${s.publishingVersion}.`,
    },
  };
}

/** E-mails SUPPORT_EMAIL once per ticket. A mail failure leaves the ticket open (ops see it in the console) and says why on the record. */
async function notifySupport(r: SupportRequest, context: InvocationContext): Promise<boolean> {
  const setting = process.env.SUPPORT_EMAIL;
  const to = setting ? parseNotificationEmails(setting) : undefined;
  let problem: string | undefined;
  if (!to) problem = 'SUPPORT_EMAIL is not set.';
  else if (!to.ok) problem = `SUPPORT_EMAIL is not valid: ${to.message}.`;
  else {
    try {
      sender ??= chooseEmailSender();
      const statusUrl = `${publicBaseUrl()}/api/publishers/${r.publisherId}/offers/${r.offerId}/status`;
      await sendOnce(
        sender,
        await table(EMAIL_LOG_TABLE),
        {
          publisherId: r.publisherId,
          to: to.emails,
          kind: 'support-request',
          ...renderSupportRequestEmail(r, statusUrl),
        },
        `support:${r.ticketId}`,
      );
    } catch (e) {
      problem = `The e-mail could not be sent: ${(e as Error).message}`.slice(0, 1000);
    }
  }
  if (problem) {
    context.warn(`Support request ${r.ticketId}: support team not notified (${problem})`);
    await requests.update(r.publisherId, r.ticketId, { notificationError: problem }).catch(() => undefined);
    return false;
  }
  await requests.update(r.publisherId, r.ticketId, { notified: true });
  return true;
}
