// Partners automate through storage: a dropped offer blob is applied once (also across a restart)
// with its result written beside it; forged publishers are refused; queue commands are applied,
// refused or poisoned with their reasons recorded.
import { odata, TableClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueClient } from '@azure/storage-queue';
import { sampleOffer } from '../../domain/offer/sample-offer';
import { Partner } from '../support/partner-api';
import { startStack, Stack, waitUntil } from '../support/stack';
import { uploadVhd } from '../support/vhd-images';

let stack: Stack;
let contoso: Partner;
let vhd: string;

beforeAll(async () => {
  stack = await startStack('.', {
    DEV_PUBLISHERS: 'contoso:contoso-key,fabrikam:fabrikam-key',
    PUBLISH_RETRY_FIRST_MS: '100',
    PROVISION_REGIONS: 'eastus',
    DEVHOST_BLOB_POLL_MS: '200',
  });
  contoso = new Partner(stack, 'contoso', 'contoso-key');
  vhd = await uploadVhd(stack.connectionString, 'vhds', 'events.vhd');
});
afterAll(async () => {
  await stack?.stop();
});

const container = () =>
  BlobServiceClient.fromConnectionString(stack.connectionString).getContainerClient('offer-submissions');

async function drop(path: string, body: unknown, key: string): Promise<void> {
  await container().createIfNotExists();
  const text = JSON.stringify(body);
  await container()
    .getBlockBlobClient(path)
    .upload(text, Buffer.byteLength(text), { metadata: { publisherkey: key } });
}

async function result(path: string): Promise<Record<string, unknown>> {
  return waitUntil(async () => {
    const b = container().getBlockBlobClient(path);
    return (await b.exists())
      ? (JSON.parse((await b.downloadToBuffer()).toString()) as Record<string, unknown>)
      : undefined;
  });
}

function commands(): QueueClient {
  return new QueueClient(stack.connectionString, 'publish-commands');
}

async function send(cmd: unknown): Promise<void> {
  await commands().createIfNotExists();
  await commands().sendMessage(Buffer.from(typeof cmd === 'string' ? cmd : JSON.stringify(cmd)).toString('base64'));
}

async function outcome(partition: string, id: string): Promise<Record<string, unknown>> {
  const t = TableClient.fromConnectionString(stack.connectionString, 'CommandOutcomes', {
    allowInsecureConnection: true,
  });
  return waitUntil(async () => {
    try {
      return await t.getEntity<Record<string, unknown>>(partition, id);
    } catch {
      return undefined;
    }
  });
}

test('a dropped offer blob creates the draft and publishes it, once — also after a restart', async () => {
  const doc = sampleOffer({ offerId: 'dropped-vm', osVhdUrl: vhd, leadConnectionString: stack.connectionString });
  await drop(
    'contoso/dropped-vm.json',
    { offer: doc, publish: { metadata: { 'notification-emails': 'ops@contoso.example.com' } } },
    'contoso-key',
  );
  const r = await result('contoso/dropped-vm.result.json');
  expect(r).toMatchObject({
    outcome: 'applied',
    offer: { version: 1 },
    publish: { status: 202, publishingVersion: 1 },
  });
  await contoso.waitForStatus('dropped-vm', ['waitingForPublisherReview']);
  const mail = await waitUntil(async () => (await contoso.outbox()).find((m) => m.kind === 'submission-outcome'));
  expect(mail.subject).toBe('Offer submission contoso/dropped-vm.json: applied');

  await stack.host.stop();
  await stack.host.start();
  await new Promise((res) => setTimeout(res, 1500)); // several blob scans
  const again = await result('contoso/dropped-vm.result.json');
  expect(again.processedAt).toBe(r.processedAt);
  const offer = (await (await contoso.call('GET', '/offers/dropped-vm')).json()) as { version: number };
  // Applied once: one publish, so the offer's version (counted per publish) is 2.
  expect(offer.version).toBe(2);
  expect((await contoso.status('dropped-vm')).publishingVersion).toBe(1);
});

test("a blob under another publisher's path is refused and nothing is applied", async () => {
  const doc = sampleOffer({ offerId: 'forged-vm', osVhdUrl: vhd });
  await drop('contoso/forged-vm.json', doc, 'fabrikam-key');
  const r = await result('contoso/forged-vm.result.json');
  expect(r).toMatchObject({ outcome: 'rejected', error: { code: 'Unauthorized' } });
  expect((await contoso.call('GET', '/offers/forged-vm')).status).toBe(404);
});

test('an invalid offer blob is reported with the field, not applied', async () => {
  await drop(
    'contoso/typo-vm.json',
    { definition: { offer: { 'microsoft-azure-marketplace.title': 7 }, plans: [] } },
    'contoso-key',
  );
  const r = await result('contoso/typo-vm.result.json');
  expect(r).toMatchObject({ outcome: 'failed', error: { code: 'InvalidOfferDocument' } });
  expect(String((r.error as { message: string }).message)).toContain('microsoft-azure-marketplace.title');
});

test('queue commands: applied, refused for a forged key, and a poison command recorded with its reason', async () => {
  const doc = sampleOffer({ offerId: 'queued-vm', osVhdUrl: vhd, leadConnectionString: stack.connectionString });
  expect((await contoso.putOffer('queued-vm', doc)).status).toBe(201);
  await send({
    requestId: 'req-1',
    command: 'publish',
    publisherId: 'contoso',
    offerId: 'queued-vm',
    key: 'contoso-key',
    notificationEmails: 'ops@contoso.example.com',
  });
  expect(await outcome('contoso', 'req-1')).toMatchObject({ Outcome: 'applied', PublishingVersion: 1 });
  await contoso.waitForStatus('queued-vm', ['waitingForPublisherReview']);

  await send({
    requestId: 'req-2',
    command: 'golive',
    publisherId: 'contoso',
    offerId: 'queued-vm',
    key: 'fabrikam-key',
  });
  expect(await outcome('contoso', 'req-2')).toMatchObject({ Outcome: 'rejected' });
  expect((await contoso.status('queued-vm')).status).toBe('waitingForPublisherReview');

  await send({
    requestId: 'req-3',
    command: 'golive',
    publisherId: 'contoso',
    offerId: 'queued-vm',
    key: 'contoso-key',
  });
  expect(await outcome('contoso', 'req-3')).toMatchObject({ Outcome: 'applied' });
  await contoso.waitForStatus('queued-vm', ['succeeded']);

  await send({ command: 'explode', publisherId: 'contoso' });
  const poison = new QueueClient(stack.connectionString, 'publish-commands-poison');
  const peeked = await waitUntil(
    async () => {
      if (!(await poison.exists())) return undefined;
      const p = await poison.peekMessages({ numberOfMessages: 5 });
      return p.peekedMessageItems.length ? p.peekedMessageItems : undefined;
    },
    30_000,
    'the poison queue',
  );
  expect(Buffer.from(peeked[0].messageText, 'base64').toString()).toContain('explode');
  const t = TableClient.fromConnectionString(stack.connectionString, 'CommandOutcomes', {
    allowInsecureConnection: true,
  });
  const invalid: Record<string, unknown>[] = [];
  for await (const e of t.listEntities({ queryOptions: { filter: odata`PartitionKey eq '_invalid'` } }))
    invalid.push(e);
  expect(invalid).toHaveLength(1);
  expect(invalid[0]).toMatchObject({ Outcome: 'poisoned', DequeueCount: 5 });
  expect(String(invalid[0].Reason)).toContain('command');
});

async function blobCreated(path: string): Promise<number> {
  const event = {
    id: `ev-${path}`,
    eventType: 'Microsoft.Storage.BlobCreated',
    subject: `/blobServices/default/containers/vhds/blobs/${path}`,
    eventTime: new Date().toISOString(),
    dataVersion: '',
    data: { api: 'PutBlob', url: `http://127.0.0.1/devstoreaccount1/vhds/${path}`, blobType: 'PageBlob' },
  };
  const res = await fetch(stack.url('/runtime/webhooks/eventgrid?functionName=vhdPreflight'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'aeg-event-type': 'Notification' },
    body: JSON.stringify([event]),
  });
  return res.status;
}

test('a VHD landing in vhds/ is certified on its Event Grid event, with the report written beside it', async () => {
  const vhds = BlobServiceClient.fromConnectionString(stack.connectionString).getContainerClient('vhds');
  await uploadVhd(stack.connectionString, 'vhds', 'contoso/landed.vhd');
  await vhds.getBlobClient('contoso/landed.vhd').setMetadata({ publisherkey: 'contoso-key' });
  // Event Grid's subscription handshake, then the BlobCreated notification.
  const validate = await fetch(stack.url('/runtime/webhooks/eventgrid?functionName=vhdPreflight'), {
    method: 'POST',
    headers: { 'aeg-event-type': 'SubscriptionValidation' },
    body: JSON.stringify([
      { id: 'v', eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent', data: { validationCode: 'abc-123' } },
    ]),
  });
  expect(await validate.json()).toEqual({ validationResponse: 'abc-123' });
  expect(await blobCreated('contoso/landed.vhd')).toBe(200);
  const report = JSON.parse(
    (await vhds.getBlobClient('contoso/landed.vhd.certification.json').downloadToBuffer()).toString(),
  ) as { outcome: string; verdict: string; disks: { stats: { bytes: number } }[] };
  expect(report).toMatchObject({ outcome: 'certified', verdict: 'pass' });
  expect(report.disks[0].stats.bytes).toBeLessThan(8 * 1024 * 1024);
  expect((await vhds.getBlobClient('contoso/landed.vhd.certification.html').downloadToBuffer()).toString()).toContain(
    'vhd.cookie',
  );

  await uploadVhd(stack.connectionString, 'vhds', 'contoso/forged.vhd');
  await vhds.getBlobClient('contoso/forged.vhd').setMetadata({ publisherkey: 'fabrikam-key' });
  expect(await blobCreated('contoso/forged.vhd')).toBe(200);
  const refused = JSON.parse(
    (await vhds.getBlobClient('contoso/forged.vhd.certification.json').downloadToBuffer()).toString(),
  ) as { outcome: string };
  expect(refused.outcome).toBe('rejected');
  expect(
    await fetch(stack.url('/runtime/webhooks/eventgrid?functionName=nope'), { method: 'POST', body: '[]' }).then(
      (r) => r.status,
    ),
  ).toBe(404);
});
