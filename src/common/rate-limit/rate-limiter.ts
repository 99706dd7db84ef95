import { isIP } from 'node:net';

export interface RateLimitOptions {
  /** Sustained requests per minute per key; 0 turns the limit off. */
  readonly perMinute: number;
  /** Requests a key may make at once before the sustained rate applies. */
  readonly burst: number;
  /** Keys kept at most (idle ones are forgotten first). */
  readonly maxKeys?: number;
  readonly now?: () => number;
}

export type RateVerdict =
  | { readonly allowed: true }
  | {
      readonly allowed: false;
      /** Whole seconds until one request is allowed again (Retry-After), at least 1. */
      readonly retryAfterSeconds: number;
      /** The first refusal since this key was last allowed: the one worth recording. */
      readonly firstRefusal: boolean;
    };

interface Bucket {
  tokens: number;
  at: number;
  refusing: boolean;
}

const ALLOWED: RateVerdict = Object.freeze({ allowed: true });

/**
 * Token buckets in this process's memory (OWASP API4): `burst` requests at once, refilled at
 * `perMinute`. State is per broker instance — N instances behind a load balancer allow N times the
 * limit — because a shared counter in PostgreSQL would add a write, and a hot row per agency, to
 * every request, reads included. The map is bounded: full (idle) buckets are dropped first, as
 * forgetting them changes nothing; past that, the least recently used.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;
  private readonly maxKeys: number;
  private readonly now: () => number;

  constructor(private readonly options: RateLimitOptions) {
    this.perMs = options.perMinute / 60_000;
    this.maxKeys = options.maxKeys ?? 100_000;
    this.now = options.now ?? Date.now;
  }

  get enabled(): boolean {
    return this.options.perMinute > 0;
  }

  /** Spends one request of `key`'s allowance, or says how long to wait. */
  take(key: string): RateVerdict {
    if (!this.enabled) return ALLOWED;
    const now = this.now();
    const bucket = this.refilled(key, now);
    // Most recently used last, so that eviction drops the least recently used first.
    this.buckets.delete(key);
    if (this.buckets.size >= this.maxKeys) this.evict(now);
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      bucket.refusing = false;
      return ALLOWED;
    }
    const firstRefusal = !bucket.refusing;
    bucket.refusing = true;
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.perMs / 1000)),
      firstRefusal,
    };
  }

  private refilled(key: string, now: number): Bucket {
    const bucket = this.buckets.get(key);
    if (!bucket) return { tokens: this.options.burst, at: now, refusing: false };
    const elapsed = Math.max(0, now - bucket.at);
    bucket.tokens = Math.min(this.options.burst, bucket.tokens + elapsed * this.perMs);
    bucket.at = now;
    return bucket;
  }

  /**
   * Makes room: drops every full bucket, then the least recently used down to 90 % of the bound,
   * so that the scan runs once per many new keys, not on each (a flood of new addresses).
   */
  private evict(now: number): void {
    for (const [key, bucket] of this.buckets) {
      const tokens = bucket.tokens + Math.max(0, now - bucket.at) * this.perMs;
      if (tokens >= this.options.burst) this.buckets.delete(key);
    }
    const keep = this.maxKeys - Math.max(1, Math.floor(this.maxKeys / 10));
    for (const key of this.buckets.keys()) {
      if (this.buckets.size <= keep) break;
      this.buckets.delete(key);
    }
  }
}

/**
 * The key of a client address: an IPv4 address (IPv4-mapped IPv6 included) as is, an IPv6 address
 * by its /64 — one subscriber's whole allocation, so a host cannot dodge the limit by rotating the
 * interface bits it freely chooses.
 */
export function clientAddressKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1];
  if (isIP(address) !== 6) return address;
  const compressed = address.includes('::');
  const [head, tail = ''] = address.split('::');
  const first = head ? head.split(':') : [];
  const last = compressed && tail ? tail.split(':') : [];
  const groups = [
    ...first,
    ...Array<string>(Math.max(0, 8 - first.length - last.length)).fill('0'),
    ...last,
  ];
  return `${groups
    .slice(0, 4)
    .map((group) => parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}
