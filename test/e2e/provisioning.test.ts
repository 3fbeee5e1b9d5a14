// Provisioning end to end on the devhost: the image replicated into every region container, a
// region whose storage refuses the copy retried with backoff until it succeeds (or named in the
// error when it never does), and a host killed in the middle of a copy resuming without redoing
// the regions that were already verified.
import { BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import { sampleOffer } from '../../domain/offer/sample-offer';
import { status as instanceStatus } from '../support/durable-http';
import { Partner } from '../support/partner-api';
import { SlowProxy, startSlowProxy } from '../support/slow-proxy';
import { startStack, Stack, waitUntil } from '../support/stack';
import { uploadVhd } from '../support/vhd-images';

jest.setTimeout(120_000);

const REGIONS = ['eastus', 'westeurope', 'southeastasia', 'australiaeast'];

let stack: Stack;
let slow: SlowProxy;
let contoso: Partner;
let blobs: BlobServiceClient;
let osVhd: string;
let dataVhd: string;

beforeAll(async () => {
  // Image reads through this proxy take a while, so a copy can be caught in the middle.
  slow = await startSlowProxy(() => `http://127.0.0.1:${stack.azurite.ports.blob}`, 250);
  stack = await startStack('.', {
    DEV_PUBLISHERS: 'contoso:contoso-key',
    PROVISION_REGIONS: REGIONS.join(','),
    // Retries after 0.4, 0.8, 1.6, 3.2 s: time enough to watch them, and to end them.
    PUBLISH_RETRY_FIRST_MS: '400',
    PUBLISH_RETRY_ATTEMPTS: '5',
    OUTBOUND_ALLOWED_HOSTS: slow.host,
  });
  contoso = new Partner(stack, 'contoso', 'contoso-key');
  blobs = BlobServiceClient.fromConnectionString(stack.connectionString);
  osVhd = await uploadVhd(stack.connectionString, 'vhds', 'prov-os.vhd');
  dataVhd = await uploadVhd(stack.connectionString, 'vhds', 'prov-data.vhd');
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await slow?.close();
});

const region = (r: string): ContainerClient => blobs.getContainerClient(`region-${r}`);
const osBlobName = (offerId: string) => `contoso/${offerId}/v1/standard/1.0.0/os.vhd`;
const regionInstance = (offerId: string, r: string) => `publish:contoso:${offerId}:v1:displayprovision:${r}`;

/** Holds the region's copy target with an infinite lease: every write to it is refused (412). */
async function blockRegion(offerId: string, r: string) {
  await region(r).createIfNotExists();
  const blob = region(r).getPageBlobClient(osBlobName(offerId));
  await blob.create(512);
  const lease = blob.getBlobLeaseClient();
  await lease.acquireLease(-1);
  return { release: () => lease.releaseLease() };
}

async function copyAttempts(offerId: string, r: string): Promise<{ failed: string[]; completed: number }> {
  const s = await instanceStatus(stack, regionInstance(offerId, r), '?showHistory=true&showHistoryOutput=true');
  const h = s?.historyEvents ?? [];
  return {
    failed: h.filter((e) => e.EventType === 'TaskFailed').map((e) => (typeof e.Reason === 'string' ? e.Reason : '')),
    completed: h.filter((e) => e.EventType === 'TaskCompleted' && e.FunctionName === 'copyImageToRegion').length,
  };
}

async function regionCopies(offerId: string) {
  return Promise.all(
    REGIONS.map(async (r) => {
      const p = await region(r).getPageBlobClient(osBlobName(offerId)).getProperties();
      return {
        region: r,
        etag: p.etag,
        complete: p.metadata?.complete,
        sha256: p.metadata?.sha256,
        size: p.contentLength,
      };
    }),
  );
}

const provisioningStep = async (offerId: string) =>
  (await contoso.status(offerId)).steps.find((s) => s.id === 'displayprovision')!;

test('a region whose storage refuses the copy twice is retried with backoff and then succeeds; every region gets a verified copy', async () => {
  const offerId = 'flaky-vm';
  const blocked = await blockRegion(offerId, 'westeurope');
  expect(
    (
      await contoso.putOffer(
        offerId,
        sampleOffer({ offerId, osVhdUrl: osVhd, leadConnectionString: stack.connectionString }),
      )
    ).status,
  ).toBe(201);
  expect((await contoso.publish(offerId)).status).toBe(202);

  await waitUntil(
    async () => ((await copyAttempts(offerId, 'westeurope')).failed.length >= 2 ? true : undefined),
    30_000,
    'two failed copies to westeurope',
  );
  await blocked.release();
  const s = await contoso.waitForStatus(offerId, ['waitingForPublisherReview', 'failed'], 60_000);
  expect(s.status).toBe('waitingForPublisherReview');

  const westeurope = await copyAttempts(offerId, 'westeurope');
  expect(westeurope.failed).toHaveLength(2);
  expect(westeurope.failed[0]).toMatch(/Region westeurope: copying os\.vhd of plan standard 1\.0\.0 failed: .*lease/i);
  expect(westeurope.completed).toBe(1);
  for (const r of REGIONS.filter((x) => x !== 'westeurope'))
    expect(await copyAttempts(offerId, r)).toEqual({ failed: [], completed: 1 });

  const step = await provisioningStep(offerId);
  expect(step.status).toBe('complete');
  expect(step.progressPercentage).toBe(100);
  const texts = step.messages.map((m) => m.messageHtml);
  expect(texts).toContain(`The image was replicated to 4 regions: ${REGIONS.join(', ')}.`);
  for (const r of REGIONS) expect(texts.some((t) => t.startsWith(`Replicated to ${r} (`))).toBe(true);
  expect(
    texts
      .filter((t) => / of 4 regions\)\.$/.test(t))
      .map((t) => /\((\d) of 4/.exec(t)![1])
      .sort(),
  ).toEqual(['1', '2', '3', '4']);

  // Each copy is complete, the full size, and has the same content hash as every other.
  const copies = await regionCopies(offerId);
  const source = await blobs.getContainerClient('vhds').getPageBlobClient('prov-os.vhd').getProperties();
  for (const c of copies) expect(c).toMatchObject({ complete: 'true', size: source.contentLength });
  expect(new Set(copies.map((c) => c.sha256)).size).toBe(1);
  expect(copies[0].sha256).toMatch(/^[0-9a-f]{64}$/);
  // And the bytes are the source's: partition table and filesystem at the start, footer at the end.
  const src = blobs.getContainerClient('vhds').getPageBlobClient('prov-os.vhd');
  const size = source.contentLength!;
  for (const r of REGIONS) {
    const copy = region(r).getPageBlobClient(osBlobName(offerId));
    expect(
      (await copy.downloadToBuffer(0, 20 * 1024 * 1024)).equals(await src.downloadToBuffer(0, 20 * 1024 * 1024)),
    ).toBe(true);
    expect((await copy.downloadToBuffer(size - 512, 512)).equals(await src.downloadToBuffer(size - 512, 512))).toBe(
      true,
    );
  }
});

test('a region that never accepts the copy fails Provisioning with an error naming it, after the retries', async () => {
  const offerId = 'blocked-vm';
  await blockRegion(offerId, 'southeastasia');
  expect(
    (
      await contoso.putOffer(
        offerId,
        sampleOffer({ offerId, osVhdUrl: osVhd, leadConnectionString: stack.connectionString }),
      )
    ).status,
  ).toBe(201);
  expect((await contoso.publish(offerId)).status).toBe(202);
  const s = await contoso.waitForStatus(offerId, ['waitingForPublisherReview', 'failed'], 60_000);
  expect(s.status).toBe('failed');
  const step = s.steps.find((x) => x.id === 'displayprovision')!;
  expect(step.status).toBe('rejected');
  const errors = step.messages.filter((m) => m.level === 'error').map((m) => m.messageHtml);
  expect(errors.join('\n')).toMatch(
    /Region southeastasia could not be provisioned after retries: Region southeastasia: copying os\.vhd/,
  );
  expect(errors.join('\n')).not.toMatch(/eastus|westeurope|australiaeast/);
  expect((await copyAttempts(offerId, 'southeastasia')).failed).toHaveLength(5);
  // Nothing after Provisioning ran.
  expect(s.steps.find((x) => x.id === 'displaypackage')!.status).toBe('notStarted');
});

test('kill -9 in the middle of a copy: after the restart the copy is finished, and regions verified before the crash are not copied again', async () => {
  const offerId = 'crash-vm';
  // westeurope is held back until the other regions are done, so the crash finds them verified
  // and westeurope copying (its source is read through the slow proxy).
  const blocked = await blockRegion(offerId, 'westeurope');
  const doc = sampleOffer({
    offerId,
    osVhdUrl: slow.rewrite(osVhd),
    dataDiskUrls: [slow.rewrite(dataVhd)],
    leadConnectionString: stack.connectionString,
  });
  expect((await contoso.putOffer(offerId, doc)).status).toBe(201);
  expect((await contoso.publish(offerId)).status).toBe(202);

  const others = REGIONS.filter((r) => r !== 'westeurope');
  await waitUntil(
    async () => {
      const step = await provisioningStep(offerId);
      return others.every((r) => step.messages.some((m) => m.messageHtml.startsWith(`Replicated to ${r} (`)))
        ? true
        : undefined;
    },
    60_000,
    'the other regions replicated',
  );
  const before = (await regionCopies(offerId)).filter((c) => c.region !== 'westeurope');
  for (const c of before) expect(c.complete).toBe('true');

  await blocked.release();
  const target = region('westeurope').getPageBlobClient(osBlobName(offerId));
  // Mid-copy: the target exists again at full size and is not yet marked complete.
  await waitUntil(
    async () => {
      const p = await target.getProperties().catch(() => undefined);
      return p && p.contentLength !== 512 && p.metadata?.complete === 'false' ? true : undefined;
    },
    30_000,
    'the westeurope copy under way',
  );
  await stack.host.kill();
  expect((await target.getProperties()).metadata?.complete).toBe('false');

  await stack.host.start();
  const s = await contoso.waitForStatus(offerId, ['waitingForPublisherReview', 'failed'], 60_000);
  expect(s.status).toBe('waitingForPublisherReview');

  const after = await regionCopies(offerId);
  // The regions verified before the crash kept their copies untouched (same ETag: not written again).
  for (const b of before) expect(after.find((a) => a.region === b.region)!.etag).toBe(b.etag);
  const westeurope = after.find((a) => a.region === 'westeurope')!;
  expect(westeurope.complete).toBe('true');
  expect(new Set(after.map((a) => a.sha256)).size).toBe(1);
  // The data disk too, in every region.
  for (const r of REGIONS) {
    const p = await region(r).getPageBlobClient(`contoso/${offerId}/v1/standard/1.0.0/lun0.vhd`).getProperties();
    expect(p.metadata?.complete).toBe('true');
  }
  for (const r of others) expect((await copyAttempts(offerId, r)).completed).toBe(1);
  expect((await provisioningStep(offerId)).messages.map((m) => m.messageHtml)).toContain(
    `The image was replicated to 4 regions: ${REGIONS.join(', ')}.`,
  );
});
