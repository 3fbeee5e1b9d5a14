import { textColumn } from '../storage/chunked-json';
import { randomBytes } from 'node:crypto';
import { odata, TableClient, TableEntityResult } from '@azure/data-tables';
import { EmailMessage, EmailSender, SendResult } from './email';
import { partitionKeyOf, rowKeyOfIdempotencyKey } from './keys';
import { TABLE } from '../storage/table-names';

// The local stand-in for ACS: each mail becomes a row in the EmailOutbox table (partition = publisher),
// where the portal and the user can read it.

export const OUTBOX_TABLE = TABLE.emailOutbox;

export interface OutboxEntry extends EmailMessage {
  id: string;
  createdTime: string;
  idempotencyKey: string;
}

export interface OutboxPage {
  items: OutboxEntry[];
  /** Pass back to get the next (older) page; absent on the last page. */
  continuationToken?: string;
}

// Message rows use digit-only keys, markers for sent idempotency keys start with a letter ("k." / "h.");
// listing asks for RowKey < 'a' so markers never show up as mail.
const MESSAGES_END = 'a';
// Table string properties hold 64 KiB (32K UTF-16 units); longer bodies go in numbered continuation columns.
const CHUNK = 30_000;
const MAX_TIME = 9_999_999_999_999;

export class OutboxEmailSender implements EmailSender {
  private ready: Promise<void> | undefined;

  constructor(
    readonly table: TableClient,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async send(message: EmailMessage, idempotencyKey: string): Promise<SendResult> {
    const partitionKey = partitionKeyOf(message.publisherId);
    const created = this.now();
    const id = newestFirstId(created);
    const marker = { partitionKey, rowKey: rowKeyOfIdempotencyKey(idempotencyKey), messageId: id };
    await this.ensureTable();
    try {
      // One transaction (same partition): the mail and its key marker appear together or not at all,
      // so a repeated key can neither duplicate the mail nor lose it.
      await this.table.submitTransaction([
        ['create', { partitionKey, rowKey: id, ...toColumns(message, created, idempotencyKey) }],
        ['create', marker],
      ]);
      return { id, status: 'Succeeded' };
    } catch (e) {
      if (statusOf(e) !== 409) throw e;
      const existing = await this.table.getEntity<{ messageId: string }>(partitionKey, marker.rowKey);
      return { id: existing.messageId, status: 'AlreadySent' };
    }
  }

  /** One publisher's mail, newest first. */
  async listOutbox(publisherId: string, page: { top?: number; continuationToken?: string } = {}): Promise<OutboxPage> {
    await this.ensureTable();
    const filter = odata`PartitionKey eq ${partitionKeyOf(publisherId)} and RowKey lt ${MESSAGES_END}`;
    const pages = this.table
      .listEntities<Record<string, unknown>>({ queryOptions: { filter } })
      .byPage({ maxPageSize: page.top ?? 50, continuationToken: page.continuationToken });
    const { value } = (await pages.next()) as { value?: TableEntityResult<Record<string, unknown>>[] };
    if (!value) return { items: [] };
    const rows = value as TableEntityResult<Record<string, unknown>>[] & { continuationToken?: string };
    return { items: rows.map(fromColumns), continuationToken: rows.continuationToken };
  }

  private ensureTable(): Promise<void> {
    this.ready ??= this.table.createTable().catch((e) => {
      this.ready = undefined;
      throw e;
    });
    return this.ready;
  }
}

/** Zero-padded (MAX - ms) + random suffix: Table storage returns rows in key order, so newest comes first. */
function newestFirstId(t: Date): string {
  return (
    String(MAX_TIME - t.getTime()).padStart(13, '0') + randomBytes(5).readUIntBE(0, 5).toString().padStart(13, '0')
  );
}

function toColumns(m: EmailMessage, created: Date, idempotencyKey: string): Record<string, string> {
  return {
    to: JSON.stringify(m.to),
    kind: m.kind,
    createdTime: created.toISOString(),
    idempotencyKey,
    ...split('subject', m.subject),
    ...split('plainText', m.plainText),
    ...split('html', m.html),
  };
}

function fromColumns(e: TableEntityResult<Record<string, unknown>>): OutboxEntry {
  return {
    id: e.rowKey!,
    publisherId: e.partitionKey!,
    to: JSON.parse(String(e.to)) as string[],
    kind: String(e.kind),
    createdTime: String(e.createdTime),
    idempotencyKey: String(e.idempotencyKey),
    subject: join(e, 'subject'),
    plainText: join(e, 'plainText'),
    html: join(e, 'html'),
  };
}

function split(name: string, value: string): Record<string, string> {
  const out: Record<string, string> = { [name]: value.slice(0, CHUNK) };
  for (let i = 1; i * CHUNK < value.length; i++) out[`${name}_${i}`] = value.slice(i * CHUNK, (i + 1) * CHUNK);
  return out;
}

function join(e: Record<string, unknown>, name: string): string {
  let s = textColumn(e[name]);
  for (let i = 1; typeof e[`${name}_${i}`] === 'string'; i++) s += e[`${name}_${i}`] as string;
  return s;
}

function statusOf(e: unknown): number | undefined {
  return (e as { statusCode?: number }).statusCode;
}
