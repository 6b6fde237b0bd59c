import type { RateLimitAlgorithmStep } from './algorithm.js';

export interface SlidingWindowState {
  index: number;
  current: number;
  previous: number;
}

/** Mirrors rate-limit-sliding-window.script.ts: two aligned windows, the previous one weighted. */
export const slidingWindowStep: RateLimitAlgorithmStep<SlidingWindowState> = (
  stored,
  nowUs,
  { limit, windowMs: window, cost },
) => {
  const now = nowUs / 1000;
  const index = Math.floor(now / window);
  const elapsed = now - index * window;
  let current = 0;
  let previous = 0;
  if (stored?.value.index === index) {
    current = stored.value.current;
    previous = stored.value.previous;
  } else if (stored?.value.index === index - 1) {
    previous = stored.value.current;
  }
  const estimate = (previous * (window - elapsed)) / window + current;
  const idleReset = current > 0 ? 2 * window - elapsed : previous > 0 ? window - elapsed : 0;
  if (estimate + cost > limit) {
    const retry =
      current + cost <= limit
        ? window - elapsed - ((limit - current - cost) * window) / previous
        : window - elapsed + window - ((limit - cost) * window) / current;
    return {
      allowed: false,
      remaining: Math.floor(limit - estimate),
      resetMs: Math.ceil(idleReset),
      retryAfterMs: Math.max(Math.ceil(retry), 1),
    };
  }
  const reset = Math.ceil(2 * window - elapsed);
  return {
    allowed: true,
    remaining: Math.floor(limit - estimate - cost + 1e-9),
    resetMs: reset,
    retryAfterMs: 0,
    next: { value: { index, current: current + cost, previous }, ttlMs: reset },
    idle: { remaining: Math.floor(limit - estimate + 1e-9), resetMs: Math.ceil(idleReset) },
  };
};
