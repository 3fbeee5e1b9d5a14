// The reusable parts of the partner API's OpenAPI 3.0 description: schemas, parameters, headers
// and error responses. Request bodies the service validates with zod are converted from those
// schemas, so the description cannot drift from what the service accepts.
import { z } from 'zod';
import { memberRequestSchema } from '../auth/member-request';
import { ROLES } from '../auth/roles';
import { customerLeadRequestSchema } from '../leads/delivery';
import { offerDraftSchema, OFFER_TYPE_ID } from '../offer/document';
import { MAX_NOTIFICATION_EMAILS } from '../offer/notification-emails';
import { OPERATION_STATUSES } from '../publishing/operation-view';
import type { MessageLevel, OfferStatus, StepStatus } from '../publishing/status';
import { STEPS } from '../publishing/steps';
import { ACTOR_KINDS, ORIGINS } from '../audit/actor';
import { HISTORY_EVENT_TYPES } from '../audit/history-events';

export type Json = Record<string, unknown>;

export const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });

/** Every value of a string union, checked complete by the compiler (a missing key fails the build). */
const valuesOf = <T extends string>(all: Record<T, true>): T[] => Object.keys(all) as T[];

const OFFER_STATUSES = valuesOf<OfferStatus>({
  neverPublished: true,
  notStarted: true,
  waitingForPublisherReview: true,
  running: true,
  succeeded: true,
  canceled: true,
  failed: true,
});
const STEP_STATUSES = valuesOf<StepStatus>({
  notStarted: true,
  inProgress: true,
  waitingForPublisherReview: true,
  waitingForApproval: true,
  blocked: true,
  rejected: true,
  complete: true,
  canceled: true,
});
const MESSAGE_LEVELS = valuesOf<MessageLevel>({ information: true, warning: true, error: true });

// Written by the partner, never returned (domain/offer/secrets.ts redacts them from every read).
const WRITE_ONLY_FIELDS: [string, string][] = [
  ['microsoft-azure-marketplace.tableLeadConfiguration', 'connectionString'],
  ['microsoft-azure-marketplace.dynamicsLeadConfiguration', 'applicationKey'],
  ['microsoft-azure-marketplace.dynamicsLeadConfiguration', 'password'],
  ['microsoft-azure-marketplace.marketoLeadConfiguration', 'clientSecret'],
];

const str = (description?: string, extra: Json = {}): Json => ({
  type: 'string',
  ...(description ? { description } : {}),
  ...extra,
});
const int = (description?: string, extra: Json = {}): Json => ({
  type: 'integer',
  ...(description ? { description } : {}),
  ...extra,
});
const arr = (items: Json, description?: string): Json => ({
  type: 'array',
  items,
  ...(description ? { description } : {}),
});
const obj = (
  properties: Record<string, Json>,
  required: string[] = Object.keys(properties),
  extra: Json = {},
): Json => ({
  type: 'object',
  properties,
  ...(required.length ? { required } : {}),
  ...extra,
});
const dateTime = (description?: string): Json => str(description, { format: 'date-time' });

function fromZod(schema: z.ZodType): Json {
  return z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input' });
}

/** The offer document: what PUT accepts and (with secrets removed) what every read returns. */
function offerSchema(): Json {
  const s = fromZod(offerDraftSchema);
  const props = s.properties as Record<string, Json>;
  const listing = ((props.definition.properties as Record<string, Json>).offer.properties ?? {}) as Record<
    string,
    Json
  >;
  for (const [config, field] of WRITE_ONLY_FIELDS) {
    const f = (listing[config]?.properties as Record<string, Json> | undefined)?.[field];
    if (f) Object.assign(f, { writeOnly: true, description: 'Secret: stored, never returned.' });
  }
  const readOnly = (description: string) => ({ readOnly: true, description });
  Object.assign(props.id, readOnly("The offer id (the URL's). Accepted in a PUT only if it matches."));
  Object.assign(props.publisherId, readOnly("The publisher id (the URL's). Accepted in a PUT only if it matches."));
  Object.assign(
    props.version,
    readOnly(
      'The offer version: incremented by each publish (1 before the first); for …/versions/{version} and …/slot/{slot}, the version read.',
    ),
  );
  Object.assign(props.status, readOnly('The publish status of the offer.'));
  Object.assign(props.eTag, readOnly("The draft's ETag (also the ETag header); absent for versions and slots."));
  Object.assign(props.changedTime, readOnly('When the draft last changed.'));
  props.slot = str('The slot read, for …/slot/{slotId}.', { enum: ['draft', 'preview', 'production'], readOnly: true });
  return {
    ...s,
    description:
      'A VM offer (Cloud Partner Portal shape, api-version 2017-10-31). Drafts may be incomplete: completeness is checked at publish (422). ' +
      'Unknown fields and wrong types are refused with 400. Read-only fields are returned by reads and ignored in a PUT when they match.',
  };
}

export function schemas(): Record<string, Json> {
  return {
    Error: obj(
      {
        error: obj(
          {
            code: str('Machine-readable, e.g. NotFound, InvalidParameter, ValidationFailed.'),
            message: str('What went wrong and what to do; never a stack trace.'),
            details: arr({}, 'Per-field problems, when there are several (see each operation).'),
          },
          ['code', 'message'],
        ),
      },
      ['error'],
      { description: 'Every 4xx and 5xx answer.' },
    ),
    DraftIssue: obj(
      { path: str('Document path, e.g. definition.plans[0].planId.'), message: str() },
      ['path', 'message'],
      {
        description: 'One problem in an offer document (details of a 400 InvalidOfferDocument).',
      },
    ),
    ValidationWarning: obj(
      {
        path: str('Document path of the field.'),
        rule: str('Stable rule id: required, maxLength, pattern, unique, range, schema, …'),
        message: str(),
      },
      ['path', 'rule', 'message'],
      { description: 'One field that keeps the offer from being published (details of a 422 ValidationFailed).' },
    ),
    Offer: offerSchema(),
    OfferSummary: obj(
      {
        publisherId: str(),
        offerTypeId: str(undefined, { enum: [OFFER_TYPE_ID] }),
        id: str(),
        title: str(),
        version: int('The offer version: incremented by each publish.'),
        status: str(undefined, { enum: OFFER_STATUSES }),
        publishingVersion: int('The latest publishing version; null when never published.', { nullable: true }),
        definition: obj({ displayText: str() }, ['displayText'], {
          description: 'The summarized view of the definition.',
        }),
        changedTime: dateTime(),
      },
      [
        'publisherId',
        'offerTypeId',
        'id',
        'title',
        'version',
        'status',
        'publishingVersion',
        'definition',
        'changedTime',
      ],
    ),
    PublishRequest: obj(
      {
        metadata: obj(
          {
            'notification-emails': str(
              `Who is told about each step: up to ${MAX_NOTIFICATION_EMAILS} addresses separated by "," or ";".`,
              { example: 'a@contoso.com,b@contoso.com' },
            ),
          },
          ['notification-emails'],
        ),
      },
      ['metadata'],
    ),
    OperationAccepted: obj(
      {
        operationId: str(undefined, { format: 'uuid' }),
        publishingVersion: int(),
        status: str(
          'running (a publish started), accepted (Go Live or Cancel requested), live or canceled (already done).',
          { enum: ['running', 'accepted', 'live', 'canceled'] },
        ),
      },
      ['operationId', 'publishingVersion', 'status'],
    ),
    StatusMessage: obj({ messageHtml: str(), level: str(undefined, { enum: MESSAGE_LEVELS }), timestamp: dateTime() }),
    Link: obj({ displayText: str(), uri: str(undefined, { format: 'uri' }) }),
    Step: obj({
      id: str(undefined, { enum: STEPS.map((s) => s.id) }),
      stepName: str(),
      description: str(),
      status: str(undefined, { enum: STEP_STATUSES }),
      progressPercentage: int(undefined, { minimum: 0, maximum: 100 }),
      estimatedTimeFrame: str(),
      messages: arr(ref('StatusMessage')),
    }),
    PublishStatus: obj(
      {
        status: str(undefined, { enum: OFFER_STATUSES }),
        publishingVersion: int(undefined, { nullable: true }),
        messages: arr(ref('StatusMessage')),
        steps: arr(ref('Step'), 'The seven steps, in order.'),
        previewLinks: arr(ref('Link')),
        liveLinks: arr(ref('Link')),
        notificationEmails: str('Comma-separated.'),
        certificationReportUrl: str(undefined, { format: 'uri' }),
        supportTicketId: str('The support request opened for this publishing version.'),
        changedTime: dateTime(),
      },
      [
        'status',
        'publishingVersion',
        'messages',
        'steps',
        'previewLinks',
        'liveLinks',
        'notificationEmails',
        'changedTime',
      ],
    ),
    Operation: obj(
      {
        id: str(undefined, { format: 'uuid' }),
        offerId: str(),
        offerVersion: int(),
        offerTypeId: str(undefined, { enum: [OFFER_TYPE_ID] }),
        publisherId: str(),
        submissionType: str(undefined, { enum: ['publish', 'golive', 'cancel'] }),
        submissionState: str('Same as status.', { enum: [...OPERATION_STATUSES] }),
        status: str('Only one operation of an offer is running at a time.', { enum: [...OPERATION_STATUSES] }),
        publishingVersion: int(),
        slot: str('staging for a publish (and its cancel), production for Go Live.', {
          enum: ['staging', 'production'],
        }),
        version: int('Changes whenever the operation does (.NET ticks of its last change).'),
        definition: obj({ metadata: obj({ emails: str('The notification e-mails, comma-separated.') }) }),
        createdDateTime: dateTime(),
        lastActionDateTime: dateTime(),
        changedTime: dateTime(),
        cancellationRequestState: str('canCancel only for a publish at publisher sign-off.', {
          enum: ['canCancel', 'cannotCancel', 'cancelRequested', 'canceled'],
        }),
        error: obj({ code: str(), message: str() }, ['code', 'message'], { description: 'For a failed operation.' }),
      },
      [
        'id',
        'offerId',
        'offerVersion',
        'offerTypeId',
        'publisherId',
        'submissionType',
        'submissionState',
        'status',
        'publishingVersion',
        'slot',
        'version',
        'definition',
        'createdDateTime',
        'lastActionDateTime',
        'changedTime',
        'cancellationRequestState',
      ],
      { description: 'One operation (submission) on an offer, as the Cloud Partner Portal reference lists it.' },
    ),
    OperationDetail: {
      allOf: [
        ref('Operation'),
        obj(
          {
            messages: arr(ref('StatusMessage')),
            steps: arr(
              ref('Step'),
              "The publish's steps while the offer's status still describes this publishing version (else empty).",
            ),
            previewLinks: arr(ref('Link')),
            liveLinks: arr(ref('Link')),
            notificationEmails: str('Comma-separated.'),
          },
          ['messages', 'steps', 'previewLinks', 'liveLinks'],
        ),
      ],
      description: "GET …/operations/{operationId}: the operation with the publish's progress.",
    },
    ArtifactUploaded: obj(
      { url: str("The service's URL of the stored image: put it in the offer field.", { format: 'uri' }), kind: str() },
      ['url', 'kind'],
    ),
    SupportRequestCreate: obj({ description: str('What you need help with.', { minLength: 1, maxLength: 4000 }) }),
    SupportRequestOpened: obj(
      {
        ticketId: str(undefined, { example: 'SR-20260131-7KQ2XM' }),
        publishingVersion: int(),
        failingStep: str('The step that rejected the publish.', { nullable: true }),
        notified: { type: 'boolean', description: 'Whether the support team was e-mailed.' },
        existing: {
          type: 'boolean',
          description: 'true (with 200) when a request was already open for this publishing version.',
        },
        message: str(),
      },
      ['ticketId', 'publishingVersion'],
    ),
    Actor: obj(
      {
        kind: str(
          'What acted: a publisher API key, a signed-in user, ops, the publishing pipeline, storage automation.',
          {
            enum: [...ACTOR_KINDS],
          },
        ),
        id: str('Stable within the kind: the publisher of an API key, a user name, a blob path or queue command.'),
        displayName: str(),
      },
      ['kind', 'id'],
    ),
    HistoryEntry: obj(
      {
        id: str('Unique in your history.'),
        publisherId: str(),
        offerId: str('Absent for account entries (API keys).'),
        event: str('What happened; more kinds may be added, so treat an unknown one as its summary.', {
          enum: [...HISTORY_EVENT_TYPES],
        }),
        time: dateTime(),
        actor: ref('Actor'),
        origin: str('The channel: the REST API, the portal, the CLI, a blob or queue, the ops console, the pipeline.', {
          enum: [...ORIGINS],
        }),
        publishingVersion: int(),
        operationId: str(),
        summary: str('One readable sentence.'),
        details: {
          type: 'object',
          description:
            'What changed, by event: offerSaved {changedFields, moreFields}, offerCreated {title}, stepCompleted/stepFailed {step, stepName, messages, reportUrl}, releasedByOps {reason}, supportRequested/supportResolved {ticketId}, keyIssued/keyRevoked {keyFingerprint}, publishSubmitted {notificationEmails}.',
        },
      },
      ['id', 'publisherId', 'event', 'time', 'actor', 'origin', 'summary', 'details'],
    ),
    SupportRequest: obj(
      {
        ticketId: str(),
        publisherId: str(),
        offerId: str(),
        publishingVersion: int(),
        offerStatus: str('The publish status when the request was opened.'),
        failingStep: str(),
        failingStepName: str(),
        failingMessage: str("The step's error messages as you saw them."),
        description: str(),
        state: str(undefined, { enum: ['open', 'resolved'] }),
        createdTime: dateTime(),
        changedTime: dateTime(),
        notified: { type: 'boolean' },
        notificationError: str(),
      },
      [
        'ticketId',
        'publisherId',
        'offerId',
        'publishingVersion',
        'offerStatus',
        'description',
        'state',
        'createdTime',
        'changedTime',
        'notified',
      ],
    ),
    OutboxEntry: obj(
      {
        id: str(),
        publisherId: str(),
        to: arr(str(undefined, { format: 'email' })),
        subject: str(),
        plainText: str(),
        html: str(),
        kind: str(
          'Which event the mail tells about: publish-accepted, step-failed, preview-available, live, canceled, …',
        ),
        createdTime: dateTime(),
        idempotencyKey: str(),
      },
      ['id', 'publisherId', 'to', 'subject', 'plainText', 'html', 'kind', 'createdTime'],
      { description: 'A mail that was kept in the outbox because no e-mail service is configured (local runs).' },
    ),
    Lead: obj(
      {
        OfferTitle: str(),
        LeadSource: str('<Source>-<Action>|<publisherId>.<offerId>'),
        ActionCode: str(),
        Description: str(),
        UserDetails: obj({
          Company: str(),
          Country: str(),
          Email: str(),
          FirstName: str(),
          LastName: str(),
          Phone: str(),
          Title: str(),
        }),
      },
      undefined,
      { description: 'The lead as the marketplace sends it to a CRM.' },
    ),
    CustomerLead: obj(
      {
        leadId: str(),
        publisherId: str(),
        offerId: str(),
        lead: ref('Lead'),
        state: str(undefined, { enum: ['pending', 'delivered', 'failed'] }),
        attempts: int(),
        lastError: str(),
        destination: str(),
        createdTime: dateTime(),
        changedTime: dateTime(),
        deliveredTime: dateTime(),
      },
      ['leadId', 'publisherId', 'offerId', 'lead', 'state', 'attempts', 'createdTime', 'changedTime'],
      { description: "A customer's lead and its delivery to your lead destination." },
    ),
    CustomerLeadRequest: {
      ...fromZod(customerLeadRequestSchema),
      description: 'A customer asks to be contacted about (or starts deploying) a live offer.',
    },
    CustomerLeadAccepted: obj({ leadId: str(), state: str(undefined, { enum: ['pending'] }) }),
    ListingPlan: obj(
      {
        planId: str(),
        title: str(),
        summary: str(),
        description: str('Sanitised HTML.'),
        operatingSystemFamily: str(),
        operatingSystem: str(),
        recommendedVMSizes: arr(str()),
        regions: arr(str()),
        licenseModel: str(),
        imageVersions: arr(str()),
        hidden: {
          type: 'boolean',
          description: 'Hidden plans are left out of public listings and search; their template link still deploys.',
        },
        pricing: obj(
          {
            model: str(undefined, { enum: ['byol', 'perCore', 'perCoreSize', 'perRegion', 'spreadsheet', 'none'] }),
            freeTrialMonths: int(),
            currency: str(),
            pricePerCore: { type: 'number', description: 'Per core per hour (perCore).' },
            coreSizePrices: arr(obj({ coreSize: str(), price: { type: 'number' } }, ['coreSize', 'price'])),
            regionPrices: arr(obj({ region: str(), currency: str(), pricePerCore: { type: 'number' } }, ['region'])),
          },
          ['model', 'freeTrialMonths'],
        ),
        cloudAvailability: arr(str()),
        windowsOSType: str(),
        deploymentTemplateUrl: str("Path of the plan's deployment template (once packaged)."),
      },
      [
        'planId',
        'title',
        'summary',
        'description',
        'operatingSystemFamily',
        'operatingSystem',
        'recommendedVMSizes',
        'regions',
        'licenseModel',
        'imageVersions',
        'hidden',
        'pricing',
        'cloudAvailability',
      ],
    ),
    Listing: obj(
      {
        publisherId: str(),
        offerId: str(),
        version: int('The publishing version this listing was built from.'),
        title: str(),
        summary: str(),
        longSummary: str(),
        descriptionHtml: str('Sanitised HTML.'),
        categories: arr(str()),
        logos: obj({ small: str(), medium: str(), large: str(), wide: str() }, []),
        screenshots: arr(str()),
        heroLogo: str(),
        videos: arr(obj({ name: str(), url: str(), thumbnail: str() }, ['name', 'url'])),
        usefulLinks: arr(obj({ title: str(), url: str() }, ['title', 'url'])),
        marketingUrlIdentifier: str("The listing's URL slug."),
        marketingUrl: str('Path of the live page by its slug.'),
        supportUrls: obj({ publicAzure: str(), azureGovernment: str() }, []),
        privacyUrl: str(),
        termsOfUse: str(),
        support: obj({ name: str(), email: str(), phone: str() }, []),
        plans: arr(ref('ListingPlan'), 'Visible plans only.'),
      },
      [
        'publisherId',
        'offerId',
        'version',
        'title',
        'summary',
        'longSummary',
        'descriptionHtml',
        'categories',
        'logos',
        'screenshots',
        'videos',
        'usefulLinks',
        'supportUrls',
        'support',
        'plans',
      ],
      { description: 'A live (or, for its preview audience, a preview) listing.' },
    ),
    CatalogEntry: obj(
      {
        id: str('<publisherId>.<offerId>'),
        publisherId: str(),
        offerId: str(),
        title: str(),
        summary: str(),
        categories: arr(str()),
        operatingSystems: arr(str()),
        smallLogo: str(),
        freeTrial: { type: 'boolean', description: 'Some visible plan has a free trial.' },
      },
      ['id', 'publisherId', 'offerId', 'title', 'summary', 'categories', 'operatingSystems', 'freeTrial'],
    ),
    MemberRequest: fromZod(memberRequestSchema),
    Member: obj(
      {
        objectId: str('The Entra ID object id (oid) of the user or service principal.', { format: 'uuid' }),
        kind: str(undefined, { enum: ['user', 'servicePrincipal'] }),
        role: str(undefined, { enum: [...ROLES] }),
        displayName: str(),
        changedBy: str('Who added or last changed the member (an object id, or a key fingerprint).'),
        changedTime: dateTime(),
      },
      ['objectId', 'kind', 'role', 'changedBy', 'changedTime'],
    ),
    SearchResult: obj({ count: int('Matches in all, before top.'), items: arr(ref('CatalogEntry')) }),
  };
}

export function parameters(): Record<string, Json> {
  const path = (name: string, description: string, schema: Json = str()): Json => ({
    name,
    in: 'path',
    required: true,
    description,
    schema,
  });
  const query = (name: string, description: string, schema: Json): Json => ({
    name,
    in: 'query',
    required: false,
    description,
    schema,
  });
  return {
    publisherId: path(
      'publisherId',
      'Your publisher id; it must be the one your key belongs to.',
      str(undefined, { pattern: '^[a-z0-9][a-z0-9-]{0,49}$' }),
    ),
    offerId: path(
      'offerId',
      'Offer id: 1–50 lowercase letters, digits or "-", not ending with "-".',
      str(undefined, { pattern: '^[a-z0-9][a-z0-9-]{0,49}$' }),
    ),
    objectId: path(
      'objectId',
      'The Entra ID object id (oid) of a user or service principal.',
      str(undefined, { format: 'uuid' }),
    ),
    apiVersion: query(
      'api-version',
      'Optional; only 2017-10-31 is accepted.',
      str(undefined, { enum: ['2017-10-31'] }),
    ),
    top: query('top', 'Page size.', int(undefined, { minimum: 1, maximum: 200, default: 50 })),
    continuationToken: query(
      'continuationToken',
      'The x-ms-continuation-token of the previous page (also accepted as that header).',
      str(),
    ),
    continuationTokenHeader: {
      name: 'x-ms-continuation-token',
      in: 'header',
      required: false,
      description: 'The continuation token of the previous page.',
      schema: str(),
    },
  };
}

export function headers(): Record<string, Json> {
  return {
    ETag: { description: "The draft's ETag, for If-Match.", schema: str() },
    Location: {
      description: 'Relative path of the operation, with the api-version: GET it for its state.',
      schema: str(undefined, { format: 'uri-reference' }),
    },
    OperationLocation: {
      description: "The same operation as an absolute URL (the 2018 revision's header).",
      schema: str(undefined, { format: 'uri' }),
    },
    ContinuationToken: {
      description: 'Present when there is another page: pass it back as continuationToken.',
      schema: str(),
    },
  };
}

const errorResponse = (description: string): Json => ({
  description,
  content: { 'application/json': { schema: ref('Error') } },
});

export function responses(): Record<string, Json> {
  return {
    BadRequest: errorResponse(
      'The request is malformed: code InvalidParameter, InvalidJson, MissingBody, InvalidAPIVersion, MissingIfMatch, …',
    ),
    Unauthorized: errorResponse(
      'No credential, a key that is not valid or has been revoked, or an access token that is not (Unauthorized, with WWW-Authenticate: Bearer error="invalid_token").',
    ),
    Forbidden: errorResponse(
      "The token's principal is not a user of this publisher (NotAMember), its role may not do this (RoleNotPermitted), or the token lacks the API's scope or role (InsufficientScope).",
    ),
    NotFound: errorResponse('No such resource, or it belongs to another publisher (NotFound).'),
    Conflict: errorResponse(
      "Not possible in the offer's current state (OperationInProgress, InvalidState, Conflict, …).",
    ),
    PreconditionFailed: errorResponse(
      "If-Match does not match the offer's ETag, or is missing for an existing offer (PreconditionFailed).",
    ),
    TooLarge: errorResponse('The body is larger than this operation accepts (RequestTooLarge).'),
    InternalError: errorResponse(
      "Something failed on the service's side (InternalError, with the invocation id to quote).",
    ),
  };
}
