import { newId } from '../core/ids';
import { QueueClient } from '@azure/storage-queue';
import { ContainerClient } from '@azure/storage-blob';
import { describeError } from '../core/fault-isolation';
import { Logger } from '../core/logger';

/** An item handed to a consumer; call `ack()` once its effects are durable. */
export interface Delivered<T> {
  item: T;
  ack(): void;
}

interface Envelope {
  messageId: string;
  popReceipt: string;
  remaining: number;
  blobName?: string;
}

interface WireMessage<T> {
  v: 1;
  items?: T[];
  blob?: string;
}

// Queue messages are limited to 64 KiB; stay well under it and move anything larger to a blob.
const MAX_MESSAGE_CHARS = 45_000;

/**
 * A durable work channel over an Azure Storage queue. Items are packed several to a message and
 * written to the queue *invisible* for one lease period while this process handles them at once
 * (the fast path); a message is deleted only after every item in it has been acknowledged. If the
 * process dies, the message becomes visible after its lease and the next host's poller picks it up,
 * so nothing in flight is lost. Consumers must tolerate redelivery.
 */
export class QueueChannel<T> {
  private readonly local = new Map<string, Envelope>();
  private stopped = false;
  private pollTimer: NodeJS.Timeout | undefined;
  private idlePolls = 0;
  /** The receive under way, if any: a delete refused for its pop receipt waits for it (see remove). */
  private polling: Promise<void> | undefined;

  constructor(
    private readonly opts: {
      name: string;
      queue: QueueClient;
      blobs: ContainerClient;
      leaseSeconds: number;
      logger: Logger;
      deliver: (items: Delivered<T>[]) => void;
    },
  ) {}

  start(): void {
    this.schedulePoll(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
  }

  get inFlight(): number {
    return this.local.size;
  }

  async send(items: T[]): Promise<void> {
    if (items.length === 0) return;
    const batches: { text: string; count: number; blobName?: string; items: T[] }[] = [];
    let current: T[] = [];
    let size = 0;
    const flush = () => {
      if (current.length)
        batches.push({ text: JSON.stringify({ v: 1, items: current }), count: current.length, items: current });
      current = [];
      size = 0;
    };
    for (const item of items) {
      const text = JSON.stringify(item);
      if (text.length > MAX_MESSAGE_CHARS) {
        const blobName = `${this.opts.name}/${newId()}.json`;
        await this.opts.blobs.getBlockBlobClient(blobName).upload(text, Buffer.byteLength(text));
        batches.push({ text: JSON.stringify({ v: 1, blob: blobName }), count: 1, blobName, items: [item] });
        continue;
      }
      if (size + text.length > MAX_MESSAGE_CHARS) flush();
      current.push(item);
      size += text.length + 1;
    }
    flush();
    await Promise.all(
      batches.map(async (b) => {
        const res = await this.opts.queue.sendMessage(b.text, { visibilityTimeout: this.opts.leaseSeconds });
        const env: Envelope = {
          messageId: res.messageId,
          popReceipt: res.popReceipt,
          remaining: b.count,
          blobName: b.blobName,
        };
        this.local.set(res.messageId, env);
        this.deliverLocal(env, b.items);
      }),
    );
  }

  private deliverLocal(env: Envelope, items: T[]): void {
    let acked = 0;
    const delivered = items.map((item) => ({
      item,
      ack: () => {
        // Each item acknowledges once, whatever its consumer does.
        if (acked >= items.length) return;
        acked++;
        env.remaining--;
        // Fire and forget, but never unhandled: a failed delete only means a redelivery, which
        // consumers tolerate.
        if (env.remaining === 0)
          void this.remove(env).catch((e: unknown) =>
            this.opts.logger.warn(`${this.opts.name}: removing message ${env.messageId} failed: ${describeError(e)}`),
          );
      },
    }));
    try {
      this.opts.deliver(delivered);
    } catch (e) {
      // Not handed over: forget it here, so that the poller takes it up again once its lease ends
      // (while it is in `local` the poller would only renew its lease, for ever).
      this.local.delete(env.messageId);
      this.opts.logger.error(
        `${this.opts.name}: delivering message ${env.messageId} failed; it will be redelivered: ${describeError(e)}`,
      );
    }
  }

  private async remove(env: Envelope): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const receipt = env.popReceipt;
      try {
        await this.opts.queue.deleteMessage(env.messageId, receipt);
        break;
      } catch (e) {
        const status = (e as { statusCode?: number } | undefined)?.statusCode;
        // The poller may have re-leased the message meanwhile (a new pop receipt), possibly in a
        // receive whose answer has not been read yet: wait for it, then retry with the new receipt.
        if (status === 400 && env.popReceipt === receipt) await this.polling;
        if (env.popReceipt !== receipt) continue;
        if (status !== 404)
          this.opts.logger.warn(`${this.opts.name}: could not delete message ${env.messageId}: ${describeError(e)}`);
        break;
      }
    }
    this.local.delete(env.messageId);
    if (env.blobName) await this.opts.blobs.deleteBlob(env.blobName).catch(() => undefined);
  }

  private schedulePoll(delayMs: number): void {
    if (this.stopped) return;
    this.pollTimer = setTimeout(() => {
      this.polling = this.poll()
        .catch((e: unknown) => {
          // poll() handles its own errors; should one escape anyway, keep polling instead of stopping for good.
          this.opts.logger.warn(`${this.opts.name}: poll failed: ${describeError(e)}`);
          this.schedulePoll(1000);
        })
        .finally(() => (this.polling = undefined));
    }, delayMs);
    this.pollTimer.unref?.();
  }

  private async poll(): Promise<void> {
    let received = 0;
    try {
      const res = await this.opts.queue.receiveMessages({
        numberOfMessages: 32,
        visibilityTimeout: this.opts.leaseSeconds,
      });
      received = res.receivedMessageItems.length;
      for (const m of res.receivedMessageItems) {
        const known = this.local.get(m.messageId);
        if (known) {
          // Still being handled here: the receive just renewed its lease.
          known.popReceipt = m.popReceipt;
          continue;
        }
        const env: Envelope = { messageId: m.messageId, popReceipt: m.popReceipt, remaining: 0 };
        let items: T[];
        try {
          const wire = JSON.parse(m.messageText) as WireMessage<T>;
          if (wire.blob) {
            env.blobName = wire.blob;
            const buf = await this.opts.blobs.getBlockBlobClient(wire.blob).downloadToBuffer();
            items = [JSON.parse(buf.toString('utf8')) as T];
          } else {
            items = wire.items ?? [];
          }
        } catch (e) {
          this.opts.logger.error(
            `${this.opts.name}: dropping unreadable message ${m.messageId}: ${(e as Error).message}`,
          );
          await this.opts.queue.deleteMessage(m.messageId, m.popReceipt).catch(() => undefined);
          continue;
        }
        if (items.length === 0) {
          await this.opts.queue.deleteMessage(m.messageId, m.popReceipt).catch(() => undefined);
          continue;
        }
        env.remaining = items.length;
        this.local.set(m.messageId, env);
        this.deliverLocal(env, items);
      }
    } catch (e) {
      if (!this.stopped) this.opts.logger.warn(`${this.opts.name}: poll failed: ${(e as Error).message}`);
    }
    this.idlePolls = received > 0 ? 0 : Math.min(this.idlePolls + 1, 10);
    // Back off while idle (50 ms → 1 s), like the Functions queue listener's polling interval.
    this.schedulePoll(received > 0 ? 0 : Math.min(1000, 50 * 2 ** this.idlePolls));
  }
}
