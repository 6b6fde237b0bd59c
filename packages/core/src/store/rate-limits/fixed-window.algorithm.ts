import type { RateLimitAlgorithmStep } from './algorithm.js';

/** Mirrors rate-limit-fixed-window.script.ts: a counter whose window opens on the first request. */
export const fixedWindowStep: RateLimitAlgorithmStep<number> = (stored, _nowUs, { limit, windowMs, cost }) => {
  const fresh = !stored || stored.ttlMs <= 0;
  const used = fresh ? 0 : stored.value;
  const ttlMs = fresh ? windowMs : Math.ceil(stored.ttlMs);
  if (used + cost > limit) {
    return { allowed: false, remaining: limit - used, resetMs: ttlMs, retryAfterMs: ttlMs };
  }
  return {
    allowed: true,
    remaining: limit - used - cost,
    resetMs: ttlMs,
    retryAfterMs: 0,
    next: { value: used + cost, ttlMs },
    idle: fresh ? { remaining: limit, resetMs: 0 } : { remaining: limit - used, resetMs: ttlMs },
  };
};
