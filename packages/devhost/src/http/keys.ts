import { randomBytes, timingSafeEqual } from 'node:crypto';

export type AuthLevel = 'anonymous' | 'function' | 'admin' | 'system';

/**
 * Host keys from configuration (DEVHOST_FUNCTION_KEYS, DEVHOST_MASTER_KEY). With none configured,
 * keys are not enforced, as `func start` does not enforce them locally either.
 */
export class HostKeys {
  constructor(
    readonly functionKeys: string[],
    readonly masterKey: string | undefined,
    /** The system key of the Durable extension's webhooks (`durabletask_extension`). */
    readonly durableKey: string | undefined,
  ) {}

  get enforced(): boolean {
    return Boolean(this.masterKey) || this.functionKeys.length > 0;
  }

  static fromEnv(env: NodeJS.ProcessEnv): HostKeys {
    const fk = (env.DEVHOST_FUNCTION_KEYS ?? '')
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean);
    const mk = env.DEVHOST_MASTER_KEY?.trim() || undefined;
    // The Durable webhooks need a system key whenever keys are enforced. It is handed out in every
    // management URL (as the extension hands out its durabletask_extension key), so it must say
    // nothing about the master key: a fresh random value each time the host starts, like the key the
    // host generates for an extension that has none yet. URL-safe, so it needs no escaping in a path.
    const durableKey = mk || fk.length > 0 ? randomBytes(32).toString('base64url') : undefined;
    return new HostKeys(fk, mk, durableKey);
  }

  /** Whether a presented key (from `code` or `x-functions-key`) satisfies the level. */
  allows(level: AuthLevel, presented: string | undefined): boolean {
    if (level === 'anonymous' || !this.enforced) return true;
    if (!presented) return false;
    if (this.masterKey && same(presented, this.masterKey)) return true;
    if (level === 'function') return this.functionKeys.some((k) => same(presented, k));
    if (level === 'system') return Boolean(this.durableKey && same(presented, this.durableKey));
    return false;
  }
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
