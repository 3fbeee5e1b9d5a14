// Partner API: the certification report of a publishing version, and pre-flight certification of a
// plan's image on demand — the same checks, in seconds, before publishing.
import { app } from '@azure/functions';
import { certifyDisks, disksOf, loadReport } from '../adapters/image/certify-images';
import { renderReportHtml } from '../domain/image/certify';
import { parseOfferDraft } from '../domain/offer/document';
import { authorize, checkApiVersion, fail, handle, nowIso } from './_shared/http';
import { offers, statuses } from './_shared/offer-commands';

const BASE = 'api/publishers/{publisherId}/offers/{offerId}';

app.http('certificationReport', {
  route: `${BASE}/certification-report`,
  methods: ['GET'],
  handler: handle(async (request) => {
    checkApiVersion(request);
    const { publisherId } = await authorize(request, 'offers.read');
    const offerId = request.params.offerId;
    const { status } = await statuses.get(publisherId, offerId, nowIso());
    const version = Number(request.query.get('version') ?? status.publishingVersion ?? 0);
    if (!Number.isInteger(version) || version < 1) fail(404, 'NotFound', 'This offer has no certification report yet.');
    const format =
      request.query.get('format') === 'html' || (request.headers.get('accept') ?? '').includes('text/html')
        ? 'html'
        : 'json';
    const body = await loadReport(`${publisherId}/${offerId}/v${version}`, format);
    if (!body) fail(404, 'NotFound', `No certification report for version ${version}.`);
    const headers: Record<string, string> = {
      'Content-Type': format === 'html' ? 'text/html; charset=utf-8' : 'application/json',
      'Cache-Control': 'no-store',
    };
    // The report page is self-contained: its own inline style, no script, nothing fetched.
    if (format === 'html') headers['Content-Security-Policy'] = "default-src 'none'; style-src 'unsafe-inline'";
    return { body: body!, headers };
  }),
});

app.http('preflightCertify', {
  route: `${BASE}/plans/{planId}/certify`,
  methods: ['POST'],
  handler: handle(async (request) => {
    checkApiVersion(request);
    const { publisherId } = await authorize(request, 'offers.edit');
    const offer = await offers.get(publisherId, request.params.offerId);
    if (!offer) fail(404, 'NotFound', `Offer '${request.params.offerId}' does not exist.`);
    const parsed = parseOfferDraft(offer!.document);
    if (!parsed.ok) fail(422, 'InvalidOfferDocument', 'The stored draft does not parse; save it again.');
    const disks = parsed.ok ? disksOf(parsed.value, request.params.planId) : [];
    if (disks.length === 0) fail(404, 'NotFound', `Plan '${request.params.planId}' has no image versions to certify.`);
    const report = await certifyDisks(
      disks,
      `${publisherId}/${request.params.offerId} plan ${request.params.planId} (pre-flight)`,
    );
    if ((request.query.get('format') ?? '') === 'html')
      return {
        body: renderReportHtml(report),
        headers: {
          'Content-Type': 'text/html; charset=utf-8',
          'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
        },
      };
    return { status: 200, jsonBody: report };
  }),
});
