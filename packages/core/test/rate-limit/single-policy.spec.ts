import type { RateLimitAlgorithm, RateLimitResult, RateLimitRule } from '@cachet/core';
import { KeySpace } from '@cachet/core/store';
import { Redis } from 'ioredis';
import { sleep, testRedisUrl } from '@cachet/testing';
import { REDIS_STORE_KINDS } from '../support/stores.js';
import { openLimiter, type LimiterFixture } from './limiters.js';

const ALGORITHMS: RateLimitAlgorithm[] = ['fixed-window', 'sliding-window', 'sliding-log', 'token-bucket'];

/** What a check answers that does not depend on the instant it ran (a window this long never rolls mid-test). */
const decided = ({ allowed, remaining, source }: RateLimitResult) => ({ allowed, remaining, source });

// `consume` runs the algorithm's own script; `consumeAll` of one check runs the batch script. Same decisions.
describe.each(REDIS_STORE_KINDS)('a single policy decides as the batch script does: %s', (kind) => {
  let fixture: LimiterFixture;
  beforeAll(() => {
    fixture = openLimiter(kind);
  });
  afterAll(() => fixture.close());

  it.each(ALGORITHMS)('%s: admissions, remaining units and refusals, with costs', async (algorithm) => {
    const rule: RateLimitRule = { limit: 7, window: '1h', algorithm };
    const costs = [1, 3, 2, 1, 2, 1, 1];
    const alone: RateLimitResult[] = [];
    const batched: RateLimitResult[] = [];
    for (const cost of costs) {
      alone.push(await fixture.limiter.consume(`alone:${algorithm}`, rule, { cost }));
      batched.push((await fixture.limiter.consumeAll([{ subject: `batched:${algorithm}`, rule, cost }])).results[0]!);
    }
    expect(alone.map(decided)).toEqual(batched.map(decided));
    expect(alone.map((result) => result.allowed)).toEqual([true, true, true, true, false, false, false]);
    for (const [i, result] of alone.entries()) {
      if (!result.allowed) expect(result.retryAfterMs).toBeGreaterThan(0);
      expect(result.resetMs).toBeLessThanOrEqual(algorithm === 'sliding-window' ? 2 * 3_600_000 : 3_600_000);
      expect(Math.abs(result.resetMs - batched[i]!.resetMs)).toBeLessThan(1_000);
    }
  });

  it.each(ALGORITHMS)('%s: the refusal that exceeds the limit starts the block, as in a batch', async (algorithm) => {
    const rule: RateLimitRule = { limit: 1, window: '1h', algorithm, blockDuration: '2h' };
    await fixture.limiter.consume(`block:${algorithm}`, rule);
    const refused = await fixture.limiter.consume(`block:${algorithm}`, rule);
    const blocked = await fixture.limiter.consume(`block:${algorithm}`, { ...rule, limit: 100 });
    expect(refused).toMatchObject({ allowed: false, remaining: 0 });
    expect(refused.retryAfterMs).toBeGreaterThan(7_199_000);
    expect(refused.resetMs).toBe(refused.retryAfterMs);
    // A block answers whatever the rule now allows, and does not grow.
    expect(blocked).toMatchObject({ allowed: false, remaining: 0 });
    expect(blocked.retryAfterMs).toBeLessThanOrEqual(refused.retryAfterMs);
  });
});

describe('single policy on one Redis', () => {
  let fixture: LimiterFixture;
  let redis: Redis;
  beforeAll(() => {
    fixture = openLimiter('redis');
    redis = new Redis(testRedisUrl());
  });
  afterAll(async () => {
    await redis.quit();
    await fixture.close();
  });
  const keysOf = (algorithm: RateLimitAlgorithm, subject: string) => {
    const namespace = (fixture.limiter as unknown as { keySpace: { namespace: string } }).keySpace.namespace;
    return new KeySpace(namespace).rateLimit(algorithm, subject);
  };

  it('sliding-window: counts within a window, the hash expiring when the next window ends', async () => {
    const window = 2_000;
    const rule: RateLimitRule = { limit: 1_000, window, algorithm: 'sliding-window' };
    const { state } = keysOf('sliding-window', 'ttl');
    // Start right after a window opens, so the writes below all fall in it.
    await sleep(window - (Date.now() % window) + 20);
    await fixture.limiter.consume('ttl', rule);
    for (let i = 0; i < 9; i++) await fixture.limiter.consume('ttl', rule, { cost: 2 });
    const [index, current, previous] = await redis.hmget(state, 'w', 'c', 'p');
    expect(Number(current)).toBe(19);
    expect(previous).toBe('0');
    // Counting in the window kept the expiry its first write set: (index + 2) × window on the server's clock.
    const [[, time], [, ttl]] = (await redis.multi().time().pttl(state).exec()) as [[null, string[]], [null, number]];
    const serverNow = Number(time[0]) * 1_000 + Number(time[1]) / 1_000;
    expect(Math.abs(serverNow + ttl - (Number(index) + 2) * window)).toBeLessThanOrEqual(2);

    // The next window carries this one as its previous and sets a fresh expiry.
    await sleep(window - (Date.now() % window) + 20);
    const next = await fixture.limiter.consume('ttl', rule);
    expect(await redis.hmget(state, 'w', 'c', 'p')).toEqual([String(Number(index) + 1), '1', '19']);
    expect(next.allowed).toBe(true);
    expect(await redis.pttl(state)).toBeGreaterThan(window);
  });

  it('answers after the server forgot its scripts (SCRIPT FLUSH): sent again as EVAL', async () => {
    for (const algorithm of ALGORITHMS) {
      await fixture.limiter.consume(`flush:${algorithm}`, { limit: 2, window: '1h', algorithm });
    }
    await redis.script('FLUSH');
    for (const algorithm of ALGORITHMS) {
      const rule: RateLimitRule = { limit: 2, window: '1h', algorithm };
      expect(await fixture.limiter.consume(`flush:${algorithm}`, rule)).toMatchObject({ allowed: true, remaining: 0 });
      expect(await fixture.limiter.consume(`flush:${algorithm}`, rule)).toMatchObject({ allowed: false, remaining: 0 });
    }
    expect(fixture.limiter.stats()).toMatchObject({ storeErrors: 0, insured: 0 });
  });
});
