// Partner API: the history of an offer (`…/offers/{offerId}/history`) and of the publisher account
// (`…/history`: key administration), newest first, filtered by event, actor and date range, paged
// like every list of this API (`top`, `x-ms-continuation-token`).
import { app, HttpRequest, HttpResponseInit } from '@azure/functions';
import { HistoryScopeRef } from '../adapters/audit/history-store';
import { parseHistoryQuery } from '../domain/audit/history-query';
import { history, recordCommitted } from './_shared/history';
import { authorize, checkApiVersion, continuationToken, fail, handle, pageSize } from './_shared/http';
import { offers } from './_shared/offer-commands';

const INVALID_TOKEN = 'continuationToken: not a token of this history; start again without it.';

async function page(request: HttpRequest, scope: HistoryScopeRef): Promise<HttpResponseInit> {
  const parsed = parseHistoryQuery((n) => request.query.get(n));
  if (!parsed.ok) fail(400, 'InvalidParameter', parsed.message);
  const query = parsed.ok ? parsed.query : {};
  const top = pageSize(request);
  const token = continuationToken(request);
  const result = await history.list(scope, query, { top, continuationToken: token }).catch((e: unknown) => {
    if ((e as { statusCode?: number }).statusCode === 400) fail(400, 'InvalidParameter', INVALID_TOKEN);
    throw e;
  });
  return {
    jsonBody: result.items,
    headers: {
      'cache-control': 'private, no-store',
      ...(result.continuationToken ? { 'x-ms-continuation-token': result.continuationToken } : {}),
    },
  };
}

app.http('offerHistory', {
  route: 'api/publishers/{publisherId}/offers/{offerId}/history',
  methods: ['GET'],
  handler: handle(async (request) => {
    checkApiVersion(request);
    const { publisherId } = await authorize(request, 'offers.read');
    const offerId = request.params.offerId;
    const offer = await offers.get(publisherId, offerId);
    // The last save's entry travels in the draft's row; copy it first, so a crash right after a save
    // cannot hide it from this read (functions/_shared/history.ts).
    if (offer?.pendingHistory) await recordCommitted(offer.pendingHistory);
    const scope = { publisherId, offerId };
    if (!offer) {
      // A deleted draft keeps its history; an offer that never existed has none and is a 404.
      const any = await history.list(scope, {}, { top: 1 });
      if (any.items.length === 0) fail(404, 'NotFound', `Offer '${offerId}' does not exist.`);
    }
    return page(request, scope);
  }),
});

app.http('accountHistory', {
  route: 'api/publishers/{publisherId}/history',
  methods: ['GET'],
  handler: handle(async (request) => {
    checkApiVersion(request);
    // Key administration is account-level: the role that manages the publisher's users reads it.
    const { publisherId } = await authorize(request, 'users.manage');
    return page(request, { publisherId });
  }),
});
