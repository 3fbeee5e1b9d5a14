import { createHash } from 'node:crypto';
import { EmailClient, EmailClientOptions } from '@azure/communication-email';
import type { TokenCredential } from '@azure/identity';
import { EmailMessage, EmailSender, SendResult } from './email';
import { isLoopbackUrl } from './keys';

/** Either an ACS connection string (`endpoint=https://…;accesskey=…`) or an endpoint reached with Entra ID. */
export type AcsConnection =
  { connectionString: string } | { endpoint: string; credential?: TokenCredential; managedIdentityClientId?: string };

export interface AcsEmailSenderOptions {
  /** Interval between status polls of a send; the SDK's default is 2 s. */
  pollIntervalMs?: number;
  /** Passed to the SDK client (e.g. `retryOptions`). */
  clientOptions?: EmailClientOptions;
}

/** A failed send, with what ACS said; the calling activity retries it. */
export class EmailSendError extends Error {
  override readonly name = 'EmailSendError';
  constructor(
    message: string,
    readonly code?: string,
    readonly statusCode?: number,
  ) {
    super(message);
  }
}

export class AcsEmailSender implements EmailSender {
  private readonly client: EmailClient;

  constructor(
    readonly senderAddress: string,
    connection: AcsConnection,
    private readonly options: AcsEmailSenderOptions = {},
  ) {
    if (!senderAddress) throw new Error('AcsEmailSender needs a sender address (EMAIL_SENDER)');
    const endpoint = 'connectionString' in connection ? endpointOf(connection.connectionString) : connection.endpoint;
    const clientOptions: EmailClientOptions = {
      ...options.clientOptions,
      allowInsecureConnection: insecureAllowed(endpoint),
    };
    this.client =
      'connectionString' in connection
        ? new EmailClient(connection.connectionString, clientOptions)
        : new EmailClient(
            endpoint,
            connection.credential ?? defaultCredential(connection.managedIdentityClientId),
            clientOptions,
          );
  }

  async send(message: EmailMessage, idempotencyKey: string): Promise<SendResult> {
    if (message.to.length === 0) throw new Error(`E-mail ${message.kind} for ${message.publisherId} has no recipients`);
    const operationId = operationIdFor(message.publisherId, idempotencyKey);
    const what = `ACS e-mail ${message.kind} for publisher ${message.publisherId} (operation ${operationId})`;
    // The last status body ACS returned, for its error code when the operation ends Failed.
    let last: { status?: string; error?: { code?: string; message?: string } } | undefined;
    try {
      const poller = await this.client.beginSend(
        {
          senderAddress: this.senderAddress,
          content: { subject: message.subject, plainText: message.plainText, html: message.html },
          recipients: { to: message.to.map((address) => ({ address })) },
        },
        // ACS keys the operation by this id: a retried send with the same id is not delivered again.
        {
          operationId,
          updateIntervalInMs: this.options.pollIntervalMs,
          onResponse: (_raw, body) => (last = body as typeof last),
        },
      );
      const result = await poller.pollUntilDone();
      return { id: result.id, status: 'Succeeded' };
    } catch (e) {
      if (last?.status === 'Failed' || last?.status === 'Canceled') {
        const { code, message: text } = last.error ?? {};
        throw new EmailSendError(
          `${what} ended ${last.status}: ${code ?? 'no error code'}: ${text ?? ''}`.trim(),
          code,
        );
      }
      // A RestError (HTTP status + ACS error code) or a transport error (connection refused, timeout).
      const err = e as { message?: string; code?: string; statusCode?: number };
      const http = err.statusCode ? ` HTTP ${err.statusCode}${err.code ? ` ${err.code}` : ''}:` : ':';
      throw new EmailSendError(`${what} failed${http} ${err.message ?? String(e)}`, err.code, err.statusCode);
    }
  }
}

/**
 * ACS wants a UUID operation id; derive one (UUID v5 layout over SHA-1) from publisher + key, so the same
 * event always maps to the same operation and two publishers' keys never collide.
 */
export function operationIdFor(publisherId: string, idempotencyKey: string): string {
  const h = createHash('sha1')
    .update('offer-go-live/email\n')
    .update(publisherId)
    .update('\n')
    .update(idempotencyKey)
    .digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

function endpointOf(connectionString: string): string {
  const m = /(?:^|;)\s*endpoint=([^;]+)/i.exec(connectionString);
  if (!m || !/(?:^|;)\s*accesskey=[^;]+/i.test(connectionString)) {
    throw new Error('Invalid ACS connection string: expected endpoint=https://…;accesskey=…');
  }
  return m[1].trim();
}

/** Plain http only to this machine (the test fake): never send an access-key signed mail in clear text elsewhere. */
function insecureAllowed(endpoint: string): boolean {
  if (!/^http:/i.test(endpoint)) return false;
  if (!isLoopbackUrl(endpoint))
    throw new Error(`Refusing plain-http ACS endpoint ${endpoint}: only loopback may use http`);
  return true;
}

function defaultCredential(managedIdentityClientId?: string): TokenCredential {
  // Loaded only for the keyless path, so local runs do not pay for @azure/identity.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily, see above
  const { DefaultAzureCredential } = require('@azure/identity') as typeof import('@azure/identity');
  return new DefaultAzureCredential(managedIdentityClientId ? { managedIdentityClientId } : {});
}
