import type { TableClient } from '@azure/data-tables';
import { EmailSender } from '../adapters/email/email';
import { sendOnce } from '../adapters/email/once';
import { renderEmail } from '../domain/publishing/emails';
import type { SendPublishEmailInput } from '../domain/publishing/contract';
import { Stores } from './_shared/context';

export type { SendPublishEmailInput };

export interface SendPublishEmailDeps extends Pick<Stores, 'statuses' | 'now'> {
  /** The sender, chosen from settings on first use (not at load, so a bad setting fails the send, not the host). */
  sender: () => EmailSender;
  /** The send log that makes a re-run send nothing twice. */
  emailLog: () => Promise<TableClient>;
  publicBaseUrl: () => string;
}

/**
 * Sends one of the process e-mails. The idempotency key names the event (operation + kind + step),
 * so a re-run of this activity after a crash never sends it twice.
 */
export function makeSendPublishEmail(d: SendPublishEmailDeps) {
  return async function sendPublishEmail(input: SendPublishEmailInput): Promise<{ id: string; status: string }> {
    const sender = d.sender();
    const { status } = await d.statuses.get(input.publisherId, input.offerId, d.now());
    const content = renderEmail(input.kind, {
      publisherId: input.publisherId,
      offerId: input.offerId,
      version: input.version,
      statusUrl: `${d.publicBaseUrl()}/api/publishers/${input.publisherId}/offers/${input.offerId}/status`,
      step: input.step,
      messages: input.messages,
      previewLinks: status.previewLinks,
      liveLinks: status.liveLinks,
    });
    const key = `${input.operationId}:${input.kind}${input.step ? `:${input.step}` : ''}`;
    return sendOnce(
      sender,
      await d.emailLog(),
      { publisherId: input.publisherId, to: input.to, kind: input.kind, ...content },
      key,
    );
  };
}
