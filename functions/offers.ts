// Partner API: the offer drafts (list, get, versions, slots, create/modify with ETag, delete).
import { app, HttpRequest } from '@azure/functions';
import { ConcurrencyError, StoredOffer } from '../adapters/offers/offer-store';
import { OFFER_TYPE_ID } from '../domain/offer/document';
import { redactSecrets } from '../domain/offer/secrets';
import { offers, saveDraft, statuses } from './_shared/offer-commands';
import type { Principal } from '../domain/auth/principal';
import { Action } from '../domain/auth/roles';
import { actingOf } from './_shared/actor';
import { newEntry, recordCommitted } from './_shared/history';
import {
  authorize,
  checkApiVersion,
  continuationToken,
  fail,
  handle,
  nowIso,
  pageSize,
  readJson,
} from './_shared/http';

const BASE = 'api/publishers/{publisherId}/offers';
const MAX_OFFER_BYTES = 1024 * 1024;

async function load(
  request: HttpRequest,
  action: Action = 'offers.read',
): Promise<{ publisherId: string; offerId: string; offer: StoredOffer; principal: Principal }> {
  checkApiVersion(request);
  const principal = await authorize(request, action);
  const { publisherId } = principal;
  const offerId = request.params.offerId;
  const offer = await offers.get(publisherId, offerId);
  if (!offer) fail(404, 'NotFound', `Offer '${offerId}' does not exist.`);
  return { publisherId, offerId, offer: offer!, principal };
}

/**
 * The offer's version as the reference counts it: "incremented after each publishing". The draft
 * is the version being prepared (1 before any publish); `versions/{n}` below it are published.
 */
const draftVersion = (offer: StoredOffer): number => offer.publishedVersion + 1;

async function view(offer: StoredOffer, document: Record<string, unknown> = offer.document) {
  const { status } = await statuses.get(offer.publisherId, offer.offerId, nowIso());
  return {
    ...redactSecrets(document),
    publisherId: offer.publisherId,
    offerTypeId: OFFER_TYPE_ID,
    id: offer.offerId,
    version: draftVersion(offer),
    status: status.status,
    eTag: offer.etag,
    changedTime: offer.changedTime,
  };
}

function displayText(o: StoredOffer): string {
  const d = (o.document as { definition?: { displayText?: unknown } }).definition?.displayText;
  return typeof d === 'string' && d !== '' ? d : o.title;
}

app.http('listOffers', {
  route: BASE,
  methods: ['GET'],
  handler: handle(async (request) => {
    checkApiVersion(request);
    const { publisherId } = await authorize(request, 'offers.read');
    const top = pageSize(request);
    const token = continuationToken(request);
    const page = await offers.list(publisherId, top, token).catch((e: { statusCode?: number }) => {
      if (e.statusCode === 400) fail(400, 'InvalidParameter', 'The continuation token is not valid.');
      throw e;
    });
    const items = await Promise.all(
      page.offers.map(async (o) => {
        const { status } = await statuses.get(publisherId, o.offerId, nowIso());
        return {
          publisherId,
          offerTypeId: OFFER_TYPE_ID,
          id: o.offerId,
          title: o.title,
          version: draftVersion(o),
          status: status.status,
          publishingVersion: status.publishingVersion,
          // The reference's summarized view of the definition.
          definition: { displayText: displayText(o) },
          changedTime: status.status === 'neverPublished' ? o.changedTime : status.changedTime,
        };
      }),
    );
    return {
      jsonBody: items,
      headers: page.continuationToken ? { 'x-ms-continuation-token': page.continuationToken } : undefined,
    };
  }),
});

app.http('offer', {
  route: `${BASE}/{offerId}`,
  methods: ['GET', 'PUT', 'DELETE'],
  handler: handle(async (request, context) => {
    if (request.method === 'PUT') return put(request);
    const { offer, principal } = await load(request, request.method === 'DELETE' ? 'offers.delete' : 'offers.read');
    if (request.method === 'DELETE') {
      const { status } = await statuses.get(offer.publisherId, offer.offerId, nowIso());
      if (offer.publishedVersion > 0 || status.status !== 'neverPublished') {
        fail(409, 'OfferPublished', 'Only a never-published draft can be deleted.');
      }
      const ifMatch = request.headers.get('if-match');
      if (ifMatch && ifMatch !== '*' && ifMatch !== offer.etag)
        fail(412, 'PreconditionFailed', 'The offer changed since you read it (ETag mismatch).');
      try {
        await offers.delete(offer.publisherId, offer.offerId, offer.etag);
      } catch (e) {
        // The partner's own ETag was checked above: a change in between is someone else's (a publish).
        if (e instanceof ConcurrencyError)
          fail(
            ifMatch ? 412 : 409,
            ifMatch ? 'PreconditionFailed' : 'Conflict',
            ifMatch ? e.message : 'The offer changed while it was being deleted (a publish started?); read it again.',
          );
        throw e;
      }
      await recordCommitted(
        newEntry(
          { publisherId: offer.publisherId, offerId: offer.offerId, event: 'offerDeleted', details: {} },
          actingOf(request, principal),
        ),
        context,
      );
      return { status: 204 };
    }
    return { jsonBody: await view(offer), headers: { ETag: offer.etag } };
  }),
});

async function put(request: HttpRequest) {
  checkApiVersion(request);
  const principal = await authorize(request, 'offers.edit');
  const body = await readJson(request, MAX_OFFER_BYTES);
  const { created, offer } = await saveDraft(
    principal.publisherId,
    request.params.offerId,
    body,
    request.headers.get('if-match') ?? undefined,
    actingOf(request, principal),
  );
  return { status: created ? 201 : 200, jsonBody: await view(offer), headers: { ETag: offer.etag } };
}

app.http('offerVersion', {
  route: `${BASE}/{offerId}/versions/{version:int}`,
  methods: ['GET'],
  handler: handle(async (request) => {
    const { offer } = await load(request);
    const n = Number(request.params.version);
    // The version being drafted is answered too, so every version the API ever reported can be read.
    if (n === draftVersion(offer)) return { jsonBody: await view(offer), headers: { ETag: offer.etag } };
    const doc =
      n >= 1 && n <= offer.publishedVersion ? await offers.version(offer.publisherId, offer.offerId, n) : undefined;
    if (!doc)
      fail(
        404,
        'NotFound',
        `Offer '${offer.offerId}' has no version ${n}; its versions are 1 to ${draftVersion(offer)}.`,
      );
    return { jsonBody: { ...(await view(offer, doc)), version: n, eTag: undefined } };
  }),
});

app.http('offerSlot', {
  route: `${BASE}/{offerId}/slot/{slot}`,
  methods: ['GET'],
  handler: handle(async (request) => {
    const { offer } = await load(request);
    // The reference spells the slots Draft, Preview and Production; any case is accepted.
    const slot = request.params.slot.toLowerCase();
    if (slot === 'draft') return { jsonBody: await view(offer), headers: { ETag: offer.etag } };
    if (slot !== 'preview' && slot !== 'production')
      fail(400, 'InvalidParameter', 'slotId: must be Draft, Preview or Production.');
    const stored = await offers.slot<Record<string, unknown>>(
      offer.publisherId,
      offer.offerId,
      slot as 'preview' | 'production',
    );
    if (!stored)
      fail(
        404,
        'NotFound',
        slot === 'preview' ? 'The offer has never reached preview.' : 'The offer has never gone live.',
      );
    const doc = await offers.version(offer.publisherId, offer.offerId, stored!.version);
    return { jsonBody: { ...(await view(offer, doc ?? {})), version: stored!.version, slot, eTag: undefined } };
  }),
});
