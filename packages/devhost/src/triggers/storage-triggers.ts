import { ContainerClient } from '@azure/storage-blob';
import { QueueClient } from '@azure/storage-queue';
import { blobService, queueService, resolveConnection } from '../bindings/connections';
import { queueMessageEncoding } from '../bindings/queue-output';
import { HostJson } from '../core/app-loader';
import { Invoker } from '../core/invoker';
import { Logger } from '../core/logger';
import { RegisteredFunction, Registry } from '../core/registry';
import { RpcTypedData } from '../core/types';
import { Clock } from '../durable/clock';
import { BlobListener } from './blob-listener';
import { compileBlobPath } from './blob-path';
import { QueueListener } from './queue-listener';
import { resolvePlaceholders } from './settings';
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
  private readonly stops: (() => Promise<void>)[] = [];

  constructor(private readonly o: StorageTriggerOptions) {}

  async start(): Promise<void> {
    const q = this.o.hostJson.extensions?.queues ?? {};
    const encoding = queueMessageEncoding(this.o.hostJson);
    for (const fn of this.o.registry.byTrigger('queueTrigger')) {
      const t = fn.trigger as unknown as { queueName: string; connection?: string };
      const queues = queueService(resolveConnection(t.connection));
      const name = resolvePlaceholders(t.queueName).toLowerCase();
      const listener = new QueueListener({
        fn,
        queue: queues.getQueueClient(name),
        poison: queues.getQueueClient(`${name}-poison`),
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
      const blobs = blobService(resolveConnection(t.connection));
      const path = compileBlobPath(resolvePlaceholders(t.path));
      const listener = new BlobListener({
        fn,
        path,
        container: blobs.getContainerClient(path.container),
        receipts: new ContainerClient(this.o.connectionString, 'azure-webjobs-hosts'),
        poison: new QueueClient(this.o.connectionString, 'webjobs-blobtrigger-poison'),
        invoker: this.o.invoker,
        logger: this.o.logger,
        pollIntervalMs: Number(process.env.DEVHOST_BLOB_POLL_MS ?? 1000),
        // host.json extensions.blobs.poisonBlobThreshold, as in the Storage extension 5.x (default 5).
        maxAttempts: this.o.hostJson.extensions?.blobs?.poisonBlobThreshold ?? 5,
        extraInputs: this.o.extraInputs(fn),
      });
      await listener.start();
      this.stops.push(() => listener.stop());
    }
    for (const fn of this.o.registry.byTrigger('timerTrigger')) {
      const t = fn.trigger as unknown as { schedule: string; runOnStartup?: boolean };
      const listener = new TimerListener(
        fn,
        resolvePlaceholders(t.schedule),
        Boolean(t.runOnStartup),
        this.o.invoker,
        this.o.logger,
        this.o.clock,
        this.o.extraInputs(fn),
      );
      listener.start();
      this.stops.push(() => listener.stop());
    }
  }

  /**
   * Stops every listener at once; resolves when the invocations already under way have finished (their
   * queue messages deleted or released, blob receipts written), as the host drains on shutdown.
   */
  async stop(): Promise<void> {
    await Promise.all(this.stops.map((s) => s()));
  }
}

/** host.json durations: a TimeSpan ("00:00:30", "00:00:00.500", "1.00:00:00") or a number of milliseconds. */
export function parseMs(v: string | number | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'number') return v;
  const m = /^\s*(?:(\d+)\.)?(\d+):(\d{2}):(\d{2})(?:\.(\d{1,7}))?\s*$/.exec(v);
  if (!m) return undefined;
  const fraction = m[5] ? Number(`0.${m[5]}`) * 1000 : 0;
  return (
    (((Number(m[1] ?? 0) * 24 + Number(m[2])) * 60 + Number(m[3])) * 60 + Number(m[4])) * 1000 + Math.round(fraction)
  );
}

function parseSeconds(v: string | undefined): number | undefined {
  const ms = parseMs(v);
  return ms === undefined ? undefined : Math.round(ms / 1000);
}
