import { RateLimitUnavailableError, type RateLimitRule, type CacheLogger } from '@cachet/core';
import { RedisStore } from '@cachet/core/store';
import { startRedis, type RedisServerHandle, sleep } from '@cachet/testing';
import { openLimiter, limiterOn, type LimiterFixture } from './limiters.js';
import { REDIS_STORE_KINDS } from '../support/stores.js';

const silent: CacheLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

describe.each(REDIS_STORE_KINDS)('RateLimiter on %s', (kind) => {
  let fixture: LimiterFixture;
  beforeAll(() => {
    fixture = openLimiter(kind, { overLimitCacheSize: 100 });
  });
  afterAll(() => fixture.close());

  it('refuses a subject already known to be over its limit without a round trip, until its retry time', async () => {
    const rule: RateLimitRule = { limit: 2, window: 400, algorithm: 'sliding-log' };
    await fixture.limiter.consume('flooder', rule);
    await fixture.limiter.consume('flooder', rule);
    const refused = await fixture.limiter.consume('flooder', rule);
    expect(refused).toMatchObject({ allowed: false, source: 'store' });
    const before = fixture.limiter.stats();
    const flood = await Promise.all(Array.from({ length: 200 }, () => fixture.limiter.consume('flooder', rule)));
    const after = fixture.limiter.stats();
    expect(flood.every((result) => !result.allowed && result.source === 'short-circuit')).toBe(true);
    expect(flood.every((result) => result.retryAfterMs > 0 && result.retryAfterMs <= refused.retryAfterMs)).toBe(true);
    expect(after.storeChecks).toBe(before.storeChecks);
    expect(after.shortCircuited - before.shortCircuited).toBe(200);
    // Another subject is unaffected.
    expect((await fixture.limiter.consume('neighbour', rule)).allowed).toBe(true);
    await sleep(refused.retryAfterMs + 20);
    expect(await fixture.limiter.consume('flooder', rule)).toMatchObject({ allowed: true, source: 'store' });
  });

  it('blockDuration sets a block key with its TTL, and the block answers every algorithm', async () => {
    const rule: RateLimitRule = { limit: 1, window: '1s', algorithm: 'token-bucket', blockDuration: '1m' };
    await fixture.limiter.consume('blocked', rule);
    const refused = await fixture.limiter.consume('blocked', rule);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBeGreaterThan(59_000);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(refused.resetMs).toBe(refused.retryAfterMs);
  });

  it('reset gives the quota back (and forgets the local refusal)', async () => {
    const rule: RateLimitRule = { limit: 1, window: '1h', algorithm: 'fixed-window' };
    await fixture.limiter.consume('login:alice', rule);
    expect((await fixture.limiter.consume('login:alice', rule)).allowed).toBe(false);
    await fixture.limiter.reset('login:alice', rule);
    expect((await fixture.limiter.consume('login:alice', rule)).allowed).toBe(true);
  });
});

describe('RateLimiter with Redis stopped', () => {
  let server: RedisServerHandle;
  let store: RedisStore;
  beforeAll(async () => {
    server = await startRedis();
    store = RedisStore.connect(server.url, { commandTimeoutMs: 200 });
    await store.ready(5_000);
  });
  afterAll(async () => {
    await store.close();
    await server.stop();
  });

  it('fails open onto the in-process insurance limiter, which still enforces the rule; fail-closed throws', async () => {
    const readiness = { isReady: () => store.isReady(), ready: (ms: number) => store.ready(ms), readyTimeoutMs: 200 };
    const open = limiterOn(store.rateLimits, {
      ...readiness,
      logger: silent,
      breaker: { threshold: 2, resetMs: 60_000 },
    });
    const closed = limiterOn(store.rateLimits, { ...readiness, logger: silent, failOpen: false });
    const rule: RateLimitRule = { limit: 3, window: '1h', algorithm: 'fixed-window' };
    expect(await open.consume('a', rule)).toMatchObject({ allowed: true, source: 'store' });

    await server.stop();
    const results = [];
    for (let i = 0; i < 6; i++) results.push(await open.consume('a', rule));
    expect(results.map((result) => result.source)).toEqual(Array(6).fill('insurance'));
    expect(results.filter((result) => result.allowed)).toHaveLength(3);
    // The breaker opened after two failures: later checks do not even try Redis.
    expect(open.stats().storeErrors).toBe(2);

    await expect(closed.consume('a', rule)).rejects.toThrow(RateLimitUnavailableError);
  });
});
