import type { RateLimitAlgorithm, RateLimitResult } from '@cachet/core';
import { STORE_KINDS } from '../support/stores.js';
import { openLimiter, type LimiterFixture } from './limiters.js';

const LIMIT = 100;
const REQUESTS = 500;
// A long window keeps refill (token-bucket) and window edges out of the burst, so the count must be exact.
const WINDOW_MS = 3_600_000;

async function burst(fixture: LimiterFixture, algorithm: RateLimitAlgorithm) {
  const subject = `burst:${algorithm}`;
  const started = Date.now();
  const results = await Promise.all(
    Array.from({ length: REQUESTS }, () =>
      fixture.limiter.consume(subject, { limit: LIMIT, window: WINDOW_MS, algorithm }),
    ),
  );
  return { results, spanMs: Date.now() - started };
}

const admitted = (results: RateLimitResult[]) => results.filter((result) => result.allowed);

describe.each(STORE_KINDS)('rate-limit exactness under concurrency: %s', (kind) => {
  let fixture: LimiterFixture;
  beforeAll(() => {
    fixture = openLimiter(kind);
  });
  afterAll(() => fixture.close());

  it.each<RateLimitAlgorithm>(['fixed-window', 'sliding-log', 'token-bucket'])(
    '%s admits exactly the limit out of 500 concurrent requests',
    async (algorithm) => {
      const { results } = await burst(fixture, algorithm);
      const passed = admitted(results);
      expect(passed).toHaveLength(LIMIT);
      // Every admitted request saw a distinct remaining count: no two shared a unit.
      expect(passed.map((result) => result.remaining).sort((a, b) => a - b)).toEqual(
        Array.from({ length: LIMIT }, (_, i) => i),
      );
      expect(results.every((result) => result.source === 'store')).toBe(true);
      const refused = results.filter((result) => !result.allowed);
      expect(refused.every((result) => result.remaining === 0 && result.retryAfterMs > 0)).toBe(true);
    },
  );

  it('sliding-window stays within its documented bound (the limit, plus the weight error across an edge)', async () => {
    const { results, spanMs } = await burst(fixture, 'sliding-window');
    const passed = admitted(results).length;
    // Within one aligned window the estimate is the exact count; only a burst that straddles
    // a window edge can over-admit, by at most limit × (burst span / window).
    const bound = LIMIT + Math.ceil((LIMIT * spanMs) / WINDOW_MS);
    console.log(`[${kind}] sliding-window burst: ${passed} of ${REQUESTS} admitted in ${spanMs} ms (bound ${bound})`);
    expect(passed).toBeGreaterThanOrEqual(LIMIT);
    expect(passed).toBeLessThanOrEqual(bound);
  });

  it('counts a cost against the quota as that many units, concurrently', async () => {
    const results = await Promise.all(
      Array.from({ length: 100 }, () =>
        fixture.limiter.consume('cost:fixed', { limit: LIMIT, window: WINDOW_MS, algorithm: 'sliding-log', cost: 7 }),
      ),
    );
    expect(admitted(results)).toHaveLength(Math.floor(LIMIT / 7));
    expect(Math.min(...admitted(results).map((result) => result.remaining))).toBe(LIMIT % 7);
  });
});
