import type { RateLimitAlgorithmStep } from './algorithm.js';

/** Mirrors rate-limit-token-bucket.script.ts: GCRA over one theoretical arrival time (µs). */
export const tokenBucketStep: RateLimitAlgorithmStep<number> = (stored, nowUs, { limit, windowMs, cost, burst }) => {
  const emission = (windowMs * 1000) / limit;
  const tolerance = emission * burst;
  const tat = Math.max(stored?.value ?? 0, nowUs);
  const nextTat = Math.floor(tat + emission * cost + 0.5);
  const allowAt = nextTat - tolerance;
  if (allowAt > nowUs) {
    return {
      allowed: false,
      remaining: Math.max(Math.floor((tolerance - (tat - nowUs)) / emission + 1e-9), 0),
      resetMs: Math.ceil((tat - nowUs) / 1000),
      retryAfterMs: Math.max(Math.ceil((allowAt - nowUs) / 1000), 1),
    };
  }
  const reset = Math.ceil((nextTat - nowUs) / 1000);
  return {
    allowed: true,
    remaining: Math.floor((tolerance - (nextTat - nowUs)) / emission + 1e-9),
    resetMs: reset,
    retryAfterMs: 0,
    next: { value: nextTat, ttlMs: reset },
    idle: {
      remaining: Math.floor((tolerance - (tat - nowUs)) / emission + 1e-9),
      resetMs: Math.ceil((tat - nowUs) / 1000),
    },
  };
};
