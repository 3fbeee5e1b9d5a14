import { createHash } from 'node:crypto';

// Azure Table keys may not contain / \ # ? or control characters and are limited to 1 KiB.

const FORBIDDEN = /[/\\#?\u0000-\u001f\u007f-\u009f]/;

/** A publisher id used as PartitionKey; refuses values Table storage would reject or misroute. */
export function partitionKeyOf(publisherId: string): string {
  if (!publisherId || publisherId.length > 256 || FORBIDDEN.test(publisherId)) {
    throw new Error(`Invalid publisherId for e-mail storage: ${JSON.stringify(publisherId)}`);
  }
  return publisherId;
}

/** An arbitrary idempotency key as a RowKey: base64url (a safe alphabet), hashed when it would be too long. */
export function rowKeyOfIdempotencyKey(key: string): string {
  if (!key) throw new Error('An idempotency key is required');
  const encoded = Buffer.from(key, 'utf8').toString('base64url');
  return encoded.length <= 512 ? `k.${encoded}` : `h.${createHash('sha256').update(key).digest('base64url')}`;
}

/** True for http(s) URLs on this machine: the only place plain http (test fakes, Azurite) is allowed. */
export function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
