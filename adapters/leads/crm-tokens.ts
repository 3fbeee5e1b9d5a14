import { createHash } from 'node:crypto';

/** A token as its issuer handed it out. */
export interface IssuedToken {
  token: string;
  expiresInSeconds: number;
}

interface Entry {
  token: string;
  /** Epoch ms after which the token is not used any more (shortly before it really expires). */
  usableUntil: number;
}

/**
 * Access tokens for CRM calls, kept in memory so every lead does not cost a sign-in (Marketo counts
 * Identity calls against the API quota; Entra ID throttles busy clients). Concurrent deliveries for
 * the same credentials share one sign-in.
 *
 * The key covers everything the token stands for, the secret included: two offers naming the same
 * application and tenant but different secrets must not share a token, or an offer with a wrong
 * secret would write with a token someone else's right secret obtained.
 */
export class TokenCache {
  private readonly entries = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<Entry>>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 1000,
  ) {}

  /** The cached token for `parts`, or a fresh one from `signIn`. */
  async get(parts: readonly string[], signIn: () => Promise<IssuedToken>): Promise<string> {
    const key = cacheKey(parts);
    const hit = this.entries.get(key);
    if (hit && hit.usableUntil > this.now()) return hit.token;
    let flight = this.pending.get(key);
    if (!flight) {
      flight = signIn()
        .then((issued) => {
          const entry = {
            token: issued.token,
            usableUntil: this.now() + usableSeconds(issued.expiresInSeconds) * 1000,
          };
          this.store(key, entry);
          return entry;
        })
        .finally(() => this.pending.delete(key));
      this.pending.set(key, flight);
    }
    return (await flight).token;
  }

  /**
   * Forgets the token for `parts` after the CRM refused it. Only that token: a delivery running in
   * parallel may already have replaced it with a fresh one.
   */
  drop(parts: readonly string[], token: string): void {
    const key = cacheKey(parts);
    if (this.entries.get(key)?.token === token) this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  private store(key: string, entry: Entry): void {
    this.entries.delete(key);
    if (entry.usableUntil <= this.now()) return; // too short-lived to be worth keeping
    this.entries.set(key, entry);
    // Oldest first (Map keeps insertion order): expired entries go, then the oldest beyond the cap.
    const now = this.now();
    for (const [k, e] of this.entries) {
      if (this.entries.size <= this.maxEntries && e.usableUntil > now) break;
      this.entries.delete(k);
    }
  }
}

/**
 * How long a token is used: up to a minute less than it lives (so it does not expire between the
 * check and the CRM's), but never less than half its life, so short-lived tokens are reused too.
 */
export function usableSeconds(expiresInSeconds: number): number {
  if (!(expiresInSeconds > 0)) return 0;
  return expiresInSeconds - Math.min(60, expiresInSeconds / 2);
}

/** A digest, so the cache holds no second copy of the secret and keys stay short. */
function cacheKey(parts: readonly string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(`${p.length}:${p}`);
  return h.digest('hex');
}

/** One cache for all CRM destinations of this process; tests may clear it. */
export const crmTokens = new TokenCache();
