import { ContainerClient } from '@azure/storage-blob';
import { QueueClient } from '@azure/storage-queue';
import { HostJson } from '../core/app-loader';
import { Invoker } from '../core/invoker';
import { Logger } from '../core/logger';
import { RegisteredFunction, Registry } from '../core/registry';
import { RpcTypedData } from '../core/types';
import { Clock } from '../durable/clock';
import { BlobListener } from './blob-listener';
import { compileBlobPath } from './blob-path';
import { QueueListener } from './queue-listener';
import { resolvePlaceholders, storageConnection } from './settings';
import { TimerListener } from './timer-listener';

export interface StorageTriggerOptions {
  registry: Registry;
  invoker: Invoker;
  logger: Logger;
  clock: Clock;
  hostJson: HostJson;
  connectionString: string;
  extraInputs: (fn: RegisteredFunction) => { name: string; data: RpcTypedData }[];
}

/** Starts a listener for every queue, blob and timer trigger the app registered. */
export class StorageTriggers {
  private readonly stops: (() => void)[] = [];

  constructor(private readonly o: StorageTriggerOptions) {}

  async start(): Promise<void> {
    const q = this.o.hostJson.extensions?.queues ?? {};
    const encoding = ((q as { messageEncoding?: string }).messageEncoding ?? 'base64').toLowerCase() === 'none' ? 'none' : 'base64';
    for (const fn of this.o.registry.byTrigger('queueTrigger')) {
      const t = fn.trigger as unknown as { queueName: string; connection?: string };
      const conn = storageConnection(t.connection);
      const name = resolvePlaceholders(t.queueName).toLowerCase();
      const listener = new QueueListener({
        fn,
        queue: new QueueClient(conn, name),
        poison: new QueueClient(conn, `${name}-poison`),
        invoker: this.o.invoker,
        logger: this.o.logger,
        maxDequeueCount: q.maxDequeueCount ?? 5,
        batchSize: q.batchSize ?? 16,
        encoding,
        visibilityTimeoutSeconds: parseSeconds(q.visibilityTimeout) ?? 0,
        maxPollingIntervalMs: parseMs(q.maxPollingInterval) ?? 2000,
        extraInputs: this.o.extraInputs(fn),
      });
      await listener.start();
      this.stops.push(() => listener.stop());
    }
    for (const fn of this.o.registry.byTrigger('blobTrigger')) {
      const t = fn.trigger as unknown as { path: string; connection?: string };
      const conn = storageConnection(t.connection);
      const path = compileBlobPath(resolvePlaceholders(t.path));
      const listener = new BlobListener({
        fn,
        path,
        container: new ContainerClient(conn, path.container),
        receipts: new ContainerClient(this.o.connectionString, 'azure-webjobs-hosts'),
        poison: new QueueClient(this.o.connectionString, 'webjobs-blobtrigger-poison'),
        invoker: this.o.invoker,
        logger: this.o.logger,
        pollIntervalMs: Number(process.env.DEVHOST_BLOB_POLL_MS ?? 1000),
        maxAttempts: 5,
        extraInputs: this.o.extraInputs(fn),
      });
      await listener.start();
      this.stops.push(() => listener.stop());
    }
    for (const fn of this.o.registry.byTrigger('timerTrigger')) {
      const t = fn.trigger as unknown as { schedule: string; runOnStartup?: boolean };
      const listener = new TimerListener(fn, resolvePlaceholders(t.schedule), Boolean(t.runOnStartup), this.o.invoker, this.o.logger, this.o.clock, this.o.extraInputs(fn));
      listener.start();
      this.stops.push(() => listener.stop());
    }
  }

  stop(): void {
    this.stops.forEach((s) => s());
  }
}

/** host.json durations: "00:00:30" or a number of milliseconds. */
function parseMs(v: string | number | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'number') return v;
  const m = /^(\d+):(\d{2}):(\d{2})(?:\.(\d+))?$/.exec(v);
  if (!m) return undefined;
  return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000;
}

function parseSeconds(v: string | undefined): number | undefined {
  const ms = parseMs(v);
  return ms === undefined ? undefined : Math.round(ms / 1000);
}
