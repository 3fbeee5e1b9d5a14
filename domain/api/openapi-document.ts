// The OpenAPI 3.0 description of the partner API and the public marketplace API, served by
// functions/openapi.ts. test/integration/openapi/openapi.test.ts compares its paths and methods
// with the routes the app registers: a partner route added without a description here fails it.
import { headers, Json, parameters, ref, responses, schemas } from './openapi-schemas';

const P = (name: string): Json => ({ $ref: `#/components/parameters/${name}` });
const R = (name: string): Json => ({ $ref: `#/components/responses/${name}` });
const H = (name: string): Json => ({ $ref: `#/components/headers/${name}` });
const json = (schema: Json, description: string, hdrs?: Record<string, Json>): Json => ({
  description,
  ...(hdrs ? { headers: hdrs } : {}),
  content: { 'application/json': { schema } },
});
const body = (schema: Json, description?: string): Json => ({
  required: true,
  ...(description ? { description } : {}),
  content: { 'application/json': { schema } },
});
const query = (name: string, description: string, schema: Json): Json => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
});
const listOf = (name: string): Json => ({ type: 'array', items: ref(name) });

/** Where the API lives on the host: the routes' `api/` prefix (host.json routePrefix today). */
export const API_BASE_PATH = '/api';

type Operation = Json & { responses: Record<string, Json> };

/** The filters and paging of a history read (domain/audit/history-query.ts). */
function historyQuery(): Json[] {
  return [
    P('apiVersion'),
    query('event', 'Only these kinds of entry (comma-separated).', {
      type: 'string',
      example: 'offerSaved,stepFailed',
    }),
    query('actor', 'Only this actor: a kind (apiKey, user, servicePrincipal, ops, system, automation) or kind:id.', {
      type: 'string',
      example: 'apiKey:contoso',
    }),
    query('from', 'Only entries at or after this date (a whole day, UTC) or date and time.', { type: 'string' }),
    query('to', 'Only entries at or before this date (a whole day, UTC) or date and time.', { type: 'string' }),
    P('top'),
    P('continuationToken'),
    P('continuationTokenHeader'),
  ];
}

/**
 * An operation that needs a publisher key or an access token: 401, 403 (not a member, or a role
 * that may not do this), 404 (another publisher's resource) and 500 always apply.
 */
function partner(tag: string, op: Operation): Operation {
  return {
    tags: [tag],
    ...op,
    responses: {
      ...op.responses,
      '401': R('Unauthorized'),
      '403': R('Forbidden'),
      '404': R('NotFound'),
      '500': R('InternalError'),
    },
  };
}

/** An anonymous marketplace operation. */
function marketplace(op: Operation): Operation {
  return { tags: ['Marketplace'], security: [], ...op, responses: { ...op.responses, '500': R('InternalError') } };
}

const p = (path: string) => `${API_BASE_PATH}${path}`;
const OFFERS = '/publishers/{publisherId}/offers';
const OFFER = `${OFFERS}/{offerId}`;
const LISTING = '/marketplace/offers/{publisherId}.{offerId}';

function paths(): Record<string, Json> {
  const offerPath = [P('publisherId'), P('offerId')];
  return {
    [p(OFFERS)]: {
      parameters: [P('publisherId')],
      get: partner('Offers', {
        operationId: 'listOffers',
        summary: 'List your offers',
        parameters: [P('apiVersion'), P('top'), P('continuationToken'), P('continuationTokenHeader')],
        responses: {
          '200': json(listOf('OfferSummary'), 'A page of offers.', {
            'x-ms-continuation-token': H('ContinuationToken'),
          }),
          '400': R('BadRequest'),
        },
      }),
    },
    [p(OFFER)]: {
      parameters: offerPath,
      get: partner('Offers', {
        operationId: 'getOffer',
        summary: 'Get the draft',
        description: 'Lead destination secrets are never returned.',
        parameters: [P('apiVersion')],
        responses: { '200': json(ref('Offer'), 'The draft.', { ETag: H('ETag') }), '400': R('BadRequest') },
      }),
      put: partner('Offers', {
        operationId: 'putOffer',
        summary: 'Create or modify the draft',
        description:
          'Send If-Match with the ETag you read (or *) once the offer exists. Secrets left out of the document keep their stored values. ' +
          '400 InvalidOfferDocument names the first field in its message and lists every problem in details (DraftIssue[]).',
        parameters: [
          P('apiVersion'),
          {
            name: 'If-Match',
            in: 'header',
            required: false,
            description: 'The ETag of the draft you modified, or *; required once the offer exists.',
            schema: { type: 'string' },
          },
        ],
        requestBody: body(ref('Offer'), 'The offer document, at most 1 MiB.'),
        responses: {
          '200': json(ref('Offer'), 'Modified.', { ETag: H('ETag') }),
          '201': json(ref('Offer'), 'Created.', { ETag: H('ETag') }),
          '400': R('BadRequest'),
          '412': R('PreconditionFailed'),
          '413': R('TooLarge'),
        },
      }),
      delete: partner('Offers', {
        operationId: 'deleteOffer',
        summary: 'Delete a never-published draft',
        parameters: [
          P('apiVersion'),
          {
            name: 'If-Match',
            in: 'header',
            required: false,
            description: 'Only delete if the draft still has this ETag.',
            schema: { type: 'string' },
          },
        ],
        responses: {
          '204': { description: 'Deleted.' },
          '400': R('BadRequest'),
          '409': R('Conflict'),
          '412': R('PreconditionFailed'),
        },
      }),
    },
    [p(`${OFFER}/versions/{version}`)]: {
      parameters: [
        ...offerPath,
        {
          name: 'version',
          in: 'path',
          required: true,
          description: 'A publishing version (1, 2, …).',
          schema: { type: 'integer', minimum: 1 },
        },
      ],
      get: partner('Offers', {
        operationId: 'getOfferVersion',
        summary: 'Get the snapshot a publishing version published',
        parameters: [P('apiVersion')],
        responses: { '200': json(ref('Offer'), 'The snapshot.'), '400': R('BadRequest') },
      }),
    },
    [p(`${OFFER}/slot/{slot}`)]: {
      parameters: [
        ...offerPath,
        {
          name: 'slot',
          in: 'path',
          required: true,
          description: 'draft, preview or production.',
          schema: { type: 'string', enum: ['draft', 'preview', 'production'] },
        },
      ],
      get: partner('Offers', {
        operationId: 'getOfferSlot',
        summary: 'Get the offer in a slot',
        description: '404 when the offer never reached preview (or never went live).',
        parameters: [P('apiVersion')],
        responses: { '200': json(ref('Offer'), 'The offer in that slot.'), '400': R('BadRequest') },
      }),
    },
    [p(`${OFFER}/publish`)]: {
      parameters: offerPath,
      post: partner('Publishing', {
        operationId: 'publishOffer',
        summary: 'Publish the draft',
        description:
          'Snapshots the draft as a new publishing version and starts the seven steps. 422 ValidationFailed lists one ValidationWarning per field in details, and nothing is started.',
        parameters: [P('apiVersion')],
        requestBody: body(ref('PublishRequest')),
        responses: {
          '202': json(ref('OperationAccepted'), 'Started.', {
            Location: H('Location'),
            'Operation-Location': H('OperationLocation'),
          }),
          '400': R('BadRequest'),
          '409': R('Conflict'),
          '413': R('TooLarge'),
          '422': {
            description: 'The offer is not ready to publish (ValidationFailed); details: ValidationWarning[].',
            content: { 'application/json': { schema: ref('Error') } },
          },
        },
      }),
    },
    [p(`${OFFER}/golive`)]: {
      parameters: offerPath,
      post: partner('Publishing', {
        operationId: 'goLive',
        summary: 'Go Live (publisher sign-off)',
        description:
          'Only while the publish waits for your sign-off (else 400 GoLiveNotAllowed, nothing changed). Repeating it answers with the same operation.',
        parameters: [P('apiVersion')],
        responses: {
          '200': json(ref('OperationAccepted'), 'Already live.', {
            Location: H('Location'),
            'Operation-Location': H('OperationLocation'),
          }),
          '202': json(ref('OperationAccepted'), 'Accepted.', {
            Location: H('Location'),
            'Operation-Location': H('OperationLocation'),
          }),
          '400': R('BadRequest'),
        },
      }),
    },
    [p(`${OFFER}/cancel`)]: {
      parameters: offerPath,
      post: partner('Publishing', {
        operationId: 'cancelPublish',
        summary: 'Cancel the publish at sign-off',
        description:
          'Only at the Publisher signoff step (else 400 CancelNotAllowed, nothing changed); the status resets to step 1. The body {"metadata":{"notification-emails":…}} may be sent.',
        parameters: [P('apiVersion')],
        responses: {
          '200': json(ref('OperationAccepted'), 'Already cancelled.', {
            Location: H('Location'),
            'Operation-Location': H('OperationLocation'),
          }),
          '202': json(ref('OperationAccepted'), 'Accepted.', {
            Location: H('Location'),
            'Operation-Location': H('OperationLocation'),
          }),
          '400': R('BadRequest'),
        },
      }),
    },
    [p(`${OFFER}/artifacts`)]: {
      parameters: offerPath,
      post: partner('Offers', {
        operationId: 'uploadArtifact',
        summary: 'Upload an image file; put the answered URL in the offer',
        description:
          "A PNG of the kind's pixel size (small logo 40×40, medium 90×90, large 115×115, wide 255×115, hero 815×290, screenshot and video thumbnail 1280×720), at most 5 MiB.",
        parameters: [
          P('apiVersion'),
          query('kind', 'What the image is.', {
            type: 'string',
            enum: ['smallLogo', 'mediumLogo', 'largeLogo', 'wideLogo', 'heroLogo', 'screenshot', 'videoThumbnail'],
          }),
        ],
        requestBody: { required: true, content: { 'image/png': { schema: { type: 'string', format: 'binary' } } } },
        responses: { '201': json(ref('ArtifactUploaded'), 'Stored.'), '400': R('BadRequest'), '413': R('TooLarge') },
      }),
    },
    [p(`${OFFER}/status`)]: {
      parameters: offerPath,
      get: partner('Publishing', {
        operationId: 'getPublishStatus',
        summary: 'The publish status: overall, each step, links',
        parameters: [P('apiVersion')],
        responses: { '200': json(ref('PublishStatus'), 'The status.'), '400': R('BadRequest') },
      }),
    },
    [p(`${OFFER}/submissions`)]: {
      parameters: offerPath,
      get: partner('Publishing', {
        operationId: 'listSubmissions',
        summary: 'The operations on the offer, newest first',
        parameters: [
          P('apiVersion'),
          query('status', "Only operations with this status (the reference's values).", {
            type: 'string',
            enum: ['notStarted', 'running', 'failed', 'completed'],
          }),
        ],
        responses: { '200': json(listOf('Operation'), 'The operations.'), '400': R('BadRequest') },
      }),
    },
    [p(`${OFFER}/operations/{operationId}`)]: {
      parameters: [
        ...offerPath,
        {
          name: 'operationId',
          in: 'path',
          required: true,
          description: 'From a Location header.',
          schema: { type: 'string' },
        },
      ],
      get: partner('Publishing', {
        operationId: 'getOperation',
        summary: 'One operation',
        parameters: [P('apiVersion')],
        responses: {
          '200': json(ref('OperationDetail'), "The operation, with the publish's steps and links."),
          '400': R('BadRequest'),
        },
      }),
    },
    [p(`${OFFER}/certification-report`)]: {
      parameters: offerPath,
      get: partner('Publishing', {
        operationId: 'getCertificationReport',
        summary: 'The certification report of a publishing version (JSON, or a readable HTML page)',
        parameters: [
          P('apiVersion'),
          query('version', 'Publishing version (default: the latest).', { type: 'integer', minimum: 1 }),
          query('format', 'html for the readable page.', { type: 'string', enum: ['json', 'html'] }),
        ],
        responses: {
          '200': json(
            {
              type: 'object',
              description:
                'CertificationReport: {offer, disks: [{label, rows: [{id, name, result, actual, expected, fix}], stats}], verdict, generatedAt}',
            },
            'The report.',
          ),
          '400': R('BadRequest'),
        },
      }),
    },
    [p(`${OFFER}/plans/{planId}/certify`)]: {
      parameters: [
        ...offerPath,
        {
          name: 'planId',
          in: 'path',
          required: true,
          description: 'A plan (SKU) id of the draft.',
          schema: { type: 'string' },
        },
      ],
      post: partner('Publishing', {
        operationId: 'preflightCertify',
        summary: "Pre-flight: certify the draft plan's images now, before publishing",
        parameters: [
          P('apiVersion'),
          query('format', 'html for the readable page.', { type: 'string', enum: ['json', 'html'] }),
        ],
        responses: {
          '200': json({ type: 'object', description: 'CertificationReport; verdict pass or fail.' }, 'The report.'),
          '400': R('BadRequest'),
          '422': {
            description: 'The stored draft does not parse.',
            content: { 'application/json': { schema: ref('Error') } },
          },
        },
      }),
    },
    [p(`${OFFER}/history`)]: {
      parameters: offerPath,
      get: partner('History', {
        operationId: 'listOfferHistory',
        summary: "The offer's history, newest first",
        description:
          'Every command on the offer, whatever its channel (API, portal, CLI, storage automation, ops), and the outcome of each publishing step. A deleted draft keeps its history.',
        parameters: historyQuery(),
        responses: {
          '200': json(listOf('HistoryEntry'), 'A page of entries.', {
            'x-ms-continuation-token': H('ContinuationToken'),
          }),
          '400': R('BadRequest'),
        },
      }),
    },
    [p('/publishers/{publisherId}/history')]: {
      parameters: [P('publisherId')],
      get: partner('History', {
        operationId: 'listAccountHistory',
        summary: "The publisher account's history (API keys issued and revoked), newest first (Owners only)",
        parameters: historyQuery(),
        responses: {
          '200': json(listOf('HistoryEntry'), 'A page of entries.', {
            'x-ms-continuation-token': H('ContinuationToken'),
          }),
          '400': R('BadRequest'),
        },
      }),
    },
    [p(`${OFFER}/support-requests`)]: {
      parameters: offerPath,
      get: partner('Support', {
        operationId: 'listSupportRequests',
        summary: 'Your support requests about this offer',
        parameters: [P('apiVersion')],
        responses: { '200': json(listOf('SupportRequest'), 'The requests.'), '400': R('BadRequest') },
      }),
      post: partner('Support', {
        operationId: 'openSupportRequest',
        summary: 'Open a support request about the latest publish',
        description: 'One request per publishing version: a second one answers 200 with the open ticket.',
        parameters: [P('apiVersion')],
        requestBody: body(ref('SupportRequestCreate')),
        responses: {
          '200': json(ref('SupportRequestOpened'), 'A request was already open for this publishing version.'),
          '201': json(ref('SupportRequestOpened'), 'Opened.'),
          '400': R('BadRequest'),
          '409': R('Conflict'),
          '413': R('TooLarge'),
        },
      }),
    },
    [p('/publishers/{publisherId}/leads')]: {
      parameters: [P('publisherId')],
      get: partner('Leads', {
        operationId: 'listLeads',
        summary: 'Customer leads on your offers, oldest first',
        parameters: [
          query('state', 'Only leads in this delivery state.', {
            type: 'string',
            enum: ['pending', 'delivered', 'failed'],
          }),
          query('top', 'Page size.', { type: 'integer', minimum: 1, maximum: 1000, default: 100 }),
          P('continuationToken'),
          P('continuationTokenHeader'),
        ],
        responses: {
          '200': json(listOf('CustomerLead'), 'A page of leads.', {
            'x-ms-continuation-token': H('ContinuationToken'),
          }),
          '400': R('BadRequest'),
        },
      }),
    },
    [p('/publishers/{publisherId}/users')]: {
      parameters: [P('publisherId')],
      get: partner('Users', {
        operationId: 'listUsers',
        summary: "The publisher's users and service principals (Owners only)",
        parameters: [P('apiVersion')],
        responses: { '200': json(listOf('Member'), 'Every member with its role.') },
      }),
    },
    [p('/publishers/{publisherId}/users/{objectId}')]: {
      parameters: [P('publisherId'), P('objectId')],
      put: partner('Users', {
        operationId: 'putUser',
        summary: 'Add a user or service principal, or change its role (Owners only)',
        parameters: [P('apiVersion')],
        requestBody: body(ref('MemberRequest')),
        responses: {
          '200': json(ref('Member'), 'The member, changed.'),
          '201': json(ref('Member'), 'The member, added.'),
          '400': R('BadRequest'),
        },
      }),
      delete: partner('Users', {
        operationId: 'deleteUser',
        summary: 'Remove a user or service principal (Owners only)',
        parameters: [P('apiVersion')],
        responses: { '204': { description: 'Removed.' } },
      }),
    },
    [p('/publishers/{publisherId}/outbox')]: {
      parameters: [P('publisherId')],
      get: partner('E-mail', {
        operationId: 'listOutbox',
        summary: 'E-mails kept in the outbox, newest first',
        description:
          'Only where no e-mail service is configured (local runs); in Azure mail goes out through Communication Services.',
        parameters: [P('top'), P('continuationToken')],
        responses: {
          '200': json(listOf('OutboxEntry'), 'A page of mails.', { 'x-ms-continuation-token': H('ContinuationToken') }),
          '400': R('BadRequest'),
        },
      }),
    },
    [p(LISTING)]: {
      parameters: [P('publisherId'), P('offerId')],
      get: marketplace({
        operationId: 'getListing',
        summary: 'A live listing (or its preview)',
        description:
          'With preview=true, the preview listing, only for a subscription in its preview audience; anyone else gets 404.',
        parameters: listingQuery(),
        responses: { '200': json(ref('Listing'), 'The listing.'), '404': R('NotFound') },
      }),
    },
    [p(`${LISTING}/page`)]: {
      parameters: [P('publisherId'), P('offerId')],
      get: marketplace({
        operationId: 'getListingPage',
        summary: 'The product page of a listing',
        parameters: listingQuery(),
        responses: {
          '200': { description: 'The page.', content: { 'text/html': { schema: { type: 'string' } } } },
          '404': R('NotFound'),
        },
      }),
    },
    [p(`${LISTING}/plans/{planId}/template`)]: {
      parameters: [
        P('publisherId'),
        P('offerId'),
        {
          name: 'planId',
          in: 'path',
          required: true,
          description: 'A plan (SKU) id of the listing.',
          schema: { type: 'string' },
        },
      ],
      get: marketplace({
        operationId: 'getDeploymentTemplate',
        summary: 'The deployment template of a plan',
        description:
          "An Azure Resource Manager template that creates a VM from the plan's replicated image, in any region it was replicated to. Same preview rule as the listing.",
        parameters: listingQuery(),
        responses: {
          '200': json({ type: 'object', description: 'An ARM deployment template.' }, 'The template.'),
          '404': R('NotFound'),
        },
      }),
    },
    [p('/marketplace/apps/{slug}')]: {
      parameters: [
        {
          name: 'slug',
          in: 'path',
          required: true,
          description: "The offer's offerMarketingUrlIdentifier.",
          schema: { type: 'string' },
        },
      ],
      get: marketplace({
        operationId: 'getListingPageBySlug',
        summary: 'The live product page by its marketing URL',
        responses: {
          '200': { description: 'The page.', content: { 'text/html': { schema: { type: 'string' } } } },
          '404': R('NotFound'),
        },
      }),
    },
    [p('/marketplace/artifacts/{publisherId}/{offerId}/{name}')]: {
      parameters: [
        P('publisherId'),
        P('offerId'),
        { name: 'name', in: 'path', required: true, description: '<sha256>.png', schema: { type: 'string' } },
      ],
      get: marketplace({
        operationId: 'getArtifact',
        summary: 'An offer image as the service stores it (logos, hero, screenshots, video thumbnails)',
        responses: {
          '200': {
            description: 'The PNG.',
            content: { 'image/png': { schema: { type: 'string', format: 'binary' } } },
          },
          '404': R('NotFound'),
        },
      }),
    },
    [p(`${LISTING}/leads`)]: {
      parameters: [P('publisherId'), P('offerId')],
      post: marketplace({
        operationId: 'createCustomerLead',
        summary: 'Ask to be contacted about a live offer',
        description:
          "The lead is recorded and delivered to the publisher's lead destination; a destination that is down delays it, never loses it.",
        requestBody: body(ref('CustomerLeadRequest')),
        responses: {
          '202': json(ref('CustomerLeadAccepted'), 'Recorded; delivery follows.'),
          '400': R('BadRequest'),
          '404': R('NotFound'),
          '413': R('TooLarge'),
        },
      }),
    },
    [p('/marketplace/search')]: {
      get: marketplace({
        operationId: 'searchMarketplace',
        summary: 'Search live listings',
        parameters: [
          query('q', 'Words that must all appear in the title, summaries or description.', {
            type: 'string',
            maxLength: 200,
          }),
          query('category', 'Only listings in this category.', { type: 'string' }),
          query('os', 'Only listings with a plan for this OS family (case-insensitive).', {
            type: 'string',
            enum: ['linux', 'windows', 'Linux', 'Windows'],
          }),
          P('top'),
        ],
        responses: { '200': json(ref('SearchResult'), 'Matching listings, by title.'), '400': R('BadRequest') },
      }),
    },
  };
}

function listingQuery(): Json[] {
  return [
    query('preview', 'true: the preview listing (for its preview audience only).', { type: 'boolean', default: false }),
    query('subscriptionId', 'Your Azure subscription id, for a preview (or send x-ms-subscription-id).', {
      type: 'string',
      format: 'uuid',
    }),
    {
      name: 'x-ms-subscription-id',
      in: 'header',
      required: false,
      description: 'Your Azure subscription id, for a preview.',
      schema: { type: 'string', format: 'uuid' },
    },
  ];
}

export interface OpenApiOptions {
  /** The origin the API is served from, e.g. https://func-api-abc.azurewebsites.net. */
  serverUrl?: string;
}

export function openApiDocument(options: OpenApiOptions = {}): Json {
  return {
    openapi: '3.0.3',
    info: {
      title: 'Offer Go-Live API',
      version: '2017-10-31',
      description:
        'Partners keep VM offers as drafts and take them from Publish to Live (the Cloud Partner Portal API shape, api-version 2017-10-31); ' +
        'customers find live offers in the marketplace. Errors are always {"error":{"code","message","details?"}}.',
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    security: [{ publisherKey: [] }, { entraId: [] }],
    tags: [
      { name: 'Offers', description: 'Offer drafts, their publishing versions and slots.' },
      { name: 'Publishing', description: 'Publish, Go Live, Cancel, the status and the operations.' },
      { name: 'Support', description: 'Support requests about a publish.' },
      { name: 'History', description: 'Who did what to an offer or the account, when, and what changed.' },
      { name: 'Leads', description: "Customers' leads on your live offers." },
      { name: 'E-mail', description: 'The local e-mail outbox.' },
      { name: 'Users', description: 'Who may sign in with Entra ID for the publisher, and with which role.' },
      { name: 'Marketplace', description: 'Live listings, anonymous.' },
    ],
    paths: paths(),
    components: {
      securitySchemes: {
        publisherKey: {
          type: 'http',
          scheme: 'bearer',
          description:
            'Your publisher key: "Authorization: Bearer <key>". A key belongs to one publisher and acts as its Owner; ops issue and revoke keys.',
        },
        entraId: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            "An Entra ID access token for this API (AUTH_AUDIENCE) from AUTH_ISSUER: a user's with the Offers.ReadWrite scope, or a service principal's with the Offers.ReadWrite.All application role. The publisher's Owners give it a role (users endpoints).",
        },
      },
      schemas: schemas(),
      parameters: parameters(),
      headers: headers(),
      responses: responses(),
    },
  };
}
