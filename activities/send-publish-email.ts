import * as df from 'durable-functions';
import { chooseEmailSender } from '../adapters/email/choose-email-sender';
import { EmailSender } from '../adapters/email/email';
import { EMAIL_LOG_TABLE, sendOnce } from '../adapters/email/once';
import { publicBaseUrl } from '../adapters/settings/public-url';
import { table } from '../adapters/storage/connection';
import { renderEmail } from '../domain/publishing/emails';
import type { SendPublishEmailInput } from '../domain/publishing/contract';
import { ACTIVITY } from '../domain/publishing/stages';
import { nowIso, statuses } from './_shared/context';

export type { SendPublishEmailInput };

let sender: EmailSender | undefined;

/**
 * Sends one of the process e-mails. The idempotency key names the event (operation + kind + step),
 * so a re-run of this activity after a crash never sends it twice.
 */
export async function sendPublishEmail(input: SendPublishEmailInput): Promise<{ id: string; status: string }> {
  sender ??= chooseEmailSender();
  const { status } = await statuses.get(input.publisherId, input.offerId, nowIso());
  const content = renderEmail(input.kind, {
    publisherId: input.publisherId,
    offerId: input.offerId,
    version: input.version,
    statusUrl: `${publicBaseUrl()}/api/publishers/${input.publisherId}/offers/${input.offerId}/status`,
    step: input.step,
    messages: input.messages,
    previewLinks: status.previewLinks,
    liveLinks: status.liveLinks,
  });
  const key = `${input.operationId}:${input.kind}${input.step ? `:${input.step}` : ''}`;
  return sendOnce(
    sender,
    await table(EMAIL_LOG_TABLE),
    { publisherId: input.publisherId, to: input.to, kind: input.kind, ...content },
    key,
  );
}
df.app.activity(ACTIVITY.sendPublishEmail, { handler: sendPublishEmail });
