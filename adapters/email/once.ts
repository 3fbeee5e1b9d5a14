import { TableClient } from '@azure/data-tables';
import { EmailMessage, EmailSender, SendResult } from './email';
import { partitionKeyOf, rowKeyOfIdempotencyKey } from './keys';
import { TABLE } from '../storage/table-names';

// "Never sent twice for one event, even when an activity re-runs after a crash."
// The EmailLog row for (publisher, key) moves sending → sent. A `sending` row carries a lease: while it is
// live another call is sending and we wait for it; once it has expired the sender crashed, and we send
// again with the same idempotency key (ACS keys the operation by it, the outbox by a marker row).

export const EMAIL_LOG_TABLE = TABLE.emailLog;

export interface SendOnceOptions {
  /** How long a `sending` claim holds off other callers; longer than a send normally takes. */
  leaseMs?: number;
  /** How often a waiting caller re-reads the log row. */
  pollMs?: number;
  now?: () => number;
}

interface LogRow {
  state: 'sending' | 'sent' | 'failed';
  kind: string;
  leaseUntil: number;
  attempts: number;
  messageId?: string;
  lastError?: string;
}

export async function sendOnce(
  sender: EmailSender,
  log: TableClient,
  message: EmailMessage,
  idempotencyKey: string,
  options: SendOnceOptions = {},
): Promise<SendResult> {
  const { leaseMs = 60_000, pollMs = 200, now = Date.now } = options;
  const partitionKey = partitionKeyOf(message.publisherId);
  const rowKey = rowKeyOfIdempotencyKey(idempotencyKey);
  const claim = (attempts: number): LogRow & { partitionKey: string; rowKey: string } => ({
    partitionKey,
    rowKey,
    state: 'sending',
    kind: message.kind,
    leaseUntil: now() + leaseMs,
    attempts,
  });

  let etag = await create(log, claim(1));
  while (etag === undefined) {
    // Someone recorded this key before us: done, in progress, or abandoned.
    const row = await log.getEntity<LogRow>(partitionKey, rowKey);
    if (row.state === 'sent') return { id: row.messageId ?? '', status: 'AlreadySent' };
    if (row.state === 'sending' && row.leaseUntil > now()) {
      await sleep(Math.min(pollMs, row.leaseUntil - now()));
      continue;
    }
    // Failed or crashed: take the row over; the ETag makes only one of several takers win.
    etag = await log.updateEntity(claim((row.attempts ?? 1) + 1), 'Replace', { etag: row.etag }).then(
      (r) => r.etag,
      (e: unknown) => {
        if (statusOf(e) === 412) return undefined;
        throw e;
      },
    );
  }

  let result: SendResult;
  try {
    result = await sender.send(message, idempotencyKey);
  } catch (e) {
    // Release at once so the activity's retry need not wait out the lease.
    await log
      .updateEntity(
        {
          partitionKey,
          rowKey,
          state: 'failed',
          leaseUntil: 0,
          lastError: String((e as Error).message ?? e).slice(0, 4000),
        },
        'Merge',
        { etag },
      )
      .catch(() => undefined);
    throw e;
  }
  // Unconditional: the mail went out, whoever holds the row now.
  await log.updateEntity(
    {
      partitionKey,
      rowKey,
      state: 'sent',
      leaseUntil: 0,
      messageId: result.id,
      sentTime: new Date(now()).toISOString(),
    },
    'Merge',
  );
  return result;
}

/** Creates the claim row; undefined when it already exists. Creates the table on first use. */
async function create(
  log: TableClient,
  row: LogRow & { partitionKey: string; rowKey: string },
): Promise<string | undefined> {
  for (let attempt = 0; ; attempt++) {
    try {
      return (await log.createEntity(row)).etag;
    } catch (e) {
      if (statusOf(e) === 409) return undefined;
      if (statusOf(e) !== 404 || attempt > 0) throw e;
      await log.createTable();
    }
  }
}

function statusOf(e: unknown): number | undefined {
  return (e as { statusCode?: number }).statusCode;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(ms, 1)));
}
