import { fixedWindowStep } from '../../../src/store/rate-limits/fixed-window.algorithm.js';
import { stepRequest } from './request.js';

const NOW_US = 50_000_000;
const request = (cost = 1) => stepRequest('fixed-window', { limit: 5, windowMs: 1_000, cost });

describe('fixedWindowStep', () => {
  it('opens a window of windowMs on the first request', () => {
    expect(fixedWindowStep(undefined, NOW_US, request(2))).toEqual({
      allowed: true,
      remaining: 3,
      resetMs: 1_000,
      retryAfterMs: 0,
      next: { value: 2, ttlMs: 1_000 },
      idle: { remaining: 5, resetMs: 0 },
    });
  });

  it('counts within the open window, which keeps its end (the TTL, rounded up)', () => {
    expect(fixedWindowStep({ value: 3, ttlMs: 400.2 }, NOW_US, request(2))).toEqual({
      allowed: true,
      remaining: 0,
      resetMs: 401,
      retryAfterMs: 0,
      next: { value: 5, ttlMs: 401 },
      idle: { remaining: 2, resetMs: 401 },
    });
  });

  it('refuses past the limit until the window ends, writing nothing', () => {
    expect(fixedWindowStep({ value: 3, ttlMs: 400.2 }, NOW_US, request(3))).toEqual({
      allowed: false,
      remaining: 2,
      resetMs: 401,
      retryAfterMs: 401,
    });
  });

  it('treats a window whose TTL ran out as no window', () => {
    expect(fixedWindowStep({ value: 5, ttlMs: 0 }, NOW_US, request()).next).toEqual({ value: 1, ttlMs: 1_000 });
  });
});
