import type { Duration } from '../shared/duration.js';
import type { RateLimitAlgorithm } from '../store/rate-limit.store.js';

export type { RateLimitAlgorithm };

/** How much traffic a subject may send: `limit` units per `window`. */
export interface RateLimitRule {
  limit: number;
  window: Duration;
  /** Default `'sliding-window'`. `'token-bucket'` is GCRA. */
  algorithm?: RateLimitAlgorithm;
  /** Units each request takes (default 1). */
  cost?: number;
  /** After the refusal that exceeds the limit, refuse everything for this long. */
  blockDuration?: Duration;
  /** token-bucket only: units that may be taken at once (default `limit`); the rate stays limit/window. */
  burst?: number;
}

/** A rule checked and converted once (durations in ms, defaults filled). */
export interface ResolvedRateLimitRule {
  readonly resolved: true;
  readonly limit: number;
  readonly windowMs: number;
  readonly algorithm: RateLimitAlgorithm;
  readonly cost: number;
  readonly blockMs: number;
  readonly burst: number;
}

/**
 * Where an answer came from. `'unchecked'`: another policy of the same
 * `consumeAll` refused before this one was asked (from memory, or in a slot
 * checked earlier); nothing was taken and the figures say nothing.
 */
export type RateLimitSource = 'store' | 'short-circuit' | 'insurance' | 'unchecked';

export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  /** Units left after this request. */
  remaining: number;
  /** Whole ms until the quota is whole again, absent further requests. */
  resetMs: number;
  /** 0 when allowed; else whole ms until the same request would pass (the block included). */
  retryAfterMs: number;
  source: RateLimitSource;
}

/** One policy of a request checked with `consumeAll`. */
export interface RateLimitCheck {
  subject: string;
  rule: RateLimitRule | ResolvedRateLimitRule;
  /** Overrides the rule's cost for this request. */
  cost?: number;
  /**
   * Where the subject's keys live on Cluster (default: the subject itself).
   * Checks given the same slot, e.g. the client they count, share a Cluster
   * slot and so are one script, one round trip. Pass the same slot to
   * `consume` and `reset` for the same subject.
   */
  slot?: string;
}

/** What `consumeAll` answered: admitted by every policy (each took its units), or by none (none took any). */
export interface RateLimitBatchResult {
  allowed: boolean;
  /**
   * One per check, in order. `allowed` says whether that policy admits the
   * request; when another refused, it took nothing and `remaining` is what it
   * holds now.
   */
  results: RateLimitResult[];
  /** 0 when allowed; else whole ms until every refusing policy would pass, absent other requests. */
  retryAfterMs: number;
}
