import { slidingLogStep } from '../../../src/store/rate-limits/sliding-log.algorithm.js';
import { stepRequest } from './request.js';

const NOW_US = 10_000_000; // the window (1 s) holds admissions after 9_000_000
const request = (cost = 1) => stepRequest('sliding-log', { limit: 3, windowMs: 1_000, cost });
const stored = (value: number[]) => ({ value, ttlMs: 1_000 });

describe('slidingLogStep', () => {
  it('logs one admission time per unit and drops those that left the window', () => {
    expect(slidingLogStep(stored([8_900_000, 9_000_000, 9_500_000]), NOW_US, request(2))).toEqual({
      allowed: true,
      remaining: 0,
      resetMs: 1_000,
      retryAfterMs: 0,
      next: { value: [9_500_000, NOW_US, NOW_US], ttlMs: 1_000 },
      idle: { remaining: 2, resetMs: 500 },
    });
  });

  it('starts empty: the quota whole, nothing to wait for when idle', () => {
    const decision = slidingLogStep(undefined, NOW_US, request());
    expect(decision.remaining).toBe(2);
    expect(decision.idle).toEqual({ remaining: 3, resetMs: 0 });
  });

  it('retries when the oldest unit the request needs leaves the window; resets when the newest does', () => {
    expect(slidingLogStep(stored([9_200_000, 9_500_000, 9_900_000]), NOW_US, request())).toEqual({
      allowed: false,
      remaining: 0,
      resetMs: 900,
      retryAfterMs: 200,
    });
    // two units needed with one free: the second-oldest must leave
    expect(slidingLogStep(stored([9_200_000, 9_500_000]), NOW_US, request(2)).retryAfterMs).toBe(200);
    expect(slidingLogStep(stored([9_200_000, 9_500_000]), NOW_US, request(3)).retryAfterMs).toBe(500);
  });

  it('counts an admission exactly one window old as gone', () => {
    expect(slidingLogStep(stored([9_000_000, 9_000_000, 9_000_000]), NOW_US, request()).allowed).toBe(true);
    expect(slidingLogStep(stored([9_000_001, 9_000_001, 9_000_001]), NOW_US, request())).toMatchObject({
      allowed: false,
      retryAfterMs: 1,
    });
  });
});
