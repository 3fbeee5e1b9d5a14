// Storage events: an offer document dropped at offer-submissions/{publisherId}/{offerId}.json
// creates or updates the draft, and publishes it if the blob asks to. The outcome is written beside
// it as {offerId}.result.json and e-mailed. The key in the blob's metadata must belong to the
// publisher in the path; otherwise nothing is applied.
import { app, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { blobService } from '../adapters/storage/connection';
import { ApiError, keys } from './_shared/http';
import { Accepted, saveDraft, startPublish } from './_shared/offer-commands';
import { notifyOutcome } from './_shared/notify-outcome';
import { Acting, automationActor } from '../domain/audit/actor';

const CONTAINER = 'offer-submissions';

interface Outcome {
  sourceEtag: string;
  outcome: 'applied' | 'rejected' | 'failed';
  processedAt: string;
  offer?: { eTag: string; version: number };
  publish?: Accepted;
  error?: { code: string; message: string; details?: unknown };
}

app.storageBlob('offerSubmission', {
  path: `${CONTAINER}/{publisherId}/{offerId}.json`,
  connection: 'AzureWebJobsStorage',
  // Flex Consumption runs blob triggers from Event Grid only (the subscription is created on deploy).
  source: 'EventGrid',
  extraInputs: [df.input.durableClient()],
  handler: async (blob: unknown, context: InvocationContext) => {
    const meta = context.triggerMetadata as {
      publisherId: string;
      offerId: string;
      metadata?: Record<string, string>;
      properties?: { etag?: string; eTag?: string; ETag?: string };
    };
    const { publisherId, offerId } = meta;
    // The pattern also matches our own outcome files.
    if (offerId.endsWith('.result')) return;
    const sourceEtag = String(meta.properties?.eTag ?? meta.properties?.etag ?? meta.properties?.ETag ?? '').replace(
      /"/g,
      '',
    );
    const resultBlob = blobService()
      .getContainerClient(CONTAINER)
      .getBlockBlobClient(`${publisherId}/${offerId}.result.json`);
    const previous = await resultBlob
      .downloadToBuffer()
      .then((b) => JSON.parse(b.toString('utf8')) as Outcome)
      .catch(() => undefined);
    if (previous && previous.sourceEtag === sourceEtag) return; // this version was handled already

    const write = async (o: Omit<Outcome, 'sourceEtag' | 'processedAt'>) => {
      const text = JSON.stringify({ sourceEtag, processedAt: new Date().toISOString(), ...o }, null, 2);
      await resultBlob.upload(text, Buffer.byteLength(text), {
        blobHTTPHeaders: { blobContentType: 'application/json' },
      });
    };

    const key = meta.metadata?.publisherkey ?? meta.metadata?.publisherKey;
    const owner = key ? await keys.publisherFor(key) : undefined;
    if (!owner || owner !== publisherId) {
      context.warn(
        `Rejected offer submission ${publisherId}/${offerId}.json: ${key ? 'the key does not belong to this publisher' : 'no publisherkey metadata'}.`,
      );
      await write({
        outcome: 'rejected',
        error: {
          code: 'Unauthorized',
          message:
            'The blob must carry metadata "publisherkey" with a key of the publisher named in its path. Nothing was applied.',
        },
      });
      return;
    }

    let body: { offer?: unknown; publish?: unknown; definition?: unknown };
    try {
      body = JSON.parse(Buffer.from(blob as Buffer).toString('utf8')) as typeof body;
      if (!body || typeof body !== 'object') throw new Error('not an object');
    } catch (e) {
      await write({
        outcome: 'failed',
        error: { code: 'InvalidJson', message: `The blob is not a JSON object: ${(e as Error).message}` },
      });
      return;
    }
    const document = body.offer ?? body;
    const publish = body.offer ? body.publish : undefined;
    let result: Omit<Outcome, 'sourceEtag' | 'processedAt'>;
    const by: Acting = {
      actor: automationActor(`${CONTAINER}/${publisherId}/${offerId}.json`, 'Blob offer submission'),
      origin: 'blob',
    };
    try {
      const { offer } = await saveDraft(publisherId, offerId, document, '*', by);
      result = { outcome: 'applied', offer: { eTag: offer.etag, version: offer.revision } };
      if (publish) result.publish = await startPublish(df.getClient(context), publisherId, offerId, publish, by);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e; // transient: the host retries the blob
      const err = (e.response.jsonBody as { error: Outcome['error'] }).error!;
      result = { ...(result! ?? {}), outcome: 'failed', error: err };
    }
    await write(result);
    const emails = (publish as { metadata?: Record<string, unknown> } | undefined)?.metadata?.['notification-emails'];
    await notifyOutcome(
      publisherId,
      `blob:${publisherId}/${offerId}:${sourceEtag}`,
      emails,
      `Offer submission ${publisherId}/${offerId}.json: ${result.outcome}`,
      result,
    );
  },
});
