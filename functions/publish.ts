// Partner API: Publish, Go Live and Cancel over HTTP (the commands themselves: _shared/offer-commands.ts).
import { app, HttpRequest, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { Accepted, requestSignoff, startPublish } from './_shared/offer-commands';
import { authenticate, checkApiVersion, handle, readJson } from './_shared/http';

const BASE = 'api/publishers/{publisherId}/offers/{offerId}';

function accepted(request: HttpRequest, publisherId: string, offerId: string, a: Accepted) {
  return {
    status: a.status,
    headers: { Location: new URL(`/api/publishers/${publisherId}/offers/${offerId}/operations/${a.operationId}`, request.url).href },
    jsonBody: { operationId: a.operationId, publishingVersion: a.publishingVersion, status: a.state },
  };
}

app.http('publishOfferRequest', {
  route: `${BASE}/publish`,
  methods: ['POST'],
  extraInputs: [df.input.durableClient()],
  handler: handle(async (request: HttpRequest, context: InvocationContext) => {
    checkApiVersion(request);
    const publisherId = await authenticate(request, request.params.publisherId);
    const body = await readJson(request, 64 * 1024);
    const a = await startPublish(df.getClient(context), publisherId, request.params.offerId, body);
    context.log(`Publish accepted: ${publisherId}/${request.params.offerId} version ${a.publishingVersion}`);
    return accepted(request, publisherId, request.params.offerId, a);
  }),
});

function signoffHandler(kind: 'golive' | 'cancel') {
  return handle(async (request: HttpRequest, context: InvocationContext) => {
    checkApiVersion(request);
    const publisherId = await authenticate(request, request.params.publisherId);
    return accepted(request, publisherId, request.params.offerId, await requestSignoff(df.getClient(context), kind, publisherId, request.params.offerId));
  });
}

app.http('goLiveOffer', { route: `${BASE}/golive`, methods: ['POST'], extraInputs: [df.input.durableClient()], handler: signoffHandler('golive') });
app.http('cancelOffer', { route: `${BASE}/cancel`, methods: ['POST'], extraInputs: [df.input.durableClient()], handler: signoffHandler('cancel') });
