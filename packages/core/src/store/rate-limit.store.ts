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
  /** In a batch: whether this policy admits the request (it took units only if the whole batch did). */
  allowed: boolean;
  /** Units left after this request (for a refusal, or a batch another policy refused: units left now). */
  remaining: number;
  /** Until the quota is whole again, absent further requests. */
  resetMs: number;
  /** 0 when allowed; else until a request of the same cost would pass, absent other requests. */
  retryAfterMs: number;
}

/** What one atomic check of several policies answered: admitted by all (each took its units), or by none. */
export interface RateLimitBatchOutcome {
  allowed: boolean;
  /** One per request, in order. */
  outcomes: RateLimitOutcome[];
  /** What `refund` needs to give an admitted batch's units back (one per request; stores that refund only). */
  receipts?: Array<string | number>;
}

/**
 * Atomic rate-limit primitives. Redis runs each batch as one Lua script on
 * the server's clock; memory mirrors the same arithmetic. A refused request
 * never changes the state (only, with `blockMs`, starts the block).
 */
export interface RateLimitStore {
  consume(request: RateLimitConsumeRequest): Promise<RateLimitOutcome>;
  /**
   * Checks every request against one reading of the clock and takes their
   * units only if all admit. The keys must share a slot (see `slotOf`), and
   * the batch must hold at most `maxBatch` requests.
   */
  consumeAll(requests: readonly RateLimitConsumeRequest[]): Promise<RateLimitBatchOutcome>;
  /** Most requests one `consumeAll` takes (default: any number). */
  readonly maxBatch?: number;
  /** Which requests may share a batch: equal slots do. Absent: all of them (one server). */
  slotOf?(keys: RateLimitKeys): number;
  /**
   * Gives back what an admitted batch took, never more than it took nor
   * after it stopped counting (so a refund cannot admit more than a policy
   * allows). Present where batches can land in different slots.
   */
  refund?(requests: readonly RateLimitConsumeRequest[], receipts: ReadonlyArray<string | number>): Promise<void>;
  /** Forgets the subject: quota whole again, block lifted. */
  reset(keys: RateLimitKeys): Promise<void>;
}
