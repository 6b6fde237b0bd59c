import { Redis } from 'ioredis';
import type { RateLimitAlgorithm } from '@cachet/core';
import { KeySpace } from '@cachet/core/store';
import { testRedisUrl, sleep } from '@cachet/testing';
import { STORE_KINDS } from '../support/stores.js';
import { openLimiter, type LimiterFixture } from './limiters.js';

const ALGORITHMS: RateLimitAlgorithm[] = ['fixed-window', 'sliding-window', 'sliding-log', 'token-bucket'];

describe.each(STORE_KINDS)('refused requests do not consume quota: %s', (kind) => {
  let fixture: LimiterFixture;
  beforeAll(() => {
    fixture = openLimiter(kind);
  });
  afterAll(() => fixture.close());

  it.each(ALGORITHMS)('%s: a flood of refusals leaves the reset time where it was', async (algorithm) => {
    const rule = { limit: 5, window: 600, algorithm };
    for (let i = 0; i < 5; i++) expect((await fixture.limiter.consume('flood', rule)).allowed).toBe(true);
    const first = await fixture.limiter.consume('flood', rule);
    expect(first.allowed).toBe(false);
    const flood = await Promise.all(Array.from({ length: 50 }, () => fixture.limiter.consume('flood', rule)));
    expect(flood.some((result) => result.allowed)).toBe(false);
    // Had refusals been recorded (log entries, a later TAT), the quota would come back later than promised.
    const last = await fixture.limiter.consume('flood', rule);
    expect(last.resetMs).toBeLessThanOrEqual(first.resetMs);

    await sleep(first.resetMs + 30);
    const again = await Promise.all(Array.from({ length: 5 }, () => fixture.limiter.consume('flood', rule)));
    expect(again.every((result) => result.allowed)).toBe(true);
  });

  if (kind === 'redis') {
    it('fixed-window: the stored counter holds admitted units only', async () => {
      const rule = { limit: 3, window: 60_000, algorithm: 'fixed-window' as const };
      await Promise.all(Array.from({ length: 20 }, () => fixture.limiter.consume('counter', rule)));
      const namespace = (fixture.limiter as unknown as { keySpace: { namespace: string } }).keySpace.namespace;
      const redis = new Redis(testRedisUrl());
      const { state } = new KeySpace(namespace).rateLimit('fixed-window', 'counter');
      try {
        expect(await redis.get(state)).toBe('3');
        const ttl = await redis.pttl(state);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(60_000);
      } finally {
        await redis.quit();
      }
    });
  }
});
