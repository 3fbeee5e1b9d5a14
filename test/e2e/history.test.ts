// History end to end: every kind of command, from each channel (REST API, portal header, CLI, a
// dropped blob, a queue command, the ops console, the pipeline itself), leaves an entry with its
// actor; the filters, the paging and the refusals of bad input work over HTTP; a save whose history
// write was lost (a crash right after the commit) is restored from the draft's row.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { TableClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueClient } from '@azure/storage-queue';
import { sampleOffer } from '../../domain/offer/sample-offer';
import { Partner } from '../support/partner-api';
import { startStack, Stack, waitUntil } from '../support/stack';
import { sasUrl, uploadVhd } from '../support/vhd-images';

jest.setTimeout(180_000);

const OPS = 'ops-history-key';
const CLI = path.resolve(__dirname, '../../dist/tools/cli/main.js');

interface Entry {
  id: string;
  offerId?: string;
  event: string;
  time: string;
  actor: { kind: string; id: string };
  origin: string;
  publishingVersion?: number;
  summary: string;
  details: Record<string, unknown>;
}

let stack: Stack;
let contoso: Partner;
let vhd: string;

beforeAll(async () => {
  stack = await startStack('.', {
    DEV_PUBLISHERS: 'contoso:contoso-key,fabrikam:fabrikam-key',
    OPS_ADMIN_KEY: OPS,
    PUBLISH_RETRY_FIRST_MS: '100',
    PROVISION_REGIONS: 'eastus',
    DEVHOST_BLOB_POLL_MS: '200',
  });
  contoso = new Partner(stack, 'contoso', 'contoso-key');
  vhd = await uploadVhd(stack.connectionString, 'vhds', 'history.vhd');
});
afterAll(async () => {
  await stack?.stop();
});

async function history(offerId: string, query = ''): Promise<Entry[]> {
  const res = await contoso.call('GET', `/offers/${offerId}/history?top=200${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Entry[];
}

/** Waits until the offer's history has an entry of this event (the pipeline and triggers write asynchronously). */
function entry(offerId: string, event: string): Promise<Entry> {
  return waitUntil(
    async () => {
      const res = await contoso.call('GET', `/offers/${offerId}/history?top=200`);
      if (res.status === 404) return undefined; // the blob is not applied yet
      return ((await res.json()) as Entry[]).find((e) => e.event === event);
    },
    30_000,
    `${offerId} ${event}`,
  );
}

const doc = (offerId: string, osVhdUrl = vhd) =>
  sampleOffer({ offerId, osVhdUrl, leadConnectionString: stack.connectionString });

async function save(offerId: string, body: unknown, headers: Record<string, string> = {}): Promise<string> {
  const current = await contoso.call('GET', `/offers/${offerId}`);
  const etag = current.status === 200 ? current.headers.get('etag')! : undefined;
  const res = await contoso.call('PUT', `/offers/${offerId}`, body, {
    ...(etag ? { 'If-Match': etag } : {}),
    ...headers,
  });
  expect([200, 201]).toContain(res.status);
  return res.headers.get('etag')!;
}

function ops(method: string, route: string, body?: unknown): Promise<Response> {
  return fetch(stack.url(route), {
    method,
    headers: { authorization: `Bearer ${OPS}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = { ...process.env, OFFERS_URL: stack.host.origin, OFFERS_PUBLISHER: 'contoso', OFFERS_KEY: 'contoso-key' };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('REST API, portal and CLI commands and the pipeline: each entry names its actor and channel', async () => {
  await save('hist-vm', doc('hist-vm'));
  const edited = doc('hist-vm');
  edited.definition.offer['microsoft-azure-marketplace.title'] = 'History VM, renamed';
  await save('hist-vm', edited, { 'x-offers-client': 'portal' });
  expect((await contoso.publish('hist-vm')).status).toBe(202);
  await contoso.waitForStatus('hist-vm', ['waitingForPublisherReview']);
  await entry('hist-vm', 'previewAvailable');
  const golive = await cli(['golive', 'hist-vm']);
  expect(golive.code).toBe(0);
  await entry('hist-vm', 'live');

  const all = await history('hist-vm');
  // Newest first, by time.
  expect(all.map((e) => e.time)).toEqual([...all.map((e) => e.time)].sort().reverse());
  const byEvent = (event: string) => all.filter((e) => e.event === event);
  expect(byEvent('offerCreated')[0]).toMatchObject({
    actor: { kind: 'apiKey', id: 'contoso' },
    origin: 'api',
    details: { title: expect.any(String) },
  });
  const saved = byEvent('offerSaved')[0];
  expect(saved).toMatchObject({ actor: { kind: 'apiKey', id: 'contoso' }, origin: 'portal' });
  expect(saved.details.changedFields).toEqual(['definition.offer.microsoft-azure-marketplace.title']);
  expect(byEvent('publishSubmitted')[0]).toMatchObject({
    actor: { kind: 'apiKey', id: 'contoso' },
    origin: 'api',
    publishingVersion: 1,
  });
  expect(byEvent('stepCompleted').map((e) => e.details.step)).toEqual([
    'displaypackage',
    'displayprovision',
    'displaycertify',
    'displaydummycertify',
  ]);
  for (const event of ['stepCompleted', 'previewAvailable', 'live'])
    for (const e of byEvent(event)) expect(e).toMatchObject({ actor: { kind: 'system' }, origin: 'orchestration' });
  expect(byEvent('goLiveRequested')).toEqual([
    expect.objectContaining({ actor: expect.objectContaining({ kind: 'apiKey', id: 'contoso' }), origin: 'cli' }),
  ]);
  // Each fact once, although activities may run more than once.
  expect(byEvent('live')).toHaveLength(1);
  expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
});

test('a step that fails is recorded by the pipeline with its message', async () => {
  await save('hist-bad-vm', doc('hist-bad-vm', sasUrl(stack.connectionString, 'vhds', 'history.vhd', 'r')));
  expect((await contoso.publish('hist-bad-vm')).status).toBe(202);
  const failed = await entry('hist-bad-vm', 'stepFailed');
  expect(failed).toMatchObject({
    actor: { kind: 'system' },
    publishingVersion: 1,
    details: { step: 'displaycertify', stepName: 'Certification' },
  });
  expect(failed.summary).toMatch(/^Certification failed \(version 1\): /);
});

test('storage automation (a dropped blob, a queue command) and ops (release, keys) are recorded', async () => {
  const blobs = BlobServiceClient.fromConnectionString(stack.connectionString).getContainerClient('offer-submissions');
  await blobs.createIfNotExists();
  const text = JSON.stringify({
    offer: doc('hist-blob-vm'),
    publish: { metadata: { 'notification-emails': 'ops@contoso.example.com' } },
  });
  await blobs
    .getBlockBlobClient('contoso/hist-blob-vm.json')
    .upload(text, Buffer.byteLength(text), { metadata: { publisherkey: 'contoso-key' } });
  const created = await entry('hist-blob-vm', 'offerCreated');
  expect(created).toMatchObject({
    actor: { kind: 'automation', id: 'offer-submissions/contoso/hist-blob-vm.json' },
    origin: 'blob',
  });
  expect(await entry('hist-blob-vm', 'publishSubmitted')).toMatchObject({
    actor: { kind: 'automation' },
    origin: 'blob',
  });
  await contoso.waitForStatus('hist-blob-vm', ['waitingForPublisherReview']);

  const queue = new QueueClient(stack.connectionString, 'publish-commands');
  await queue.createIfNotExists();
  const cmd = {
    requestId: 'hist-cancel',
    command: 'cancel',
    publisherId: 'contoso',
    offerId: 'hist-blob-vm',
    key: 'contoso-key',
  };
  await queue.sendMessage(Buffer.from(JSON.stringify(cmd)).toString('base64'));
  expect(await entry('hist-blob-vm', 'cancelRequested')).toMatchObject({
    actor: { kind: 'automation', id: 'publish-commands/hist-cancel' },
    origin: 'queue',
  });
  expect(await entry('hist-blob-vm', 'cancelled')).toMatchObject({ actor: { kind: 'system' } });

  // Ops release a publish waiting for sign-off.
  await save('hist-ops-vm', doc('hist-ops-vm'));
  expect((await contoso.publish('hist-ops-vm')).status).toBe(202);
  await contoso.waitForStatus('hist-ops-vm', ['waitingForPublisherReview']);
  const released = await ops('POST', '/api/ops/instances/publish:contoso:hist-ops-vm:v1/release', {
    reason: 'Stuck in review.',
  });
  expect(released.status).toBe(200);
  expect(await entry('hist-ops-vm', 'releasedByOps')).toMatchObject({
    actor: { kind: 'ops', id: 'ops' },
    origin: 'ops',
    publishingVersion: 1,
    details: { reason: 'Stuck in review.' },
  });

  // Key administration: the publisher account's history.
  const issued = await ops('POST', '/api/admin/publishers/contoso/keys');
  const { key } = (await issued.json()) as { key: string };
  expect((await ops('POST', '/api/admin/keys/revoke', { key })).status).toBe(200);
  const account = (await (await contoso.call('GET', '/history')).json()) as Entry[];
  expect(account.map((e) => e.event)).toEqual(['keyRevoked', 'keyIssued']);
  expect(account[0]).toMatchObject({ actor: { kind: 'ops' }, origin: 'ops' });
  expect(account[0].details.keyFingerprint).toBe(account[1].details.keyFingerprint);
  expect(JSON.stringify(account)).not.toContain(key);
});

test('a deleted draft keeps its history; another publisher sees none of it', async () => {
  await save('hist-gone-vm', doc('hist-gone-vm'));
  expect((await contoso.call('DELETE', '/offers/hist-gone-vm')).status).toBe(204);
  expect((await history('hist-gone-vm')).map((e) => e.event)).toEqual(['offerDeleted', 'offerCreated']);
  const fabrikam = new Partner(stack, 'fabrikam', 'fabrikam-key');
  expect((await fabrikam.call('GET', '/offers/hist-gone-vm/history')).status).toBe(404);
  expect((await contoso.call('GET', '/offers/hist-never-vm/history')).status).toBe(404);
});

test('filters: event, actor, date range; paging newest first with the continuation token', async () => {
  await save('hist-page-vm', doc('hist-page-vm'));
  for (let i = 0; i < 6; i++) {
    const d = doc('hist-page-vm');
    d.definition.offer['microsoft-azure-marketplace.summary'] = `Summary ${i}`;
    await save('hist-page-vm', d, i % 2 ? { 'x-offers-client': 'cli' } : {});
  }
  expect((await history('hist-page-vm', '&event=offerSaved')).map((e) => e.event)).toEqual(Array(6).fill('offerSaved'));
  expect((await history('hist-page-vm', '&event=offerCreated,offerSaved')).length).toBe(7);
  expect(await history('hist-page-vm', '&actor=system')).toEqual([]);
  expect((await history('hist-page-vm', '&actor=apiKey:contoso')).length).toBe(7);
  expect(await history('hist-page-vm', '&actor=apiKey:fabrikam')).toEqual([]);
  const today = new Date().toISOString().slice(0, 10);
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  expect((await history('hist-page-vm', `&from=${today}&to=${today}`)).length).toBe(7);
  expect(await history('hist-page-vm', `&to=${yesterday}`)).toEqual([]);
  const all = await history('hist-page-vm');
  const cut = all[3].time;
  expect((await history('hist-page-vm', `&from=${encodeURIComponent(cut)}`)).map((e) => e.id)).toEqual(
    all.filter((e) => e.time >= cut).map((e) => e.id),
  );

  // Pages of 3: disjoint, newest first, together the whole history; the token also works as a header.
  const seen: string[] = [];
  let token: string | null = null;
  let pages = 0;
  do {
    const res: Response = await contoso.call(
      'GET',
      `/offers/hist-page-vm/history?top=3`,
      undefined,
      token ? { 'x-ms-continuation-token': token } : {},
    );
    expect(res.status).toBe(200);
    const items = (await res.json()) as Entry[];
    expect(items.length).toBeLessThanOrEqual(3);
    seen.push(...items.map((e) => e.id));
    token = res.headers.get('x-ms-continuation-token');
    pages++;
  } while (token && pages < 10);
  expect(seen).toEqual(all.map((e) => e.id));
  expect(pages).toBe(3);

  // A filtered page is full even when matches are sparse.
  const firstSaves = await contoso.call('GET', '/offers/hist-page-vm/history?top=2&event=offerCreated');
  expect(((await firstSaves.json()) as Entry[]).map((e) => e.event)).toEqual(['offerCreated']);
});

test('bad filters, page sizes and continuation tokens are a 400 naming the parameter', async () => {
  await save('hist-query-vm', doc('hist-query-vm'));
  const cases: [string, string][] = [
    ['event=published', 'event:'],
    ['actor=robot', 'actor:'],
    ['actor=apiKey:', 'actor:'],
    ['from=yesterday', 'from:'],
    ['to=2026-13-45', 'to:'],
    ['from=2026-02-02&to=2026-02-01', 'from:'],
    ['top=0', 'top'],
    ['top=201', 'top'],
    ['top=abc', 'top'],
    ['continuationToken=%21%21', 'continuationToken:'],
    [
      `continuationToken=${encodeURIComponent(Buffer.from('{"nextPartitionKey":"x","extra":1}').toString('base64'))}`,
      'continuationToken:',
    ],
  ];
  for (const [query, field] of cases) {
    const res = await contoso.call('GET', `/offers/hist-query-vm/history?${query}`);
    expect([query, res.status]).toEqual([query, 400]);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('InvalidParameter');
    expect(body.error.message.startsWith(field)).toBe(true);
  }
});

test("a save whose history write was lost in a crash is restored from the draft's row", async () => {
  await save('hist-crash-vm', doc('hist-crash-vm'));
  const edited = doc('hist-crash-vm');
  edited.definition.offer['microsoft-azure-marketplace.summary'] = 'Saved just before the crash';
  await save('hist-crash-vm', edited);
  const before = await history('hist-crash-vm');
  expect(before.map((e) => e.event)).toEqual(['offerSaved', 'offerCreated']);
  // As if the host died between committing the save and writing its entry: the entry's row is gone.
  const t = TableClient.fromConnectionString(stack.connectionString, 'History', { allowInsecureConnection: true });
  const rows = t.listEntities({
    queryOptions: { filter: `PartitionKey eq 'contoso' and Event eq 'offerSaved' and OfferId eq 'hist-crash-vm'` },
  });
  for await (const r of rows) await t.deleteEntity(r.partitionKey!, r.rowKey!);
  expect(await history('hist-crash-vm')).toEqual(before);
});
