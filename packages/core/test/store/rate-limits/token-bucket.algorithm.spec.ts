import { tokenBucketStep } from '../../../src/store/rate-limits/token-bucket.algorithm.js';
import { stepRequest } from './request.js';

// 10 per second: one unit every 100 ms (100_000 µs of theoretical arrival time, TAT).
const NOW_US = 5_000_000;
const request = (cost = 1, burst = 10) => stepRequest('token-bucket', { limit: 10, windowMs: 1_000, cost, burst });
const tat = (value: number) => ({ value, ttlMs: 1_000 });

describe('tokenBucketStep (GCRA)', () => {
  it('a full bucket admits and moves the TAT one emission past now', () => {
    expect(tokenBucketStep(undefined, NOW_US, request())).toEqual({
      allowed: true,
      remaining: 9,
      resetMs: 100,
      retryAfterMs: 0,
      next: { value: NOW_US + 100_000, ttlMs: 100 },
      idle: { remaining: 10, resetMs: 0 },
    });
  });

  it('a TAT in the past is a full bucket (no credit saved up beyond the burst)', () => {
    expect(tokenBucketStep(tat(1_000_000), NOW_US, request())).toEqual(tokenBucketStep(undefined, NOW_US, request()));
  });

  it('admits while the debt stays within the burst, the last unit exactly at the edge', () => {
    const decision = tokenBucketStep(tat(NOW_US + 700_000), NOW_US, request(3));
    expect(decision).toMatchObject({
      allowed: true,
      remaining: 0,
      resetMs: 1_000,
      next: { value: NOW_US + 1_000_000 },
    });
    expect(decision.idle).toEqual({ remaining: 3, resetMs: 700 });
  });

  it('refuses an empty bucket until one emission has drained, writing nothing', () => {
    expect(tokenBucketStep(tat(NOW_US + 1_000_000), NOW_US, request())).toEqual({
      allowed: false,
      remaining: 0,
      resetMs: 1_000,
      retryAfterMs: 100,
    });
    expect(tokenBucketStep(tat(NOW_US + 1_000_000), NOW_US, request(4)).retryAfterMs).toBe(400);
  });

  it('a smaller burst caps what a full bucket holds, at the same rate', () => {
    expect(tokenBucketStep(undefined, NOW_US, request(1, 2)).remaining).toBe(1);
    expect(tokenBucketStep(tat(NOW_US + 100_000), NOW_US, request(1, 2))).toMatchObject({
      allowed: true,
      remaining: 0,
    });
    expect(tokenBucketStep(tat(NOW_US + 200_000), NOW_US, request(1, 2))).toMatchObject({
      allowed: false,
      retryAfterMs: 100,
    });
  });
});
