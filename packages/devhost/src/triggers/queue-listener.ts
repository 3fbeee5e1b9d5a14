import { QueueClient } from '@azure/storage-queue';
import { describeError } from '../core/fault-isolation';
import { Invoker } from '../core/invoker';
import { Logger } from '../core/logger';
import { RegisteredFunction } from '../core/registry';
import { RpcTypedData } from '../core/types';

export interface QueueListenerOptions {
  fn: RegisteredFunction;
  queue: QueueClient;
  poison: QueueClient;
  invoker: Invoker;
  logger: Logger;
  maxDequeueCount: number;
  batchSize: number;
  encoding: 'base64' | 'none';
  visibilityTimeoutSeconds: number;
  maxPollingIntervalMs: number;
  extraInputs: { name: string; data: RpcTypedData }[];
}

/**
 * A storage queue trigger: polls with back-off, decodes base64 (the host's default), hands the
 * message to the function with its metadata, deletes it on success, and after `maxDequeueCount`
 * failed attempts moves it to `<queue>-poison`.
 */
export class QueueListener {
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private idle = 0;
  private inflight: Promise<void> | undefined;

  constructor(private readonly o: QueueListenerOptions) {}

  async start(): Promise<void> {
    await this.o.queue.createIfNotExists();
    this.schedule(0);
  }

  /** Stops polling; resolves once the messages already received have been handled. */
  stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    return this.inflight ?? Promise.resolve();
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      const p = this.poll().finally(() => {
        if (this.inflight === p) this.inflight = undefined;
      });
      this.inflight = p;
    }, ms);
    this.timer.unref?.();
  }

  private async poll(): Promise<void> {
    let got = 0;
    try {
      const res = await this.o.queue.receiveMessages({ numberOfMessages: this.o.batchSize, visibilityTimeout: 600 });
      got = res.receivedMessageItems.length;
      if (this.stopped) {
        // Stopped while the receive was in flight: hand the messages back at once instead of running
        // functions during shutdown (or leaving them invisible for ten minutes).
        await Promise.all(
          res.receivedMessageItems.map((m) =>
            this.o.queue.updateMessage(m.messageId, m.popReceipt, undefined, 0).catch(() => undefined),
          ),
        );
        return;
      }
      await Promise.all(res.receivedMessageItems.map((m) => this.handle(m)));
    } catch (e) {
      if (!this.stopped) this.o.logger.warn(`queue ${this.o.queue.name}: poll failed: ${describeError(e)}`);
    }
    this.idle = got ? 0 : Math.min(this.idle + 1, 16);
    this.schedule(got ? 0 : Math.min(this.o.maxPollingIntervalMs, 100 * 2 ** this.idle));
  }

  private async handle(m: {
    messageId: string;
    popReceipt: string;
    messageText: string;
    dequeueCount: number;
    insertedOn: Date;
    expiresOn: Date;
    nextVisibleOn: Date;
  }): Promise<void> {
    const scope = { functionName: this.o.fn.metadata.name, invocationId: m.messageId };
    if (m.dequeueCount > this.o.maxDequeueCount) {
      // Already dequeued maxDequeueCount times (e.g. by a host that stopped mid-invocation): like the
      // host's QueueProcessor, poison it without running the function again.
      this.o.logger.log(
        'error',
        `Message ${m.messageId} has been dequeued ${m.dequeueCount} time(s); moving it to ${this.o.poison.name}.`,
        scope,
      );
      await this.moveToPoison(m);
      return;
    }
    let text = m.messageText;
    if (this.o.encoding === 'base64') {
      const decoded = decodeBase64Strict(m.messageText);
      if (decoded === undefined) {
        // The host's decoding-failed handler moves such a message to the poison queue on first sight,
        // as it was sent (raw), and never hands it to the function.
        this.o.logger.log(
          'warning',
          `Message ${m.messageId} is not valid base64 (the host expects base64 unless host.json sets extensions.queues.messageEncoding to "none"); moving it to ${this.o.poison.name}.`,
          scope,
        );
        await this.moveToPoison(m);
        return;
      }
      text = decoded;
    }
    const iso = (d: Date) => ({ json: JSON.stringify(d.toISOString()) });
    const outcome = await this.o.invoker.invoke(this.o.fn, {
      inputData: [{ name: this.o.fn.triggerName, data: { string: text } }, ...this.o.extraInputs],
      triggerMetadata: {
        QueueTrigger: { string: text },
        DequeueCount: { json: String(m.dequeueCount) },
        Id: { string: m.messageId },
        PopReceipt: { string: m.popReceipt },
        InsertionTime: iso(m.insertedOn),
        ExpirationTime: iso(m.expiresOn),
        NextVisibleTime: iso(m.nextVisibleOn),
      },
      retryContext: { retryCount: m.dequeueCount - 1, maxRetryCount: this.o.maxDequeueCount },
    });
    const error = outcome.error;
    if (!error) {
      this.o.logger.log('information', `Executed (Succeeded) for message ${m.messageId}`, scope);
      await this.o.queue.deleteMessage(m.messageId, m.popReceipt).catch(() => undefined);
      return;
    }
    if (m.dequeueCount >= this.o.maxDequeueCount) {
      this.o.logger.log(
        'error',
        `Message ${m.messageId} failed ${m.dequeueCount} time(s); moving it to ${this.o.poison.name}: ${outcome.errorText}`,
        scope,
      );
      await this.moveToPoison(m);
    } else {
      this.o.logger.log(
        'warning',
        `Executed (Failed, attempt ${m.dequeueCount} of ${this.o.maxDequeueCount}): ${outcome.errorText}`,
        scope,
      );
      await this.o.queue
        .updateMessage(m.messageId, m.popReceipt, undefined, this.o.visibilityTimeoutSeconds)
        .catch(() => undefined);
    }
  }

  /** Copies the message, as it was sent, to `<queue>-poison` and deletes it from the queue. */
  private async moveToPoison(m: { messageId: string; popReceipt: string; messageText: string }): Promise<void> {
    await this.o.poison.createIfNotExists();
    await this.o.poison.sendMessage(m.messageText);
    await this.o.queue.deleteMessage(m.messageId, m.popReceipt).catch(() => undefined);
  }
}

function decodeBase64Strict(s: string): string | undefined {
  const t = s.trim();
  if (t.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(t)) return undefined;
  return Buffer.from(t, 'base64').toString('utf8');
}
