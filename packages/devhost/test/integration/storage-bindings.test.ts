// Storage input and output bindings of an unmodified v4 app on the devhost (test/fixtures/bindings-app),
// asserted over real storage with the SDKs: what the functions wrote, what they were handed, what a
// failing binding leaves behind, identity-based connection settings, the Durable sample
// `backupSiteContent`, and a binding the devhost cannot play refusing the start.
import { odata, TableClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueClient } from '@azure/storage-queue';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startAzurite, AzuriteHandle } from '../../src/storage/azurite';
import { start, waitForStatus } from '../../src/testing/durable-http';
import { DevhostProcess, Stack, waitUntil } from '../../src/testing/stack';
import { fixture } from '../fixture';

let azurite: AzuriteHandle;
let stack: Stack;

/** The settings a keyless app has: endpoints only (identity-based), here pointing at the test's Azurite. */
function identitySettings(a: AzuriteHandle): NodeJS.ProcessEnv {
  return {
    IdentityStore__blobServiceUri: `http://127.0.0.1:${a.ports.blob}/devstoreaccount1`,
    IdentityStore__queueServiceUri: `http://127.0.0.1:${a.ports.queue}/devstoreaccount1`,
    AccountStore__accountName: 'devstoreaccount1',
  };
}

beforeAll(async () => {
  azurite = await startAzurite();
  const host = new DevhostProcess(fixture('bindings-app'), {
    AzureWebJobsStorage: azurite.connectionString,
    StorageConnString: azurite.connectionString,
    ...identitySettings(azurite),
  });
  await host.start();
  stack = {
    azurite,
    host,
    connectionString: azurite.connectionString,
    url: (p) => `${host.origin}${p}`,
    stop: async () => {
      await host.stop();
      await azurite.stop();
    },
  };
});
afterAll(async () => {
  await stack?.stop();
  if (!stack) await azurite?.stop();
});

const blobs = () => BlobServiceClient.fromConnectionString(azurite.connectionString);
const blobText = async (container: string, name: string) =>
  (await blobs().getContainerClient(container).getBlobClient(name).downloadToBuffer()).toString('utf8');
const queue = (name: string) => new QueueClient(azurite.connectionString, name);
const table = (name: string) =>
  TableClient.fromConnectionString(azurite.connectionString, name, { allowInsecureConnection: true });
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const unb64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

async function messages(name: string, n: number): Promise<string[]> {
  return waitUntil(
    async () => {
      const peeked = await queue(name)
        .peekMessages({ numberOfMessages: 32 })
        .catch(() => undefined);
      const texts = peeked?.peekedMessageItems.map((m) => unb64(m.messageText)) ?? [];
      return texts.length >= n ? texts : undefined;
    },
    20_000,
    `${n} message(s) in ${name}`,
  );
}

async function entities(tableName: string, partitionKey: string): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  try {
    for await (const e of table(tableName).listEntities<Record<string, unknown>>({
      queryOptions: { filter: odata`PartitionKey eq ${partitionKey}` },
    }))
      rows.push(e);
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode !== 404) throw e;
  }
  return rows;
}

describe('blob bindings', () => {
  test('an output writes the blob its route names; an input reads it as text, or as bytes with dataType binary', async () => {
    const put = await fetch(stack.url('/api/notes/hello'), { method: 'PUT', body: 'héllo wörld' });
    expect(put.status).toBe(204);
    expect(await blobText('notes', 'hello.txt')).toBe('héllo wörld');

    const got = (await (await fetch(stack.url('/api/notes/hello'))).json()) as Record<string, unknown>;
    expect(got).toEqual({
      text: 'héllo wörld',
      textType: 'string',
      bytesIsBuffer: true,
      bytesLength: Buffer.byteLength('héllo wörld'),
    });
  });

  test('a missing blob is no value (undefined), for text and bytes alike', async () => {
    const got = (await (await fetch(stack.url('/api/notes/never-written'))).json()) as Record<string, unknown>;
    expect(got).toEqual({ text: '(undefined)', textType: 'undefined', bytesIsBuffer: false, bytesLength: null });
  });

  test('a JSON body names the blob by its properties, with {datetime:…} and {rand-guid}; an object is written as JSON', async () => {
    const before = new Date().toISOString().slice(0, 10);
    const res = await fetch(stack.url('/api/stamped'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'memo', n: 1 }),
    });
    expect(res.status).toBe(202);
    const after = new Date().toISOString().slice(0, 10);
    const names: string[] = [];
    for await (const b of blobs().getContainerClient('stamped').listBlobsFlat({ prefix: 'memo/' })) names.push(b.name);
    expect(names).toHaveLength(1);
    const m = /^memo\/(\d{4}-\d{2}-\d{2})\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.json$/.exec(
      names[0],
    );
    expect(m).not.toBeNull();
    expect([before, after]).toContain(m![1]);
    expect(JSON.parse(await blobText('stamped', names[0]))).toEqual({ kind: 'memo', n: 1 });
  });

  test('an expression without a value fails the invocation (500), saying which', async () => {
    const res = await fetch(stack.url('/api/unbound'), { method: 'POST' });
    expect(res.status).toBe(500);
    expect(stack.host.output).toContain("No value for named parameter 'missingName'");
  });
});

describe('queue and table bindings', () => {
  test('a queue output sends one message per item, base64-encoded like the trigger reads them; objects as JSON', async () => {
    const res = await fetch(stack.url('/api/enqueue'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(['plain text', { order: 7 }]),
    });
    expect(res.status).toBe(202);
    const texts = await messages('outbox', 2);
    expect(texts[0]).toBe('plain text');
    // The host prints an object item with Newtonsoft's JToken.ToString(), i.e. indented JSON
    // (FunctionBinding.BindAsyncCollectorAsync in Azure/azure-functions-host, src/WebJobs.Script/Binding/FunctionBinding.cs).
    expect(texts[1]).toBe('{\n  "order": 7\n}');
  });

  test('a queue trigger: the return binding inserts an entity, an extra output writes a blob named from the message', async () => {
    const order = { customer: 'c1', orderId: 'o1', amount: 5 };
    await queue('orders-in').createIfNotExists();
    await queue('orders-in').sendMessage(b64(JSON.stringify(order)));

    const entity = await waitUntil(
      () =>
        table('orders')
          .getEntity<Record<string, unknown>>('c1', 'o1')
          .catch(() => undefined),
      20_000,
      'the order entity',
    );
    // JSON integers are 64-bit in .NET, so the table output stores Edm.Int64.
    expect(entity).toMatchObject({ partitionKey: 'c1', rowKey: 'o1', note: 'from a queue' });
    expect(entity.amount).toBe(BigInt(5));
    expect(JSON.parse(await blobText('receipts', 'c1/o1.json'))).toEqual({ ...order, dequeueCount: 1 });
  });

  test('an entity without a RowKey fails the invocation: the message is retried, then poisoned; nothing is written', async () => {
    await queue('orders-in').sendMessage(b64(JSON.stringify({ customer: 'c9', orderId: 'o9', amount: 1, fail: true })));
    const poisoned = await waitUntil(
      async () => {
        const p = await queue('orders-in-poison')
          .peekMessages({ numberOfMessages: 32 })
          .catch(() => undefined);
        return p?.peekedMessageItems.find((m) => unb64(m.messageText).includes('"c9"'));
      },
      30_000,
      'the failing order in orders-in-poison',
    );
    expect(poisoned).toBeDefined();
    expect(await entities('orders', 'c9')).toEqual([]);
    expect(stack.host.output).toContain('has no RowKey');
  });

  test('table input: one entity by partition and row key, or no value when there is none', async () => {
    await waitUntil(
      () =>
        table('orders')
          .getEntity('c1', 'o1')
          .catch(() => undefined),
      20_000,
      'order c1/o1',
    );
    const res = await fetch(stack.url('/api/orders/c1/o1'));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ PartitionKey: 'c1', RowKey: 'o1', amount: 5, note: 'from a queue' });

    const missing = await fetch(stack.url('/api/orders/c1/nope'));
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ found: false, value: 'undefined' });
  });

  test('table output of an array (keys from the binding or the entity), then a query with filter and take', async () => {
    const rows = [
      { RowKey: 'a', amount: 1 },
      { RowKey: 'b', amount: 10 },
      { RowKey: 'c', amount: 20 },
      { RowKey: 'd', amount: 30 },
      { PartitionKey: 'elsewhere', RowKey: 'e', amount: 40 },
    ];
    const res = await fetch(stack.url('/api/orders/c2'), { method: 'POST', body: JSON.stringify(rows) });
    expect(res.status).toBe(201);
    expect((await entities('orders', 'c2')).map((e) => e.rowKey).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect((await entities('orders', 'elsewhere')).map((e) => e.rowKey)).toEqual(['e']);

    const listed = (await (await fetch(stack.url('/api/orders/c2?min=10'))).json()) as Record<string, unknown>[];
    expect(listed.map((e) => [e.RowKey, e.amount])).toEqual([
      ['b', 10],
      ['c', 20],
    ]);
    // Outside quotes a filter parameter must be a number or boolean, so a value cannot extend the query.
    const injected = await fetch(stack.url(`/api/orders/c2?min=${encodeURIComponent('0 or true')}`));
    expect(injected.status).toBe(500);
  });

  test('table output refuses an entity without keys and an entity that exists (insert), writing nothing', async () => {
    const noKey = await fetch(stack.url('/api/orders/c3'), { method: 'POST', body: JSON.stringify([{ amount: 1 }]) });
    expect(noKey.status).toBe(500);
    expect(await entities('orders', 'c3')).toEqual([]);

    const first = await fetch(stack.url('/api/orders/c4'), {
      method: 'POST',
      body: JSON.stringify({ RowKey: 'x', n: 1 }),
    });
    expect(first.status).toBe(201);
    const again = await fetch(stack.url('/api/orders/c4'), {
      method: 'POST',
      body: JSON.stringify({ RowKey: 'x', n: 2 }),
    });
    expect(again.status).toBe(500);
    expect((await entities('orders', 'c4')).map((e) => e.n)).toEqual([BigInt(1)]);
  });
});

describe('identity-based connections', () => {
  test('__blobServiceUri and __accountName settings reach the emulator without a key in the settings', async () => {
    const put = await fetch(stack.url('/api/identity/card'), { method: 'PUT', body: 'via identity' });
    expect(put.status).toBe(204);
    expect(await blobText('identity', 'card')).toBe('via identity');
    const got = await fetch(stack.url('/api/identity/card'));
    expect(await got.text()).toBe('via identity');
  });

  test('a queue trigger and a queue output on __queueServiceUri', async () => {
    await queue('identity-in').createIfNotExists();
    await queue('identity-in').sendMessage(b64('ping'));
    expect(await messages('identity-copies', 1)).toEqual(['relayed: ping']);
  });
});

describe('the Durable sample backupSiteContent', () => {
  test('each copyFileToBlob activity writes its file to backups/{backupPath}', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'site-'));
    fs.mkdirSync(path.join(root, 'css'));
    fs.writeFileSync(path.join(root, 'index.html'), '<h1>home</h1>');
    fs.writeFileSync(path.join(root, 'css', 'site.css'), 'h1 { color: teal }');
    const binary = Buffer.from([0, 1, 2, 250, 251, 252]);
    fs.writeFileSync(path.join(root, 'logo.bin'), binary);
    try {
      const id = await start(stack, 'backupSiteContent', root);
      const s = await waitForStatus(stack, id);
      expect(s.runtimeStatus).toBe('Completed');
      expect(s.output).toBe(13 + 18 + binary.length);
      expect(await blobText('backups', 'index.html')).toBe('<h1>home</h1>');
      expect(await blobText('backups', 'css/site.css')).toBe('h1 { color: teal }');
      expect(await blobs().getContainerClient('backups').getBlobClient('logo.bin').downloadToBuffer()).toEqual(binary);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('start-up checks', () => {
  test('a binding the devhost cannot play stops the start with a message naming the function and the binding', async () => {
    const host = new DevhostProcess(fixture('unsupported-binding-app'), {
      AzureWebJobsStorage: azurite.connectionString,
    });
    const failure = await host.start().then(
      () => undefined,
      (e: Error) => e,
    );
    await host.stop();
    expect(failure?.message).toMatch(/^devhost exited \(1\)/);
    expect(failure?.message).toContain(
      "function 'saveDoc': binding 'cosmosDB' (output 'doc') is not supported by the devhost",
    );
  });

  test('a binding whose connection setting is missing stops the start, naming the setting', async () => {
    const host = new DevhostProcess(fixture('bindings-app'), {
      AzureWebJobsStorage: azurite.connectionString,
      ...identitySettings(azurite),
    });
    const failure = await host.start().then(
      () => undefined,
      (e: Error) => e,
    );
    await host.stop();
    expect(failure?.message).toMatch(/^devhost exited \(1\)/);
    expect(failure?.message).toContain("function 'copyFileToBlob'");
    expect(failure?.message).toContain("The storage connection 'StorageConnString' is not configured");
  });

  test('an identity-based connection to an endpoint other than the emulator is refused at start-up', async () => {
    const host = new DevhostProcess(fixture('bindings-app'), {
      AzureWebJobsStorage: azurite.connectionString,
      StorageConnString: azurite.connectionString,
      ...identitySettings(azurite),
      AccountStore__accountName: 'contosooffers',
    });
    const failure = await host.start().then(
      () => undefined,
      (e: Error) => e,
    );
    await host.stop();
    expect(failure?.message).toContain('https://contosooffers.blob.core.windows.net');
    expect(failure?.message).toContain('no Entra ID');
  });
});
