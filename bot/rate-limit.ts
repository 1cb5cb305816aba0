/** What a limiter answers: whether to go ahead, and when it would be worth trying again. */
export interface RateDecision {
  allowed: boolean;
  retryAfterMs: number;
}

/**
 * Limits requests per key. Async so a shared implementation (Redis, for several replicas) can
 * stand in for the in-process one without changing callers.
 */
export interface RateLimiter {
  consume(key: string, cost?: number): Promise<RateDecision>;
  /** Drops a key's state (its socket closed). */
  forget(key: string): void;
}

export interface TokenBucketOptions {
  /** Burst size: how many requests may arrive at once. */
  capacity: number;
  /** Sustained rate. */
  refillPerSecond: number;
}

/** A token bucket per key, in process memory. */
export class TokenBucketLimiter implements RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly options: TokenBucketOptions,
    private readonly now: () => number = Date.now,
  ) {
    if (!(options.capacity > 0) || !(options.refillPerSecond > 0)) throw new RangeError("rate limit capacity and refillPerSecond must be positive");
  }

  async consume(key: string, cost = 1): Promise<RateDecision> {
    const { capacity, refillPerSecond } = this.options;
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) / 1000) * refillPerSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      return { allowed: true, retryAfterMs: 0 };
    }
    return { allowed: false, retryAfterMs: Math.ceil(((cost - bucket.tokens) / refillPerSecond) * 1000) };
  }

  forget(key: string): void {
    this.buckets.delete(key);
  }
}
