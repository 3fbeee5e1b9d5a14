import { createHash, randomBytes } from 'node:crypto';
import { isNotFound, table } from '../storage/connection';
import { TABLE } from '../storage/table-names';

const PARTITION = 'keys';

function hash(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Names a key in records (who acted) without revealing it: the start of its stored hash. */
export function keyFingerprint(key: string): string {
  return `key:${hash(key).slice(0, 12)}`;
}

/**
 * Partner API keys: each belongs to one publisher and is stored only as its SHA-256 (`PublisherKeys`
 * table), so the table alone does not reveal usable keys.
 */
export class PublisherKeys {
  private seeded: Promise<void> | undefined;
  // Every partner call authenticates; a short cache keeps that off the table. A revoked key
  // stops working within this window on every instance.
  private readonly cache = new Map<string, { publisherId: string | undefined; until: number }>();
  static readonly CACHE_MS = 30_000;

  /** Local runs seed keys from DEV_PUBLISHERS (`contoso:key1,fabrikam:key2`). */
  seedFromSettings(value = process.env.DEV_PUBLISHERS): Promise<void> {
    this.seeded ??= (async () => {
      for (const pair of (value ?? '')
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean)) {
        const at = pair.indexOf(':');
        if (at <= 0) continue;
        await this.store(pair.slice(at + 1), pair.slice(0, at), 'DEV_PUBLISHERS');
      }
    })();
    this.seeded.catch(() => (this.seeded = undefined));
    return this.seeded;
  }

  private async store(key: string, publisherId: string, source: string): Promise<void> {
    const t = await table(TABLE.publisherKeys);
    await t.upsertEntity(
      {
        partitionKey: PARTITION,
        rowKey: hash(key),
        PublisherId: publisherId,
        Source: source,
        Revoked: false,
        CreatedTime: new Date().toISOString(),
      },
      'Replace',
    );
  }

  async issue(publisherId: string): Promise<string> {
    const key = `pk_${randomBytes(24).toString('base64url')}`;
    await this.store(key, publisherId, 'issued');
    return key;
  }

  /** Revokes a key; the publisher it belonged to, or undefined for an unknown key. */
  async revoke(key: string): Promise<string | undefined> {
    const t = await table(TABLE.publisherKeys);
    try {
      const e = await t.getEntity<{ PublisherId: string }>(PARTITION, hash(key));
      await t.updateEntity({ partitionKey: PARTITION, rowKey: e.rowKey!, Revoked: true }, 'Merge');
      this.cache.delete(hash(key));
      return e.PublisherId;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  /** The publisher a key belongs to, or undefined for an unknown or revoked key. */
  async publisherFor(key: string): Promise<string | undefined> {
    const h = hash(key);
    const hit = this.cache.get(h);
    if (hit && hit.until > Date.now()) return hit.publisherId;
    const publisherId = await this.lookup(key);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(h, { publisherId, until: Date.now() + PublisherKeys.CACHE_MS });
    return publisherId;
  }

  private async lookup(key: string): Promise<string | undefined> {
    await this.seedFromSettings();
    const t = await table(TABLE.publisherKeys);
    try {
      const e = await t.getEntity<{ PublisherId: string; Revoked: boolean }>(PARTITION, hash(key));
      return e.Revoked ? undefined : e.PublisherId;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }
}
