import { slidingWindowStep } from '../../../src/store/rate-limits/sliding-window.algorithm.js';
import { stepRequest } from './request.js';

// Windows of 1 s aligned on the clock: now is 250 ms into window 10, so window 9 still weighs 75 %.
const NOW_US = 10_250_000;
const request = (cost = 1) => stepRequest('sliding-window', { limit: 5, windowMs: 1_000, cost });
const stored = (index: number, current: number, previous: number) => ({
  value: { index, current, previous },
  ttlMs: 1_000,
});

describe('slidingWindowStep', () => {
  it('weighs the previous window by the share of it still inside the sliding window', () => {
    // the stored window 9 is now the previous one: estimate 4 × 0.75 = 3
    expect(slidingWindowStep(stored(9, 4, 99), NOW_US, request(2))).toEqual({
      allowed: true,
      remaining: 0,
      resetMs: 1_750,
      retryAfterMs: 0,
      next: { value: { index: 10, current: 2, previous: 4 }, ttlMs: 1_750 },
      idle: { remaining: 2, resetMs: 750 },
    });
  });

  it('refuses past the limit; retries once enough of the previous window has slid out', () => {
    expect(slidingWindowStep(stored(9, 4, 0), NOW_US, request(3))).toEqual({
      allowed: false,
      remaining: 2,
      resetMs: 750,
      retryAfterMs: 250, // 4 × (750 − t) / 1000 + 3 ≤ 5 from t = 250
    });
  });

  it('with the current window alone over the limit, retries in the next window', () => {
    expect(slidingWindowStep(stored(10, 5, 0), NOW_US, request())).toEqual({
      allowed: false,
      remaining: 0,
      resetMs: 1_750,
      retryAfterMs: 950, // next window from 750, then 5 × (1000 − t) / 1000 + 1 ≤ 5 from t = 200
    });
  });

  it('keeps counting in the current window', () => {
    expect(slidingWindowStep(stored(10, 1, 4), NOW_US, request()).next?.value).toEqual({
      index: 10,
      current: 2,
      previous: 4,
    });
  });

  it('forgets windows older than the previous one', () => {
    const decision = slidingWindowStep(stored(8, 5, 5), NOW_US, request());
    expect(decision).toMatchObject({ allowed: true, remaining: 4, idle: { remaining: 5, resetMs: 0 } });
    expect(decision.next?.value).toEqual({ index: 10, current: 1, previous: 0 });
  });
});
