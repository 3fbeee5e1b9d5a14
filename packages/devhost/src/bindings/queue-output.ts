// The queue output binding (`output.storageQueue`, or generic `queue`): one message per item (an array
// is several messages; objects are sent as indented JSON text, as .NET prints them), encoded like the
// queue trigger reads them: base64 unless host.json sets extensions.queues.messageEncoding to "none".
// The queue is created on first use, as the Storage extension does.
import { QueueClient } from '@azure/storage-queue';
import { HostJson } from '../core/app-loader';
import { collectorItems, itemText } from './output-values';

/** host.json extensions.queues.messageEncoding, for the trigger and the output alike (default base64). */
export function queueMessageEncoding(hostJson: HostJson): 'base64' | 'none' {
  const v = (hostJson.extensions?.queues as { messageEncoding?: string } | undefined)?.messageEncoding;
  return (v ?? 'base64').toLowerCase() === 'none' ? 'none' : 'base64';
}

export function validateQueueName(name: string): void {
  if (!/^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/.test(name))
    throw new Error(`'${name}' is not a valid queue name: 3-63 lower-case letters, digits and single hyphens.`);
}

export async function sendToQueue(queue: QueueClient, value: unknown, encoding: 'base64' | 'none'): Promise<number> {
  const texts = collectorItems(value)
    .filter((item) => item !== null && item !== undefined)
    .map(itemText);
  if (!texts.length) return 0;
  await queue.createIfNotExists();
  for (const text of texts) {
    await queue.sendMessage(encoding === 'base64' ? Buffer.from(text, 'utf8').toString('base64') : text);
  }
  return texts.length;
}
