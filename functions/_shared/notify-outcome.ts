// E-mails the outcome of an automated submission (blob or queue) to the addresses it named, once.
import { chooseEmailSender } from '../../adapters/email/choose-email-sender';
import { EmailSender } from '../../adapters/email/email';
import { EMAIL_LOG_TABLE, sendOnce } from '../../adapters/email/once';
import { table } from '../../adapters/storage/connection';
import { parseNotificationEmails } from '../../domain/offer/notification-emails';
import { escapeHtml } from '../../domain/listing/sanitize';

let sender: EmailSender | undefined;

export async function notifyOutcome(
  publisherId: string,
  key: string,
  emails: unknown,
  subject: string,
  outcome: unknown,
): Promise<void> {
  const parsed = parseNotificationEmails(emails);
  if (!parsed.ok) return;
  sender ??= chooseEmailSender();
  const text = JSON.stringify(outcome, null, 2);
  await sendOnce(
    sender,
    await table(EMAIL_LOG_TABLE),
    {
      publisherId,
      to: parsed.emails,
      kind: 'submission-outcome',
      subject,
      plainText: text,
      html: `<pre>${escapeHtml(text)}</pre>`,
    },
    key,
  );
}
