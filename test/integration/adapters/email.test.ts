// E-mail adapters with the real SDKs: AcsEmailSender (@azure/communication-email) against the fake ACS
// endpoint, OutboxEmailSender and sendOnce's EmailLog against Azurite.
import { createHash, createHmac } from 'node:crypto';
import { TableClient } from '@azure/data-tables';
import { AcsEmailSender, AcsEmailSenderOptions, operationIdFor } from '../../../adapters/email/acs-email-sender';
import { chooseEmailSender, EMAIL_SETTINGS } from '../../../adapters/email/choose-email-sender';
import { EmailMessage } from '../../../adapters/email/email';
import { rowKeyOfIdempotencyKey } from '../../../adapters/email/keys';
import { sendOnce } from '../../../adapters/email/once';
import { OutboxEmailSender } from '../../../adapters/email/outbox-email-sender';
import { AzuriteHandle, startAzurite } from '@offer-go-live/devhost';
import { FakeAcs, startFakeAcs } from '../../support/fake-acs';

let acs: FakeAcs;
let azurite: AzuriteHandle;
let tableSeq = 0;

beforeAll(async () => {
  [acs, azurite] = await Promise.all([startFakeAcs(), startAzurite()]);
});
afterAll(async () => {
  await Promise.all([acs?.close(), azurite?.stop()]);
});
beforeEach(() => {
  acs.delivered.length = 0;
  acs.requests.length = 0;
});

// Fast polls, and an SDK retry policy of two quick retries (the default waits seconds between them).
const FAST: AcsEmailSenderOptions = {
  pollIntervalMs: 10,
  clientOptions: { retryOptions: { maxRetries: 2, retryDelayInMs: 5, maxRetryDelayInMs: 20 } },
};
const FROM = 'DoNotReply@offers.example.net';

function acsSender(connectionString = acs.connectionString): AcsEmailSender {
  return new AcsEmailSender(FROM, { connectionString }, FAST);
}

function mail(over: Partial<EmailMessage> = {}): EmailMessage {
  return {
    publisherId: 'contoso',
    to: ['ops@contoso.example', 'dev@contoso.example'],
    subject: 'Your offer is live',
    plainText: 'Offer contoso-vm is live.',
    html: '<p>Offer <b>contoso-vm</b> is live.</p>',
    kind: 'live',
    ...over,
  };
}

/** A fresh table per test, so tests do not see each other's rows. */
async function freshTable(prefix: string): Promise<TableClient> {
  const t = TableClient.fromConnectionString(azurite.connectionString, `${prefix}${++tableSeq}`, {
    allowInsecureConnection: true,
  });
  await t.createTable();
  return t;
}

const posts = () => acs.requests.filter((r) => r.method === 'POST');

describe('AcsEmailSender (real EmailClient, fake ACS)', () => {
  test('delivers subject, recipients and both bodies, keyed by an operation id derived from the idempotency key', async () => {
    const result = await acsSender().send(mail(), 'publish-1:live');
    expect(result).toEqual({ id: operationIdFor('contoso', 'publish-1:live'), status: 'Succeeded' });
    expect(acs.delivered).toEqual([
      {
        operationId: result.id,
        senderAddress: FROM,
        subject: 'Your offer is live',
        plainText: 'Offer contoso-vm is live.',
        html: '<p>Offer <b>contoso-vm</b> is live.</p>',
        to: ['ops@contoso.example', 'dev@contoso.example'],
        cc: [],
        bcc: [],
      },
    ]);
    expect(posts()).toEqual([expect.objectContaining({ operationId: result.id, status: 202 })]);
    // The fake answers Running once: the SDK polled the Operation-Location until Succeeded.
    expect(acs.requests.filter((r) => r.method === 'GET').length).toBeGreaterThanOrEqual(2);
  });

  test('a bad access key is refused with a clear error and nothing is delivered', async () => {
    const wrongKey = `endpoint=${acs.endpoint}/;accesskey=${Buffer.from('not the key').toString('base64')}`;
    await expect(acsSender(wrongKey).send(mail(), 'k')).rejects.toThrow(
      /failed HTTP 401 Denied: Denied by the resource provider/,
    );
    expect(acs.delivered).toEqual([]);
  });

  test('input ACS rejects (a bad recipient address) surfaces the 400 and its message', async () => {
    await expect(acsSender().send(mail({ to: ['not-an-address'] }), 'k')).rejects.toMatchObject({
      name: 'EmailSendError',
      statusCode: 400,
      code: 'BadRequest',
      message: expect.stringContaining('recipients.to[].address'),
    });
  });

  test('one 5xx is absorbed by the SDK retry policy and the mail is delivered once', async () => {
    acs.failNext(1, 'send-5xx');
    await acsSender().send(mail(), 'k-5xx-once');
    expect(posts().map((r) => r.status)).toEqual([500, 202]);
    expect(acs.delivered).toHaveLength(1);
  });

  test('persistent 5xx makes send throw; the activity retry succeeds and delivers exactly once', async () => {
    acs.failNext(3, 'send-5xx'); // the first try and both SDK retries
    await expect(acsSender().send(mail(), 'k-5xx')).rejects.toThrow(/HTTP 500 InternalServerError/);
    expect(acs.delivered).toHaveLength(0);
    await expect(acsSender().send(mail(), 'k-5xx')).resolves.toMatchObject({ status: 'Succeeded' });
    expect(acs.delivered).toHaveLength(1);
  });

  test('a Failed operation throws with the ACS error code; the retry delivers exactly once', async () => {
    acs.failNext(1, 'operation-failed');
    await expect(acsSender().send(mail(), 'k-failed')).rejects.toMatchObject({
      code: 'FakeInjectedFailure',
      message: expect.stringMatching(/ended Failed: FakeInjectedFailure: The fake ACS was told/),
    });
    expect(acs.delivered).toHaveLength(0);
    await acsSender().send(mail(), 'k-failed');
    expect(acs.delivered).toHaveLength(1);
  });

  test('a lost response is retried with the same Operation-Id, so ACS does not deliver twice', async () => {
    acs.failNext(1, 'lost-response');
    await acsSender().send(mail(), 'k-lost');
    const [first, second] = posts();
    expect([first.status, second.status]).toEqual([503, 202]);
    expect(second.operationId).toBe(first.operationId);
    expect(acs.delivered).toHaveLength(1);
  });

  test('the same key from two publishers is two operations, two mails', async () => {
    await acsSender().send(mail(), 'same-key');
    await acsSender().send(mail({ publisherId: 'fabrikam' }), 'same-key');
    expect(new Set(acs.delivered.map((d) => d.operationId)).size).toBe(2);
  });

  test('the fake signs like ACS: a tampered body, a stale date or a missing signature is refused', async () => {
    const body = JSON.stringify({
      senderAddress: FROM,
      content: { subject: 's', plainText: 't' },
      recipients: { to: [{ address: 'a@b.example' }] },
    });
    const signed = (date = new Date(), hashOf = body) => {
      const hash = createHash('sha256').update(hashOf).digest('base64');
      const host = new URL(acs.endpoint).host;
      const path = '/emails:send?api-version=2025-09-01';
      const sig = createHmac('sha256', Buffer.from(acs.accessKey, 'base64'))
        .update(`POST\n${path}\n${date.toUTCString()};${host};${hash}`)
        .digest('base64');
      return {
        'x-ms-date': date.toUTCString(),
        'x-ms-content-sha256': hash,
        authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${sig}`,
      };
    };
    const post = (headers: Record<string, string>, b = body) =>
      fetch(`${acs.endpoint}/emails:send?api-version=2025-09-01`, { method: 'POST', headers, body: b }).then(
        (r) => r.status,
      );
    expect(await post(signed())).toBe(202);
    expect(await post(signed(), body.replace('"s"', '"x"'))).toBe(401);
    expect(await post(signed(new Date(Date.now() - 3600_000)))).toBe(401);
    expect(await post({})).toBe(401);
    expect(await post(signed(new Date(), '{'), '{')).toBe(400);
  });

  test('plain http is allowed to loopback only', () => {
    expect(
      () => new AcsEmailSender(FROM, { connectionString: 'endpoint=http://acs.example.net/;accesskey=a2V5' }),
    ).toThrow(/only loopback/);
    expect(() => new AcsEmailSender(FROM, { connectionString: 'accesskey=a2V5' })).toThrow(
      /Invalid ACS connection string/,
    );
  });
});

describe('sendOnce', () => {
  let log: TableClient;
  beforeEach(async () => {
    log = await freshTable('EmailLog');
  });

  test('twice with the same key delivers once; the second call answers AlreadySent with the same id', async () => {
    const first = await sendOnce(acsSender(), log, mail(), 'publish-7:accepted');
    const second = await sendOnce(acsSender(), log, mail(), 'publish-7:accepted');
    expect(first.status).toBe('Succeeded');
    expect(second).toEqual({ id: first.id, status: 'AlreadySent' });
    expect(acs.delivered).toHaveLength(1);
    expect(posts()).toHaveLength(1);
  });

  test('concurrent calls with the same key deliver once', async () => {
    const results = await Promise.all(
      Array.from({ length: 5 }, () => sendOnce(acsSender(), log, mail(), 'publish-8:live', { pollMs: 20 })),
    );
    expect(results.filter((r) => r.status === 'Succeeded')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'AlreadySent')).toHaveLength(4);
    expect(posts()).toHaveLength(1);
    expect(acs.delivered).toHaveLength(1);
  });

  test('after a crash between sending and sent, the re-run sends again with the same key and ACS de-duplicates', async () => {
    // The crashed run: it claimed the key, the mail reached ACS, then the process died.
    await acsSender().send(mail(), 'publish-9:live');
    await log.createEntity({
      partitionKey: 'contoso',
      rowKey: rowKeyOfIdempotencyKey('publish-9:live'),
      state: 'sending',
      kind: 'live',
      leaseUntil: Date.now() + 300,
      attempts: 1,
    });

    const result = await sendOnce(acsSender(), log, mail(), 'publish-9:live', { pollMs: 20 });
    expect(result.status).toBe('Succeeded');
    expect(posts()).toHaveLength(2); // waited out the dead run's lease, then sent again…
    expect(new Set(posts().map((p) => p.operationId)).size).toBe(1); // …with the same operation id
    expect(acs.delivered).toHaveLength(1);
    const row = await log.getEntity<{ state: string; attempts: number }>(
      'contoso',
      rowKeyOfIdempotencyKey('publish-9:live'),
    );
    expect(row).toMatchObject({ state: 'sent', attempts: 2 });
  });

  test('a failed send releases the key at once, so the activity retry sends', async () => {
    acs.failNext(1, 'operation-failed');
    await expect(sendOnce(acsSender(), log, mail(), 'publish-10:step-failed')).rejects.toThrow(/FakeInjectedFailure/);
    const failed = await log.getEntity<{ state: string; lastError: string }>(
      'contoso',
      rowKeyOfIdempotencyKey('publish-10:step-failed'),
    );
    expect(failed.state).toBe('failed');
    expect(failed.lastError).toMatch(/FakeInjectedFailure/);
    await expect(sendOnce(acsSender(), log, mail(), 'publish-10:step-failed')).resolves.toMatchObject({
      status: 'Succeeded',
    });
    expect(acs.delivered).toHaveLength(1);
  });

  test('creates the EmailLog table on first use, and works over the outbox sender too', async () => {
    const missing = TableClient.fromConnectionString(azurite.connectionString, `EmailLogNew${++tableSeq}`, {
      allowInsecureConnection: true,
    });
    const outbox = new OutboxEmailSender(await freshTable('Outbox'));
    const results = await Promise.all([1, 2].map(() => sendOnce(outbox, missing, mail(), 'k', { pollMs: 20 })));
    expect(results.map((r) => r.status).sort()).toEqual(['AlreadySent', 'Succeeded']);
    expect((await outbox.listOutbox('contoso')).items).toHaveLength(1);
  });
});

describe('OutboxEmailSender (Azurite)', () => {
  test('stores messages per publisher and lists them newest first, page by page', async () => {
    let t = Date.parse('2026-01-01T00:00:00Z');
    const outbox = new OutboxEmailSender(await freshTable('Outbox'), () => new Date((t += 1000)));
    for (const n of [1, 2, 3]) await outbox.send(mail({ subject: `contoso ${n}` }), `c${n}`);
    await outbox.send(mail({ publisherId: "o'brien", subject: 'other' }), 'o1');
    await outbox.send(mail({ publisherId: 'contoso-2', subject: 'other' }), 'c1');

    const page1 = await outbox.listOutbox('contoso', { top: 2 });
    expect(page1.items.map((m) => m.subject)).toEqual(['contoso 3', 'contoso 2']);
    expect(page1.continuationToken).toBeDefined();
    const page2 = await outbox.listOutbox('contoso', { top: 2, continuationToken: page1.continuationToken });
    expect(page2.items.map((m) => m.subject)).toEqual(['contoso 1']);
    expect(page2.continuationToken).toBeUndefined();

    expect(page1.items[0]).toEqual({
      id: expect.stringMatching(/^\d{26}$/),
      publisherId: 'contoso',
      to: ['ops@contoso.example', 'dev@contoso.example'],
      subject: 'contoso 3',
      plainText: 'Offer contoso-vm is live.',
      html: '<p>Offer <b>contoso-vm</b> is live.</p>',
      kind: 'live',
      createdTime: '2026-01-01T00:00:03.000Z',
      idempotencyKey: 'c3',
    });
    expect((await outbox.listOutbox("o'brien")).items.map((m) => [m.publisherId, m.subject])).toEqual([
      ["o'brien", 'other'],
    ]);
    expect((await outbox.listOutbox('nobody')).items).toEqual([]);
  });

  test('a repeated idempotency key stores nothing new and answers AlreadySent', async () => {
    const outbox = new OutboxEmailSender(await freshTable('Outbox'));
    const first = await outbox.send(mail(), 'k');
    expect(await outbox.send(mail(), 'k')).toEqual({ id: first.id, status: 'AlreadySent' });
    expect((await outbox.listOutbox('contoso')).items.map((m) => m.id)).toEqual([first.id]);
  });

  test('bodies larger than one table property round-trip; unsafe publisher ids are refused', async () => {
    const outbox = new OutboxEmailSender(await freshTable('Outbox'));
    const html = `<p>${'é'.repeat(100_000)}</p>`;
    await outbox.send(mail({ html }), 'big');
    expect((await outbox.listOutbox('contoso')).items[0].html).toBe(html);
    await expect(outbox.send(mail({ publisherId: 'a/b' }), 'k')).rejects.toThrow(/Invalid publisherId/);
  });
});

describe('chooseEmailSender', () => {
  test('reads exactly the documented settings', () => {
    expect([...EMAIL_SETTINGS]).toEqual(
      expect.arrayContaining([
        'COMMUNICATION_SERVICES_CONNECTION_STRING',
        'COMMUNICATION_SERVICES_ENDPOINT',
        'EMAIL_SENDER',
        'AzureWebJobsStorage',
      ]),
    );
  });

  test('an ACS connection string and EMAIL_SENDER choose ACS', async () => {
    const sender = chooseEmailSender(
      {
        COMMUNICATION_SERVICES_CONNECTION_STRING: acs.connectionString,
        EMAIL_SENDER: FROM,
        AzureWebJobsStorage: azurite.connectionString,
      },
      FAST,
    );
    expect(sender).toBeInstanceOf(AcsEmailSender);
    await sender.send(mail(), 'choose-acs');
    expect(acs.delivered).toHaveLength(1);
  });

  test('an ACS endpoint (managed identity) and EMAIL_SENDER choose ACS', () => {
    const sender = chooseEmailSender({
      COMMUNICATION_SERVICES_ENDPOINT: 'https://acs.example.communication.azure.com',
      EMAIL_SENDER: FROM,
    });
    expect(sender).toBeInstanceOf(AcsEmailSender);
  });

  test('ACS without EMAIL_SENDER is a configuration error, not a silent fallback', () => {
    expect(() =>
      chooseEmailSender({
        COMMUNICATION_SERVICES_CONNECTION_STRING: acs.connectionString,
        AzureWebJobsStorage: azurite.connectionString,
      }),
    ).toThrow(/EMAIL_SENDER/);
  });

  test('without ACS settings the outbox on AzureWebJobsStorage is used', async () => {
    const sender = chooseEmailSender({ AzureWebJobsStorage: azurite.connectionString });
    expect(sender).toBeInstanceOf(OutboxEmailSender);
    await sender.send(mail({ publisherId: 'choose-outbox' }), 'k');
    expect((await (sender as OutboxEmailSender).listOutbox('choose-outbox')).items).toHaveLength(1);
  });

  test('nothing configured is an error naming the settings', () => {
    expect(() => chooseEmailSender({})).toThrow(/COMMUNICATION_SERVICES_CONNECTION_STRING.*AzureWebJobsStorage/);
  });
});
