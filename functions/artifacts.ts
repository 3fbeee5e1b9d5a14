// Offer images: the service's stored copies, served to anyone (they appear on public product
// pages), and an upload for partners who have a file rather than a URL (the portal's file pickers).
import { app } from '@azure/functions';
import { ARTIFACT_ROUTE, readArtifact, storeArtifact } from '../adapters/artifacts/artifact-store';
import { ArtifactRefused, checkArtifactBytes } from '../adapters/artifacts/download-artifact';
import { ARTIFACT_KINDS, ArtifactKindName, MAX_ARTIFACT_BYTES } from '../domain/offer/artifacts';
import { isValidOfferId } from '../domain/offer/ids';
import { authorize, checkApiVersion, fail, handle } from './_shared/http';
import { offers } from './_shared/offer-commands';

app.http('marketplaceArtifact', {
  route: `${ARTIFACT_ROUTE}/{publisherId}/{offerId}/{name}`,
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: handle(async (request) => {
    const { publisherId, offerId, name } = request.params;
    const bytes = await readArtifact(`${publisherId}/${offerId}/${name}`);
    if (!bytes) fail(404, 'NotFound', 'No such image.');
    return {
      body: bytes,
      headers: {
        'content-type': 'image/png',
        'cache-control': 'public, max-age=31536000, immutable',
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'",
      },
    };
  }),
});

app.http('uploadOfferArtifact', {
  route: 'api/publishers/{publisherId}/offers/{offerId}/artifacts',
  methods: ['POST'],
  handler: handle(async (request) => {
    checkApiVersion(request);
    const { publisherId } = await authorize(request, 'offers.edit');
    const offerId = request.params.offerId;
    if (!isValidOfferId(offerId))
      fail(400, 'InvalidOfferId', 'The offer id must be 1–50 lowercase letters, digits or "-".');
    const kind = request.query.get('kind') ?? '';
    if (!(kind in ARTIFACT_KINDS))
      fail(400, 'InvalidParameter', `kind: one of ${Object.keys(ARTIFACT_KINDS).join(', ')}.`);
    if (!(await offers.get(publisherId, offerId))) fail(404, 'NotFound', `Offer '${offerId}' does not exist.`);
    const declared = Number(request.headers.get('content-length') ?? 0);
    if (declared > MAX_ARTIFACT_BYTES)
      fail(413, 'RequestTooLarge', `The image is ${declared} bytes; at most ${MAX_ARTIFACT_BYTES} are accepted.`);
    const bytes = Buffer.from(await request.arrayBuffer());
    try {
      checkArtifactBytes(bytes, kind as ArtifactKindName);
    } catch (e) {
      if (e instanceof ArtifactRefused)
        fail(
          e.message.startsWith('is over') ? 413 : 400,
          'InvalidArtifact',
          `The ${ARTIFACT_KINDS[kind as ArtifactKindName].label.toLowerCase()} ${e.message}.`,
        );
      throw e;
    }
    const url = await storeArtifact(publisherId, offerId, bytes);
    return { status: 201, jsonBody: { url, kind } };
  }),
});
