import { ContainerClient } from '@azure/storage-blob';
import { QueueClient } from '@azure/storage-queue';
import { describeError } from '../core/fault-isolation';
import { Invoker } from '../core/invoker';
import { Logger } from '../core/logger';
import { RegisteredFunction } from '../core/registry';
import { RpcTypedData } from '../core/types';
import { BlobPath } from './blob-path';

export interface BlobListenerOptions {
  fn: RegisteredFunction;
  path: BlobPath;
  container: ContainerClient;
  receipts: ContainerClient;
  poison: QueueClient;
  invoker: Invoker;
  logger: Logger;
  pollIntervalMs: number;
  maxAttempts: number;
  extraInputs: { name: string; data: RpcTypedData }[];
}

/**
 * A blob trigger: scans the container for new or changed blobs under the path pattern and runs the
 * function once per blob version. A receipt blob per (function, ETag, blob), kept in storage as the
 * host keeps it, makes "once" survive restarts; a version that keeps failing goes to the poison queue.
 */
export class BlobListener {
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly failures = new Map<string, number>();
  private readonly known = new Set<string>();
  private inflight: Promise<void> | undefined;

  constructor(private readonly o: BlobListenerOptions) {}

  async start(): Promise<void> {
    await this.o.container.createIfNotExists();
    await this.o.receipts.createIfNotExists();
    this.schedule(0);
  }

  /** Stops scanning; resolves once the blob being processed (if any) is done and its receipt written. */
  stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    return this.inflight ?? Promise.resolve();
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      const p = this.scan().finally(() => {
        if (this.inflight === p) this.inflight = undefined;
      });
      this.inflight = p;
    }, ms);
    this.timer.unref?.();
  }

  private receiptName(etag: string, blobName: string): string {
    return `blobreceipts/devhost/${this.o.fn.metadata.name}/${etag.replace(/"/g, '')}/${this.o.path.container}/${blobName}`;
  }

  private async scan(): Promise<void> {
    try {
      for await (const b of this.o.container.listBlobsFlat({ includeMetadata: true })) {
        if (this.stopped) return;
        const tokens = this.o.path.match(b.name);
        const etag = b.properties.etag ?? '';
        if (!tokens || !etag) continue;
        const key = `${etag}|${b.name}`;
        if (this.known.has(key)) continue;
        const receipt = this.o.receipts.getBlockBlobClient(this.receiptName(etag, b.name));
        if (await receipt.exists()) {
          this.known.add(key);
          continue;
        }
        await this.process(b.name, etag, tokens, b.metadata ?? {}, b.properties as unknown as Record<string, unknown>);
      }
    } catch (e) {
      if (!this.stopped) this.o.logger.warn(`blob ${this.o.path.container}: scan failed: ${describeError(e)}`);
    }
    this.schedule(this.o.pollIntervalMs);
  }

  private async process(
    name: string,
    etag: string,
    tokens: Record<string, string>,
    metadata: Record<string, string>,
    properties: Record<string, unknown>,
  ): Promise<void> {
    const key = `${etag}|${name}`;
    const blob = this.o.container.getBlobClient(name);
    let content: Buffer;
    try {
      // Only the listed version: the receipt names this ETag, so the content must be this version's.
      content = await blob.downloadToBuffer(0, undefined, { conditions: { ifMatch: etag } });
    } catch (e) {
      // Changed or deleted since the listing (412/404): the next scan sees its new version.
      const status = (e as { statusCode?: number }).statusCode;
      if (status !== 412 && status !== 404)
        this.o.logger.warn(`blob ${this.o.path.container}/${name}: download failed: ${(e as Error).message}`);
      return;
    }
    const triggerMetadata: Record<string, RpcTypedData> = {
      BlobTrigger: { string: `${this.o.path.container}/${name}` },
      Uri: { string: blob.url },
      Properties: { json: JSON.stringify(properties) },
      Metadata: { json: JSON.stringify(metadata) },
    };
    for (const [k, v] of Object.entries(tokens)) triggerMetadata[k] = { string: v };
    const outcome = await this.o.invoker.invoke(this.o.fn, {
      inputData: [{ name: this.o.fn.triggerName, data: { bytes: new Uint8Array(content) } }, ...this.o.extraInputs],
      triggerMetadata,
    });
    const scope = { functionName: this.o.fn.metadata.name, invocationId: outcome.invocationId };
    if (!outcome.error) {
      await this.o.receipts.getBlockBlobClient(this.receiptName(etag, name)).upload('', 0);
      this.known.add(key);
      this.failures.delete(key);
      this.o.logger.log('information', `Executed (Succeeded) for blob ${this.o.path.container}/${name}`, scope);
      return;
    }
    const n = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, n);
    if (n >= this.o.maxAttempts) {
      this.o.logger.log(
        'error',
        `Blob ${this.o.path.container}/${name} failed ${n} time(s); recording it in ${this.o.poison.name}: ${outcome.errorText}`,
        scope,
      );
      await this.o.poison.createIfNotExists();
      const msg = JSON.stringify({
        FunctionId: this.o.fn.metadata.name,
        BlobType: 'BlockBlob',
        ContainerName: this.o.path.container,
        BlobName: name,
        ETag: etag,
      });
      await this.o.poison.sendMessage(Buffer.from(msg).toString('base64'));
      await this.o.receipts.getBlockBlobClient(this.receiptName(etag, name)).upload('', 0);
      this.known.add(key);
    } else {
      this.o.logger.log(
        'warning',
        `Executed (Failed, attempt ${n} of ${this.o.maxAttempts}) for blob ${name}: ${outcome.errorText}`,
        scope,
      );
    }
  }
}
