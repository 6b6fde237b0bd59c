import type { RateLimitAlgorithmStep } from './algorithm.js';

/** Mirrors rate-limit-sliding-log.script.ts: the admission times (µs) of every unit in the window, oldest first. */
export const slidingLogStep: RateLimitAlgorithmStep<number[]> = (stored, nowUs, { limit, windowMs, cost }) => {
  const windowUs = windowMs * 1000;
  const log = (stored?.value ?? []).filter((at) => at > nowUs - windowUs);
  const count = log.length;
  if (count + cost > limit) {
    const oldest = log[count + cost - limit - 1]!;
    const newest = log[count - 1]!;
    return {
      allowed: false,
      remaining: limit - count,
      resetMs: Math.ceil((newest + windowUs - nowUs) / 1000),
      retryAfterMs: Math.max(Math.ceil((oldest + windowUs - nowUs) / 1000), 1),
    };
  }
  const idleResetMs = count === 0 ? 0 : Math.ceil((log[count - 1]! + windowUs - nowUs) / 1000);
  for (let i = 0; i < cost; i++) log.push(nowUs);
  return {
    allowed: true,
    remaining: limit - count - cost,
    resetMs: windowMs,
    retryAfterMs: 0,
    next: { value: log, ttlMs: windowMs },
    idle: { remaining: limit - count, resetMs: idleResetMs },
  };
};
