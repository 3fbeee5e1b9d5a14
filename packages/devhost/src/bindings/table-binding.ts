// Table input and output bindings (`input.table`, `output.table`, or generic `table`), as the Tables
// extension binds them for scripts (TablesExtensionConfigProvider and TableEntityWriter in
// Azure/azure-sdk-for-net, sdk/tables/Microsoft.Azure.WebJobs.Extensions.Tables/src):
// - input with partitionKey and rowKey: that entity as a JSON object, or no value when it is missing;
// - input otherwise: an array of the entities matching `PartitionKey eq <partitionKey>` and `filter`,
//   at most `take`;
// - output: each object (or each element of an array) is inserted; its own PartitionKey/RowKey (any
//   case) win over the binding's; one missing is an error, and so is an entity that already exists.
//   Entities of one partition go in one transaction of at most 100, as the extension batches them.
import { TableClient, TableTransaction } from '@azure/data-tables';
import { RpcTypedData } from '../core/types';
import { collectorItems } from './output-values';

export function validateTableName(name: string): void {
  if (!/^[A-Za-z][A-Za-z0-9]{2,62}$/.test(name))
    throw new Error(
      `'${name}' is not a valid name for an Azure table: 3-63 letters and digits, starting with a letter.`,
    );
}

export interface TableQuery {
  partitionKey?: string;
  rowKey?: string;
  filter?: string;
  take?: number;
}

export async function readTable(table: TableClient, q: TableQuery): Promise<RpcTypedData | undefined> {
  if (q.partitionKey !== undefined && q.rowKey !== undefined) {
    try {
      const entity = await table.getEntity<Record<string, unknown>>(q.partitionKey, q.rowKey);
      return { json: JSON.stringify(toJsonEntity(entity)) };
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode === 404) return undefined;
      throw e;
    }
  }
  const pk = q.partitionKey !== undefined ? `PartitionKey eq '${q.partitionKey.replace(/'/g, "''")}'` : undefined;
  const filter = pk && q.filter ? `${pk} and ${q.filter}` : (pk ?? q.filter);
  const rows: Record<string, unknown>[] = [];
  const take = q.take && q.take > 0 ? q.take : undefined;
  try {
    for await (const entity of table.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
      rows.push(toJsonEntity(entity));
      if (take !== undefined && rows.length >= take) break;
    }
  } catch (e) {
    // A table that does not exist yet has no entities.
    if ((e as { statusCode?: number }).statusCode !== 404) throw e;
  }
  return { json: JSON.stringify(rows) };
}

/** The entity as the extension's JObject has it: PascalCase system properties, then the entity's own. */
function toJsonEntity(entity: Record<string, unknown>): Record<string, unknown> {
  const { partitionKey, rowKey, timestamp, etag, 'odata.metadata': _metadata, ...props } = entity;
  const out: Record<string, unknown> = { PartitionKey: partitionKey, RowKey: rowKey, Timestamp: timestamp };
  if (etag !== undefined) out['odata.etag'] = etag;
  for (const [k, v] of Object.entries(props)) {
    if (typeof v === 'bigint') out[k] = Number(v);
    else if (v instanceof Date) out[k] = v.toISOString();
    else if (v instanceof Uint8Array) out[k] = Buffer.from(v).toString('base64');
    else if (v && typeof v === 'object' && 'value' in v && (v as { type?: string }).type === 'Int64')
      out[k] = Number((v as { value: string }).value);
    else out[k] = v;
  }
  return out;
}

export async function writeTable(
  table: TableClient,
  value: unknown,
  keys: { partitionKey?: string; rowKey?: string },
): Promise<number> {
  const entities = collectorItems(value)
    .filter((item) => item !== null && item !== undefined)
    .map((item, i) => toTableEntity(item, i, keys));
  if (!entities.length) return 0;
  // One transaction per partition; a repeated RowKey, or 100 entities, starts the next one.
  const batches: (typeof entities)[] = [];
  const open = new Map<string, { batch: typeof entities; rows: Set<string> }>();
  for (const e of entities) {
    let cur = open.get(e.partitionKey);
    if (!cur || cur.rows.has(e.rowKey) || cur.batch.length >= 100) {
      cur = { batch: [], rows: new Set() };
      open.set(e.partitionKey, cur);
      batches.push(cur.batch);
    }
    cur.batch.push(e);
    cur.rows.add(e.rowKey);
  }
  for (const batch of batches) {
    const submit = () => {
      const tx = new TableTransaction();
      for (const e of batch) tx.createEntity(e);
      return table.submitTransaction(tx.actions);
    };
    try {
      await submit();
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (
        (e as { statusCode?: number }).statusCode !== 404 ||
        (code !== 'TableNotFound' && code !== 'ResourceNotFound')
      )
        throw e;
      await table.createTable();
      await submit();
    }
  }
  return entities.length;
}

type Entity = { partitionKey: string; rowKey: string } & Record<string, unknown>;

function toTableEntity(item: unknown, index: number, keys: { partitionKey?: string; rowKey?: string }): Entity {
  if (!item || typeof item !== 'object' || Array.isArray(item) || Buffer.isBuffer(item))
    throw new Error(`Table output item ${index} is not an object: a table entity must be a JSON object.`);
  let partitionKey = keys.partitionKey;
  let rowKey = keys.rowKey;
  const props: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item as Record<string, unknown>)) {
    const lower = k.toLowerCase();
    if (lower === 'partitionkey') partitionKey = keyText(v);
    else if (lower === 'rowkey') rowKey = keyText(v);
    else if (v === null || v === undefined) continue;
    else if (typeof v === 'object')
      throw new Error(
        `Table output item ${index}: property '${k}' is an object or array; entity properties must be strings, numbers or booleans.`,
      );
    // JSON integers are 64-bit in .NET, so the extension stores them as Edm.Int64.
    else if (typeof v === 'number' && Number.isInteger(v)) props[k] = { value: String(v), type: 'Int64' };
    else props[k] = v;
  }
  for (const [name, key] of [
    ['PartitionKey', partitionKey],
    ['RowKey', rowKey],
  ] as const) {
    if (key === undefined)
      throw new Error(
        `Table output item ${index} has no ${name}: ensure that the table entity contains valid 'PartitionKey' and 'RowKey' values (or set them on the binding).`,
      );
    if (/[/\\#?\u0000-\u001f\u007f-\u009f]/.test(key))
      throw new Error(`Table output item ${index}: '${key}' is not a valid value for a partition key or row key.`);
  }
  return { partitionKey: partitionKey!, rowKey: rowKey!, ...props };
}

function keyText(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}
