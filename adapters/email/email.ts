// What the pipeline hands to an e-mail sender. Senders are chosen from settings (choose-email-sender.ts):
// Azure Communication Services in Azure, an Azurite outbox table locally.

export interface EmailMessage {
  /** Owner of the message: outbox rows and the send log are partitioned by it. */
  publisherId: string;
  to: string[];
  subject: string;
  plainText: string;
  html: string;
  /** Which event this mail tells about, e.g. publish-accepted, step-failed, preview-available, live, canceled. */
  kind: string;
}

export interface SendResult {
  /** The sender's id for the message (ACS operation id, or the outbox row key). */
  id: string;
  /** AlreadySent: this idempotency key had been sent before, nothing new was delivered. */
  status: 'Succeeded' | 'AlreadySent';
}

export interface EmailSender {
  /**
   * Delivers the message. Calls repeating an idempotencyKey (an activity re-run) must not deliver twice
   * when the sender can tell; `sendOnce` (once.ts) adds that guarantee on top of any sender.
   * Throws on failure so the calling activity can retry.
   */
  send(message: EmailMessage, idempotencyKey: string): Promise<SendResult>;
}
