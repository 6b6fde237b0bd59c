import type { RateLimitConsumeRequest } from '../rate-limit.store.js';

/** A subject's stored state as the algorithm sees it: its value and remaining life. */
export interface StoredState<S> {
  value: S;
  ttlMs: number;
}

/** One decision, before blocking is applied; `next` is written only when allowed. */
export interface AlgorithmDecision<S> {
  allowed: boolean;
  remaining: number;
  resetMs: number;
  retryAfterMs: number;
  next?: { value: S; ttlMs: number };
  /** When allowed: what the subject holds if the units are not taken (another policy refused the request). */
  idle?: { remaining: number; resetMs: number };
}

/**
 * The arithmetic of one algorithm, in TypeScript. The memory store runs it
 * as is; the Lua script of the same name does the same steps on Redis's clock.
 */
export type RateLimitAlgorithmStep<S> = (
  stored: StoredState<S> | undefined,
  nowUs: number,
  request: RateLimitConsumeRequest,
) => AlgorithmDecision<S>;
