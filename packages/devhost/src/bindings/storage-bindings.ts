// Plays a function's storage input and output bindings around each invocation, as the host does:
// inputs are read before the function runs (and handed over as its extra inputs), outputs written
// after it returned and before the invocation counts as done, so a failing write fails the
// invocation (a queue message is retried, an HTTP caller gets a 500, an activity fails) instead of
// being lost (WorkerFunctionInvoker.InvokeCore in Azure/azure-functions-host,
// src/WebJobs.Script/Description/Workers/WorkerFunctionInvoker.cs).
import { BindingHooks, InvocationInput } from '../core/invoker';
import { RegisteredFunction } from '../core/registry';
import { InvocationResponse, RpcTypedData } from '../core/types';
import { BindingData, bindingDataFor } from './binding-data';
import { bindFilter } from './binding-expressions';
import { BindingPlan, TableTemplates } from './binding-plans';
import { parseBlobPath, readBlob, writeBlob } from './blob-binding';
import { tableClient } from './connections';
import { hostValue } from './output-values';
import { sendToQueue, validateQueueName } from './queue-output';
import { readTable, validateTableName, writeTable } from './table-binding';

export class StorageBindings implements BindingHooks {
  constructor(
    private readonly plans: Map<RegisteredFunction, BindingPlan[]>,
    private readonly queueEncoding: 'base64' | 'none',
  ) {}

  async inputs(
    fn: RegisteredFunction,
    input: InvocationInput,
  ): Promise<{ name: string; data: RpcTypedData | undefined }[]> {
    const plans = (this.plans.get(fn) ?? []).filter((p) => p.kind === 'blobIn' || p.kind === 'tableIn');
    if (!plans.length) return [];
    const data = bindingDataFor(fn, input);
    return Promise.all(plans.map(async (p) => ({ name: p.name, data: await this.read(p, data) })));
  }

  async outputs(
    fn: RegisteredFunction,
    input: InvocationInput,
    response: InvocationResponse | undefined,
  ): Promise<void> {
    const plans = (this.plans.get(fn) ?? []).filter(
      (p) => p.kind === 'blobOut' || p.kind === 'queueOut' || p.kind === 'tableOut',
    );
    if (!plans.length || !response) return;
    const data = bindingDataFor(fn, input);
    const writes = plans.map(async (p) => {
      const typed =
        p.name === '$return' ? response.returnValue : response.outputData?.find((o) => o.name === p.name)?.data;
      const value = hostValue(typed);
      // Nothing set (or null): the host binds nothing for it.
      if (value === undefined || value === null) return;
      await this.write(p, data, value);
    });
    const failed = (await Promise.allSettled(writes)).find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private async read(p: BindingPlan, data: BindingData): Promise<RpcTypedData | undefined> {
    return this.withLabel(p, async () => {
      if (p.kind === 'blobIn') return readBlob(p.blobs, parseBlobPath(p.path.bind(data)), p.dataType);
      if (p.kind !== 'tableIn') throw new Error(`not an input binding`);
      const keys = tableKeys(p.table, data);
      return readTable(tableClient(p.connection, keys.tableName), {
        partitionKey: keys.partitionKey,
        rowKey: keys.rowKey,
        filter: p.filter ? bindFilter(p.filter, data) : undefined,
        take: p.take,
      });
    });
  }

  private async write(p: BindingPlan, data: BindingData, value: unknown): Promise<void> {
    await this.withLabel(p, async () => {
      if (p.kind === 'blobOut') return writeBlob(p.blobs, parseBlobPath(p.path.bind(data)), value);
      if (p.kind === 'queueOut') {
        const name = p.queueName.bind(data).toLowerCase();
        validateQueueName(name);
        await sendToQueue(p.queues.getQueueClient(name), value, this.queueEncoding);
        return;
      }
      if (p.kind !== 'tableOut') throw new Error(`not an output binding`);
      const keys = tableKeys(p.table, data);
      await writeTable(tableClient(p.connection, keys.tableName), value, keys);
    });
  }

  /** Errors name the binding, so the invocation's failure says which one and why. */
  private async withLabel<T>(p: BindingPlan, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      throw new Error(`Error while handling ${p.label}: ${message}`);
    }
  }
}

function tableKeys(
  t: TableTemplates,
  data: BindingData,
): { tableName: string; partitionKey?: string; rowKey?: string } {
  const tableName = t.tableName.bind(data);
  validateTableName(tableName);
  return { tableName, partitionKey: t.partitionKey?.bind(data), rowKey: t.rowKey?.bind(data) };
}
