// Storage events: publish / golive / cancel commands on the `publish-commands` queue. Each
// outcome is recorded in the CommandOutcomes table (PartitionKey = publisher); a command carrying
// another publisher's key is refused and recorded, never applied; a command that cannot be read
// is retried by the host and ends in publish-commands-poison with its reason recorded.
import { app, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { z } from 'zod';
import { table } from '../adapters/storage/connection';
import { can } from '../domain/auth/roles';
import { ApiError, keyPrincipal, keys } from './_shared/http';
import { requestSignoff, startPublish } from './_shared/offer-commands';
import { notifyOutcome } from './_shared/notify-outcome';
import { TABLE } from '../adapters/storage/table-names';
import { MAX_DEQUEUE } from '../adapters/settings/queue-settings';
import { Acting, automationActor } from '../domain/audit/actor';

const commandSchema = z.strictObject({
  requestId: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9._-]+$/)
    .optional(),
  command: z.enum(['publish', 'golive', 'cancel']),
  publisherId: z.string().min(1).max(50),
  offerId: z.string().min(1).max(50),
  key: z.string().min(1).max(200),
  notificationEmails: z.string().max(2000).optional(),
});

async function record(partition: string, id: string, fields: Record<string, unknown>): Promise<void> {
  const t = await table(TABLE.commandOutcomes);
  await t.upsertEntity({ partitionKey: partition, rowKey: id, At: new Date().toISOString(), ...fields }, 'Merge');
}

app.storageQueue('publishCommand', {
  queueName: 'publish-commands',
  connection: 'AzureWebJobsStorage',
  extraInputs: [df.input.durableClient()],
  handler: async (message: unknown, context: InvocationContext) => {
    const meta = context.triggerMetadata as { id: string; dequeueCount: number };
    const last = meta.dequeueCount >= MAX_DEQUEUE;
    const parsed = commandSchema.safeParse(typeof message === 'string' ? safeJson(message) : message);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const reason = `Not a valid command: ${issue.path.join('.') || '(message)'}: ${issue.message}`;
      await record('_invalid', meta.id, {
        Outcome: last ? 'poisoned' : 'retrying',
        Reason: reason,
        DequeueCount: meta.dequeueCount,
        Message: String(JSON.stringify(message)).slice(0, 2000),
      });
      throw new Error(reason); // the host retries, then moves it to publish-commands-poison
    }
    const cmd = parsed.data;
    const id = cmd.requestId ?? meta.id;
    const owner = await keys.publisherFor(cmd.key);
    if (owner !== cmd.publisherId) {
      context.warn(
        `Refused ${cmd.command} command ${id} for ${cmd.publisherId}/${cmd.offerId}: the key does not belong to that publisher.`,
      );
      await record(cmd.publisherId, id, {
        Command: cmd.command,
        OfferId: cmd.offerId,
        Outcome: 'rejected',
        Reason: 'The key does not belong to this publisher; nothing was applied.',
      });
      return;
    }
    // The same role table as the HTTP API (a key acts as its publisher's Owner, so today this holds).
    const principal = keyPrincipal(cmd.key, cmd.publisherId);
    const action =
      cmd.command === 'publish' ? 'offers.publish' : cmd.command === 'golive' ? 'offers.goLive' : 'offers.cancel';
    if (!can(principal.role, action)) {
      await record(cmd.publisherId, id, {
        Command: cmd.command,
        OfferId: cmd.offerId,
        Outcome: 'rejected',
        Reason: `The ${principal.role} role may not ${cmd.command}; nothing was applied.`,
      });
      return;
    }
    try {
      const client = df.getClient(context);
      const by: Acting = { actor: automationActor(`publish-commands/${id}`, 'Queue command'), origin: 'queue' };
      const result =
        cmd.command === 'publish'
          ? await startPublish(
              client,
              cmd.publisherId,
              cmd.offerId,
              { metadata: { 'notification-emails': cmd.notificationEmails } },
              by,
            )
          : await requestSignoff(client, cmd.command, cmd.publisherId, cmd.offerId, by);
      await record(cmd.publisherId, id, {
        Command: cmd.command,
        OfferId: cmd.offerId,
        Outcome: 'applied',
        OperationId: result.operationId,
        PublishingVersion: result.publishingVersion ?? undefined,
      });
      await notifyOutcome(
        cmd.publisherId,
        `queue:${id}`,
        cmd.notificationEmails,
        `Command ${cmd.command} for ${cmd.publisherId}/${cmd.offerId}: applied`,
        result,
      );
    } catch (e) {
      if (!(e instanceof ApiError)) {
        await record(cmd.publisherId, id, {
          Command: cmd.command,
          OfferId: cmd.offerId,
          Outcome: last ? 'poisoned' : 'retrying',
          Reason: (e as Error).message.slice(0, 1000),
          DequeueCount: meta.dequeueCount,
        });
        throw e;
      }
      const err = (e.response.jsonBody as { error: { code: string; message: string } }).error;
      await record(cmd.publisherId, id, {
        Command: cmd.command,
        OfferId: cmd.offerId,
        Outcome: 'failed',
        Code: err.code,
        Reason: err.message,
      });
    }
  },
});

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
