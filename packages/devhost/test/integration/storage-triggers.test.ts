// Queue, blob and timer triggers of an unmodified v4 app on the devhost, asserted over real storage:
// what the functions saw (recorded by the app in an `observations` table), what is left in the
// queues, poison queues and receipts, and what happens across a restart of the devhost.
import { odata, TableClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueClient, QueueServiceClient } from '@azure/storage-queue';
import { newId } from '../../src/core/ids';
import { advanceClock } from '../../src/testing/durable-http';
import { startStack, Stack, waitUntil } from '../../src/testing/stack';
import { fixture } from '../fixture';

type Row = Record<string, unknown> & { rowKey: string };

const HOUR = 3600_000;
let stack: Stack;
let realStart: number;

beforeAll(async () => {
  realStart = Date.now();
  stack = await startStack(fixture('trigger-app'), {
    ORDERS_QUEUE_NAME: 'orders-from-setting',
    DEVHOST_BLOB_POLL_MS: '250',
  });
});
afterAll(async () => {
  await stack?.stop();
});

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const queue = (name: string) => new QueueClient(stack.connectionString, name);
const container = (name: string) =>
  BlobServiceClient.fromConnectionString(stack.connectionString).getContainerClient(name);

/** What a function recorded, oldest first. */
async function observed(fn: string): Promise<Row[]> {
  const t = TableClient.fromConnectionString(stack.connectionString, 'observations', { allowInsecureConnection: true });
  const rows: Row[] = [];
  try {
    for await (const r of t.listEntities<Record<string, unknown>>({
      queryOptions: { filter: odata`PartitionKey eq ${fn}` },
    }))
      rows.push(r as Row);
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return [];
    throw e;
  }
  return rows.sort((a, b) => a.rowKey.localeCompare(b.rowKey));
}

async function runsOf(fn: string, messageId: string): Promise<Row[]> {
  return (await observed(fn)).filter((r) => r.id === messageId);
}

async function waitForRuns(fn: string, messageId: string, n = 1): Promise<Row[]> {
  return waitUntil(
    async () => {
      const rows = await runsOf(fn, messageId);
      return rows.length >= n ? rows : undefined;
    },
    20_000,
    `${n} run(s) of ${fn} for message ${messageId}`,
  );
}

async function queueLength(name: string): Promise<number> {
  return (await queue(name).getProperties()).approximateMessagesCount ?? -1;
}

async function waitForEmpty(name: string): Promise<void> {
  await waitUntil(async () => ((await queueLength(name)) === 0 ? true : undefined), 20_000, `${name} to be empty`);
}

/** Messages now in a queue (visible ones), or [] if it does not exist. */
async function peekAll(name: string): Promise<string[]> {
  try {
    return (await queue(name).peekMessages({ numberOfMessages: 32 })).peekedMessageItems.map((m) => m.messageText);
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return [];
    throw e;
  }
}

/** A message through `work` and back: whatever the host had scheduled before it has had its turn. */
async function queueBarrier(): Promise<void> {
  const sent = await queue('work-items').sendMessage(b64(JSON.stringify({ barrier: newId() })));
  await waitForRuns('work', sent.messageId);
}

async function upload(name: string, content: string, into = 'incoming'): Promise<void> {
  await container(into).getBlockBlobClient(name).upload(content, Buffer.byteLength(content));
}

async function blobRuns(name: string): Promise<Row[]> {
  return (await observed('incoming')).filter((r) => r.blobTrigger === `incoming/${name}`);
}

async function waitForBlobRuns(name: string, n = 1): Promise<Row[]> {
  return waitUntil(
    async () => {
      const rows = await blobRuns(name);
      return rows.length >= n ? rows : undefined;
    },
    20_000,
    `${n} run(s) of the blob trigger for ${name}`,
  );
}

let sentinels = 0;
/**
 * Two fresh matching blobs, one after the other, each waited for. The second was uploaded after the
 * first was processed, so it is seen by a later scan: every blob uploaded before this call has been
 * through at least one complete scan by the time it returns.
 */
async function blobBarrier(): Promise<void> {
  for (let i = 0; i < 2; i++) {
    const name = `sentinel/s${++sentinels}.json`;
    await upload(name, `{"sentinel":${sentinels}}`);
    await waitForBlobRuns(name);
  }
}

/** Hour boundaries real time has crossed since the suite started: the timer may fire on those alone. */
function naturalTicks(): number {
  return Math.floor(Date.now() / HOUR) - Math.floor(realStart / HOUR);
}

describe('queue trigger', () => {
  test('a base64 message is delivered decoded, with its id and dequeueCount 1, then deleted', async () => {
    const body = { offerId: 'offer-7', note: 'wörld ✓' };
    const sent = await queue('work-items').sendMessage(b64(JSON.stringify(body)));
    const plain = await queue('work-items').sendMessage(b64('plain text, not JSON ✓'));

    const [run] = await waitForRuns('work', sent.messageId);
    expect(JSON.parse(String(run.text))).toEqual(body);
    expect(run.dequeueCount).toBe(1);
    const [plainRun] = await waitForRuns('work', plain.messageId);
    expect(plainRun.text).toBe('plain text, not JSON ✓');
    expect(plainRun.dequeueCount).toBe(1);

    // Deleted once the function succeeded, so it can never be delivered again.
    await waitForEmpty('work-items');
    expect(await runsOf('work', sent.messageId)).toHaveLength(1);
    expect(await runsOf('work', plain.messageId)).toHaveLength(1);
    expect(await peekAll('work-items-poison')).toEqual([]);
  });

  test('a failing message is tried maxDequeueCount (3) times, then moved to work-items-poison as sent', async () => {
    const text = JSON.stringify({ fail: true, tag: 'always-fails' });
    const raw = b64(text);
    const sent = await queue('work-items').sendMessage(raw);

    await waitUntil(
      async () => ((await peekAll('work-items-poison')).includes(raw) ? true : undefined),
      20_000,
      'the message in work-items-poison',
    );
    await waitForEmpty('work-items');
    expect(await peekAll('work-items')).not.toContain(raw);

    const runs = await runsOf('work', sent.messageId);
    expect(runs.map((r) => r.dequeueCount)).toEqual([1, 2, 3]);
    expect(runs.every((r) => r.text === text)).toBe(true);
    const poisoned = (await peekAll('work-items-poison')).filter((m) => m === raw);
    expect(poisoned).toHaveLength(1);
    expect(Buffer.from(poisoned[0], 'base64').toString('utf8')).toBe(text);
  });

  test('a message that is not base64 never reaches the function and is moved to the poison queue as sent', async () => {
    const raw = '{"notBase64":"sent without encoding","tag":"raw-json"}';
    const sent = await queue('work-items').sendMessage(raw);

    await waitUntil(
      async () => ((await peekAll('work-items-poison')).includes(raw) ? true : undefined),
      20_000,
      'the raw message in work-items-poison',
    );
    await waitForEmpty('work-items');
    const work = await observed('work');
    expect(work.filter((r) => r.id === sent.messageId || String(r.text).includes('raw-json'))).toEqual([]);
  });

  test('a queueName given as %Setting% listens on the queue the app setting names', async () => {
    const sent = await queue('orders-from-setting').sendMessage(b64(JSON.stringify({ order: 42 })));
    const [run] = await waitForRuns('orders', sent.messageId);
    expect(JSON.parse(String(run.text))).toEqual({ order: 42 });
    expect(run.dequeueCount).toBe(1);
    await waitForEmpty('orders-from-setting');
    // Nothing was set up under the placeholder's own name.
    const names: string[] = [];
    for await (const q of QueueServiceClient.fromConnectionString(stack.connectionString).listQueues())
      names.push(q.name);
    expect(names).toContain('orders-from-setting');
    expect(names.some((n) => n.includes('orders_queue_name') || n.includes('%'))).toBe(false);
  });
});

describe('blob trigger', () => {
  test('a blob matching incoming/{publisher}/{name}.json runs once with its tokens and content; others are ignored', async () => {
    await upload('readme.txt', 'no publisher folder');
    await upload('contoso/offer1.txt', 'wrong extension');
    await upload('contoso.json', '{"no":"folder"}');
    await container('outgoing').createIfNotExists();
    await upload('contoso/offer1.json', '{"other":"container"}', 'outgoing');
    await upload('contoso/offer1.json', '{"offer":"v1"}');

    const [run] = await waitForBlobRuns('contoso/offer1.json');
    expect(run).toMatchObject({
      blobTrigger: 'incoming/contoso/offer1.json',
      publisher: 'contoso',
      name: 'offer1',
      content: '{"offer":"v1"}',
    });

    await blobBarrier();
    expect(await blobRuns('contoso/offer1.json')).toHaveLength(1);
    const others = (await observed('incoming'))
      .map((r) => String(r.blobTrigger))
      .filter((n) => !n.startsWith('incoming/sentinel/'));
    expect(others).toEqual(['incoming/contoso/offer1.json']);
  });

  test('new content (a new ETag) runs again; an unchanged blob does not', async () => {
    await upload('contoso/offer1.json', '{"offer":"v2"}');
    await waitForBlobRuns('contoso/offer1.json', 2);
    await blobBarrier();
    await blobBarrier();
    expect((await blobRuns('contoso/offer1.json')).map((r) => r.content)).toEqual(['{"offer":"v1"}', '{"offer":"v2"}']);
    // Every sentinel ran exactly once, although each was listed by several scans.
    const sentinelRuns = (await observed('incoming')).filter((r) =>
      String(r.blobTrigger).startsWith('incoming/sentinel/'),
    );
    expect(sentinelRuns).toHaveLength(sentinels);
    expect(new Set(sentinelRuns.map((r) => r.blobTrigger)).size).toBe(sentinels);
  });
});

describe('timer trigger', () => {
  test('an hourly timer does not fire by itself; each hour the clock advances fires it exactly once', async () => {
    expect(await observed('tick')).toHaveLength(naturalTicks());
    const before = naturalTicks();

    const now1 = Date.parse(await advanceClock(stack, HOUR));
    const ticks1 = await waitUntil(
      async () => {
        const t = await observed('tick');
        return t.length > before ? t : undefined;
      },
      10_000,
      'the first tick',
    );
    await queueBarrier();
    expect(await observed('tick')).toHaveLength(before + 1);
    const first = ticks1[before];
    // A scheduled run, not a catch-up: the host reports IsPastDue only for occurrences missed while it was down.
    expect(first.isPastDue).toBe(false);
    // The status as it stood before this run: Next is the occurrence now running.
    expect(Date.parse(String(first.next))).toBe(Math.floor(now1 / HOUR) * HOUR);
    if (before === 0) {
      expect(String(first.last)).toMatch(/^0001-01-01T00:00:00/);
      expect(String(first.lastUpdated)).toMatch(/^0001-01-01T00:00:00/);
    }

    const now2 = Date.parse(await advanceClock(stack, HOUR));
    const ticks2 = await waitUntil(
      async () => {
        const t = await observed('tick');
        return t.length > before + 1 ? t : undefined;
      },
      10_000,
      'the second tick',
    );
    await queueBarrier();
    expect(await observed('tick')).toHaveLength(before + 2);
    const second = ticks2[before + 1];
    expect(second.isPastDue).toBe(false);
    expect(Date.parse(String(second.next))).toBe(Date.parse(String(first.next)) + HOUR);
    expect(Date.parse(String(second.next))).toBe(Math.floor(now2 / HOUR) * HOUR);
    // Last is when the previous run happened on the devhost clock (after the first advance).
    const last = Date.parse(String(second.last));
    expect(last).toBeGreaterThanOrEqual(now1);
    expect(last).toBeLessThan(now2);
    expect(second.lastUpdated).toBe(second.last);
  });
});

describe('restart', () => {
  test('after the devhost restarts on the same storage nothing already processed runs again; what arrived meanwhile does', async () => {
    const work = await observed('work');
    const orders = await observed('orders');
    const ticks = (await observed('tick')).length;
    const crossedBefore = naturalTicks();
    const offer1Runs = await blobRuns('contoso/offer1.json');
    expect(offer1Runs).toHaveLength(2);

    await stack.host.stop();
    await upload('fabrikam/offer2.json', '{"offer":"while down"}');
    const sentWhileDown = await queue('work-items').sendMessage(b64(JSON.stringify({ tag: 'while-down' })));
    await stack.host.start();

    const [offer2] = await waitForBlobRuns('fabrikam/offer2.json');
    expect(offer2).toMatchObject({ publisher: 'fabrikam', name: 'offer2', content: '{"offer":"while down"}' });
    const [queued] = await waitForRuns('work', sentWhileDown.messageId);
    expect(queued.dequeueCount).toBe(1);
    await blobBarrier();

    // Receipts written before the restart were honoured: no blob version ran twice.
    expect(await blobRuns('contoso/offer1.json')).toHaveLength(2);
    expect(await blobRuns('fabrikam/offer2.json')).toHaveLength(1);
    const incoming = await observed('incoming');
    const byBlob = new Map<string, number>();
    for (const r of incoming) byBlob.set(String(r.blobTrigger), (byBlob.get(String(r.blobTrigger)) ?? 0) + 1);
    expect([...byBlob.entries()].filter(([n, c]) => c !== 1 && n !== 'incoming/contoso/offer1.json')).toEqual([]);
    // They are kept where the host keeps them: one per function, ETag and blob.
    const receipts: string[] = [];
    for await (const b of container('azure-webjobs-hosts').listBlobsFlat({ prefix: 'blobreceipts/' }))
      receipts.push(b.name);
    expect(receipts.filter((n) => n.endsWith('/incoming/contoso/offer1.json'))).toHaveLength(2);

    // Queue messages handled before the restart were not delivered again.
    const workAfter = await observed('work');
    expect(workAfter.slice(0, work.length)).toEqual(work);
    expect(workAfter.slice(work.length).map((r) => r.id)).toEqual([sentWhileDown.messageId]);
    expect(await observed('orders')).toEqual(orders);
    // No catch-up or start-up run of the timer (runOnStartup is false); only an hour boundary crossed
    // in real time meanwhile could fire it.
    expect(await observed('tick')).toHaveLength(ticks + naturalTicks() - crossedBefore);
  });
});
