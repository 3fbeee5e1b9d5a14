// Partner API: the publish status (read from the status table, never from the engine) and the
// operations (submissions) on an offer.
import { app } from '@azure/functions';
import { OfferStore } from '../adapters/offers/offer-store';
import { OperationStore } from '../adapters/offers/operation-store';
import { StatusStore } from '../adapters/offers/status-store';
import {
  OPERATION_STATUSES,
  operationBody,
  statesForFilter,
  submissionItem,
} from '../domain/publishing/operation-view';
import { statusBody } from '../domain/publishing/status';
import { authorize, checkApiVersion, fail, handle, nowIso } from './_shared/http';

const offers = new OfferStore();
const statuses = new StatusStore();
const operations = new OperationStore();
const BASE = 'api/publishers/{publisherId}/offers/{offerId}';

async function offerOf(publisherId: string, offerId: string): Promise<void> {
  if (!(await offers.get(publisherId, offerId))) fail(404, 'NotFound', `Offer '${offerId}' does not exist.`);
}

app.http('offerStatus', {
  route: `${BASE}/status`,
  methods: ['GET'],
  handler: handle(async (request) => {
    checkApiVersion(request);
    const { publisherId } = await authorize(request, 'offers.read');
    const rec = await statuses.getShared(publisherId, request.params.offerId, nowIso());
    // A status row implies the offer; only a never-published one needs the offer looked up.
    if (!rec.etag) await offerOf(publisherId, request.params.offerId);
    const status = rec.status;
    return { jsonBody: statusBody(status), headers: { 'Cache-Control': 'no-store' } };
  }),
});

app.http('offerSubmissions', {
  route: `${BASE}/submissions`,
  methods: ['GET'],
  handler: handle(async (request) => {
    checkApiVersion(request);
    const { publisherId } = await authorize(request, 'offers.read');
    await offerOf(publisherId, request.params.offerId);
    const filter = request.query.get('status') ?? undefined;
    const states = filter === undefined ? undefined : statesForFilter(filter);
    if (filter !== undefined && !states)
      fail(
        400,
        'InvalidParameter',
        `status: '${filter.slice(0, 40)}' is not an operation status; use one of ${OPERATION_STATUSES.join(', ')}.`,
      );
    const current = (await statuses.getShared(publisherId, request.params.offerId, nowIso())).status;
    const ops = await operations.forOffer(publisherId, request.params.offerId, states);
    return { jsonBody: ops.map((op) => submissionItem(op, current)) };
  }),
});

app.http('offerOperation', {
  route: `${BASE}/operations/{operationId}`,
  methods: ['GET'],
  handler: handle(async (request) => {
    checkApiVersion(request);
    const { publisherId } = await authorize(request, 'offers.read');
    const op = await operations.get(publisherId, request.params.operationId);
    if (!op || op.offerId !== request.params.offerId) fail(404, 'NotFound', 'No such operation.');
    const current = (await statuses.getShared(publisherId, request.params.offerId, nowIso())).status;
    return { jsonBody: operationBody(op!, current) };
  }),
});
