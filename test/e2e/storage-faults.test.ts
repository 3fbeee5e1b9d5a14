// Storage faults injected into every stage of a publish, through proxies in front of the emulator:
// each is that activity's failure (its task fails and is retried by the orchestration's policy, or
// the SDK's own retry absorbs it), never the host's — the publish still reaches sign-off and the
// devhost keeps serving.
import path from 'node:path';
import { startAzurite, AzuriteHandle } from '@offer-go-live/devhost';
import { sampleOffer } from '../../domain/offer/sample-offer';
import { status as engineStatus } from '../support/durable-http';
import { FaultProxy, startFaultProxy } from '../support/fault-proxy';
import { Partner } from '../support/partner-api';
import { DevhostProcess, Stack } from '../support/stack';
import { uploadVhd } from '../support/vhd-images';

jest.setTimeout(240_000);

let azurite: AzuriteHandle;
let blob: FaultProxy;
let tables: FaultProxy;
let host: DevhostProcess;
let contoso: Partner;
let proxied = '';

const part = (cs: string, key: string) => new RegExp(`${key}=([^;]+)`).exec(cs)![1];

beforeAll(async () => {
  azurite = await startAzurite();
  const cs = azurite.connectionString;
  blob = await startFaultProxy(part(cs, 'BlobEndpoint'));
  tables = await startFaultProxy(part(cs, 'TableEndpoint'));
  proxied = cs.replace(part(cs, 'BlobEndpoint'), blob.endpoint).replace(part(cs, 'TableEndpoint'), tables.endpoint);
  host = new DevhostProcess(path.resolve(__dirname, '../..'), {
    AzureWebJobsStorage: proxied,
    DEV_PUBLISHERS: 'contoso:contoso-key',
    PROVISION_REGIONS: 'eastus',
    PUBLISH_RETRY_FIRST_MS: '100',
    PUBLISH_RETRY_ATTEMPTS: '4',
  });
  await host.start();
  const stack = { url: (p: string) => `${host.origin}${p}` } as unknown as Stack;
  contoso = new Partner(stack, 'contoso', 'contoso-key');
});
afterAll(async () => {
  await host?.stop();
  await blob?.close();
  await tables?.close();
  await azurite?.stop();
});

test('a publish survives a storage fault in each of its activities, and the host with it', async () => {
  const vhd = new URL(await uploadVhd(azurite.connectionString, 'vhds', 'faults-30g.vhd'));
  vhd.host = new URL(blob.endpoint).host; // the image is read through the faulty proxy too
  const doc = sampleOffer({ offerId: 'fault-vm', osVhdUrl: vhd.href, leadConnectionString: proxied });
  expect((await contoso.putOffer('fault-vm', doc)).status).toBe(201);

  // Table faults outlast the SDK's own retries (4 tries), so the activity fails and is retried;
  // blob faults through the Storage SDK are absorbed by its retries; image reads through the
  // outbound module fail the certification attempt, which is retried.
  const faults = {
    recordStep: tables.fail({ match: /^PUT \/devstoreaccount1\/PublishStatus\(/, times: 4 }),
    validatePrerequisites: tables.fail({
      match: /^GET \/devstoreaccount1\/OfferVersions\(PartitionKey='contoso',RowKey='fault-vm\|000001'\)/,
      times: 4,
    }),
    ingestArtifacts: blob.fail({ match: /^PUT \/devstoreaccount1\/marketplace-artifacts\//, times: 1 }),
    certifyImage: blob.fail({ match: /^GET \/devstoreaccount1\/vhds\/faults-30g\.vhd/, times: 2 }),
    copyImageToRegion: blob.fail({ match: /^PUT \/devstoreaccount1\/region-eastus\//, times: 1 }),
    packageListing: tables.fail({ match: /^PUT \/devstoreaccount1\/OfferSlots\(/, times: 4 }),
    registerTestLead: tables.fail({ match: /\/devstoreaccount1\/MarketplaceLeads/, times: 4 }),
    sendPublishEmail: tables.fail({ match: /^POST \/devstoreaccount1\/EmailLog/, times: 4 }),
  };

  expect((await contoso.publish('fault-vm')).status).toBe(202);
  const s = await contoso.waitForStatus('fault-vm', ['waitingForPublisherReview', 'failed'], 200_000);
  expect({ status: s.status, steps: s.steps.map((x) => `${x.id}:${x.status}`) }).toMatchObject({
    status: 'waitingForPublisherReview',
  });
  for (const [activity, f] of Object.entries(faults))
    expect({ activity, delivered: f.delivered() > 0 }).toEqual({ activity, delivered: true });

  // The faults that outlasted the SDK's retries failed their activity's task, which ran again.
  const history = await engineStatus(
    { url: (p: string) => `${host.origin}${p}` } as unknown as Stack,
    'publish:contoso:fault-vm:v1',
    '?showHistory=true',
  );
  // (The management API's history names an activity event's function as FunctionName.)
  const events = history!.historyEvents ?? [];
  const named = (type: string) =>
    new Set(events.filter((e) => e.EventType === type).map((e) => String(e.FunctionName)));
  const failed = named('TaskFailed');
  const completed = named('TaskCompleted');
  expect([...failed]).toEqual(expect.arrayContaining(['recordStep', 'sendPublishEmail']));
  expect(failed.size).toBeGreaterThanOrEqual(4);
  for (const name of failed)
    expect({ name, completedLater: completed.has(name) }).toEqual({ name, completedLater: true });
  expect(host.child!.exitCode).toBeNull();
  expect((await fetch(`${host.origin}/api/health`)).status).toBe(200);
});
