// Partner API: Publish, Go Live and Cancel over HTTP (the commands themselves: _shared/offer-commands.ts).
import { app, HttpRequest, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { Accepted, requestSignoff, startPublish } from './_shared/offer-commands';
import { actingOf } from './_shared/actor';
import { API_VERSION, authorize, checkApiVersion, handle, readJson, readOptionalJson } from './_shared/http';

const BASE = 'api/publishers/{publisherId}/offers/{offerId}';

/**
 * Where to follow the operation: `Location` as the 2020–21 reference gives it (a relative path with
 * the api-version), and `Operation-Location` as the 2018 revision named it (an absolute URL).
 */
function accepted(request: HttpRequest, publisherId: string, offerId: string, a: Accepted) {
  const path = `/api/publishers/${encodeURIComponent(publisherId)}/offers/${encodeURIComponent(offerId)}/operations/${a.operationId}?api-version=${API_VERSION}`;
  return {
    status: a.status,
    headers: { Location: path, 'Operation-Location': new URL(path, request.url).href },
    jsonBody: { operationId: a.operationId, publishingVersion: a.publishingVersion, status: a.state },
  };
}

app.http('publishOfferRequest', {
  route: `${BASE}/publish`,
  methods: ['POST'],
  extraInputs: [df.input.durableClient()],
  handler: handle(async (request: HttpRequest, context: InvocationContext) => {
    checkApiVersion(request);
    const principal = await authorize(request, 'offers.publish');
    const { publisherId } = principal;
    // The reference's own publish example is written with single quotes; such a body is accepted too.
    const body = await readJson(request, 64 * 1024, { lenient: true });
    const a = await startPublish(
      df.getClient(context),
      publisherId,
      request.params.offerId,
      body,
      actingOf(request, principal),
    );
    context.log(`Publish accepted: ${publisherId}/${request.params.offerId} version ${a.publishingVersion}`);
    return accepted(request, publisherId, request.params.offerId, a);
  }),
});

function signoffHandler(kind: 'golive' | 'cancel') {
  return handle(async (request: HttpRequest, context: InvocationContext) => {
    checkApiVersion(request);
    const principal = await authorize(request, kind === 'golive' ? 'offers.goLive' : 'offers.cancel');
    const { publisherId } = principal;
    // Cancel may carry {"metadata":{"notification-emails":…}} (the reference's example); the
    // addresses given at publish are the ones notified, but a malformed body is still refused.
    if (kind === 'cancel') await readOptionalJson(request, 64 * 1024);
    return accepted(
      request,
      publisherId,
      request.params.offerId,
      await requestSignoff(
        df.getClient(context),
        kind,
        publisherId,
        request.params.offerId,
        actingOf(request, principal),
      ),
    );
  });
}

app.http('goLiveOffer', {
  route: `${BASE}/golive`,
  methods: ['POST'],
  extraInputs: [df.input.durableClient()],
  handler: signoffHandler('golive'),
});
app.http('cancelOffer', {
  route: `${BASE}/cancel`,
  methods: ['POST'],
  extraInputs: [df.input.durableClient()],
  handler: signoffHandler('cancel'),
});
