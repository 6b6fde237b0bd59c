/** The four algorithms a rate limit can run; `token-bucket` is GCRA. */
export type RateLimitAlgorithm = 'sliding-window' | 'fixed-window' | 'sliding-log' | 'token-bucket';

/** The two keys of one limited subject; they share a hash tag, hence one Cluster slot. */
export interface RateLimitKeys {
  /** Counter, window pair, log or TAT, depending on the algorithm. */
  state: string;
  /** Present (with a TTL) while the subject serves a `blockDuration`. */
  block: string;
}

export interface RateLimitConsumeRequest {
  keys: RateLimitKeys;
  algorithm: RateLimitAlgorithm;
  limit: number;
  windowMs: number;
  /** Units this request takes (at least 1, at most `limit`, at most `burst` for token-bucket). */
  cost: number;
  /** 0: no block. Otherwise the refusal that exceeds the limit blocks the subject this long. */
  blockMs: number;
  /** token-bucket only: bucket capacity (the limit by default). */
  burst: number;
}

/** What one atomic check-and-consume answered. Durations are whole ms, rounded up. */
export interface RateLimitOutcome {
  allowed: boolean;
  /** Units left after this request (for a refusal: units left now). */
  remaining: number;
  /** Until the quota is whole again, absent further requests. */
  resetMs: number;
  /** 0 when allowed; else until a request of the same cost would pass, absent other requests. */
  retryAfterMs: number;
}

/**
 * Atomic rate-limit primitives. Redis runs each consume as one Lua script on
 * the server's clock; memory mirrors the same arithmetic. A refused request
 * never changes the state (only, with `blockMs`, starts the block).
 */
export interface RateLimitStore {
  consume(request: RateLimitConsumeRequest): Promise<RateLimitOutcome>;
  /** Forgets the subject: quota whole again, block lifted. */
  reset(keys: RateLimitKeys): Promise<void>;
}
