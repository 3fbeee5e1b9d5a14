// Every activity of the publishing contract, built from the real adapters and registered with the
// Durable extension — the one place that wires production dependencies. Each activity module only
// exports a factory, so tests build the same activities from in-memory stores and fakes.
import * as df from 'durable-functions';
import { isOwnArtifactUrl, storeArtifact } from '../adapters/artifacts/artifact-store';
import { HistoryStore } from '../adapters/audit/history-store';
import { downloadArtifact } from '../adapters/artifacts/download-artifact';
import { chooseEmailSender } from '../adapters/email/choose-email-sender';
import type { EmailSender } from '../adapters/email/email';
import { certifyDisks, saveReport } from '../adapters/image/certify-images';
import { storageRegionReplicas } from '../adapters/images/region-replicas';
import { deliverLead } from '../adapters/leads/lead-destinations';
import { checkOutboundUrl } from '../adapters/net/egress-policy';
import { OfferStore } from '../adapters/offers/offer-store';
import { OperationStore } from '../adapters/offers/operation-store';
import { StatusStore } from '../adapters/offers/status-store';
import { provisionRegions, publicBaseUrl } from '../adapters/settings/public-url';
import { table } from '../adapters/storage/connection';
import { TABLE } from '../adapters/storage/table-names';
import type { ActivityInput, ActivityName, ActivityOutput } from '../domain/publishing/contract';
import { ACTIVITY } from '../domain/publishing/stages';
import { Stores, systemNow } from './_shared/context';
import { makeCertifyImage } from './certify-image';
import { makeIngestArtifacts } from './ingest-artifacts';
import { makePackageListing, makeRegisterTestLead } from './package-listing';
import { makeCopyImageToRegion, makePlanProvisioning } from './provision';
import { makeRecordHistory } from './record-history';
import { makeRecordStep } from './record-step';
import { makeSendPublishEmail } from './send-publish-email';
import { makeCancelPublish, makeCompleteOperation, makeGoLive, makeOpenPreview } from './signoff';
import { makeValidatePrerequisites } from './validate-prerequisites';

const stores: Stores = {
  offers: new OfferStore(),
  statuses: new StatusStore(),
  operations: new OperationStore(),
  now: systemNow,
};
const replicas = storageRegionReplicas();
let sender: EmailSender | undefined;

/** Registers an activity under its contract name, so a handler with the wrong input or output does not compile. */
function register<K extends ActivityName>(name: K, handler: (input: ActivityInput<K>) => Promise<ActivityOutput<K>>) {
  df.app.activity(name, { handler: (input: ActivityInput<K>) => handler(input) });
}

register(ACTIVITY.recordStep, makeRecordStep(stores));
register(ACTIVITY.validatePrerequisites, makeValidatePrerequisites(stores));
register(
  ACTIVITY.ingestArtifacts,
  makeIngestArtifacts({ ...stores, isOwnArtifactUrl, downloadArtifact, storeArtifact }),
);
register(ACTIVITY.certifyImage, makeCertifyImage({ ...stores, certifyDisks, saveReport, publicBaseUrl }));
register(ACTIVITY.planProvisioning, makePlanProvisioning({ provisionRegions }));
register(ACTIVITY.copyImageToRegion, makeCopyImageToRegion({ ...stores, replicas, checkOutboundUrl }));
register(ACTIVITY.packageListing, makePackageListing({ ...stores, provisionRegions, replicas }));
register(ACTIVITY.registerTestLead, makeRegisterTestLead({ ...stores, deliverLead, clock: Date.now }));
register(ACTIVITY.openPreview, makeOpenPreview({ ...stores, publicBaseUrl }));
register(ACTIVITY.goLive, makeGoLive({ ...stores, publicBaseUrl }));
register(ACTIVITY.cancelPublish, makeCancelPublish(stores));
register(ACTIVITY.completeOperation, makeCompleteOperation(stores));
register(ACTIVITY.recordHistory, makeRecordHistory({ history: new HistoryStore() }));
register(
  ACTIVITY.sendPublishEmail,
  makeSendPublishEmail({
    ...stores,
    sender: () => (sender ??= chooseEmailSender()),
    emailLog: () => table(TABLE.emailLog),
    publicBaseUrl,
  }),
);
