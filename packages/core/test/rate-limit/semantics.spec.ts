import { CacheConfigError, type RateLimitAlgorithm, type RateLimitRule } from '@cachet/core';
import { MemoryRateLimitStore } from '@cachet/core/store';
import { limiterOn } from './limiters.js';

/** A memory store on a clock the test moves, so every value can be checked exactly. */
function onFakeClock() {
  let nowUs = 1_000_000_000_000; // aligned on whole seconds: sliding-window's window index starts at its edge
  const limiter = limiterOn(new MemoryRateLimitStore(() => nowUs));
  return {
    limiter,
    advance(ms: number) {
      nowUs += ms * 1000;
    },
  };
}

describe('rate-limit values (memory store on a controlled clock; the Lua scripts mirror this arithmetic)', () => {
  it('fixed-window: reset and retry-after are the rest of the window opened by the first request', async () => {
    const { limiter, advance } = onFakeClock();
    const rule: RateLimitRule = { limit: 2, window: '10s', algorithm: 'fixed-window' };
    expect(await limiter.consume('a', rule)).toMatchObject({ allowed: true, remaining: 1, resetMs: 10_000 });
    advance(4_000);
    expect(await limiter.consume('a', rule)).toMatchObject({ allowed: true, remaining: 0, resetMs: 6_000 });
    advance(1_500);
    expect(await limiter.consume('a', rule)).toMatchObject({ allowed: false, remaining: 0, retryAfterMs: 4_500 });
    advance(4_500);
    expect(await limiter.consume('a', rule)).toMatchObject({ allowed: true, remaining: 1, resetMs: 10_000 });
  });

  it('sliding-log: retry-after is when the oldest needed unit leaves the window', async () => {
    const { limiter, advance } = onFakeClock();
    const rule: RateLimitRule = { limit: 3, window: '10s', algorithm: 'sliding-log' };
    await limiter.consume('a', rule);
    advance(2_000);
    await limiter.consume('a', rule);
    advance(2_000);
    expect(await limiter.consume('a', rule)).toMatchObject({ allowed: true, remaining: 0, resetMs: 10_000 });
    advance(1_000);
    expect(await limiter.consume('a', rule)).toMatchObject({ allowed: false, retryAfterMs: 5_000, resetMs: 9_000 });
    // A request of cost 2 needs the two oldest units gone.
    expect(await limiter.consume('a', rule, { cost: 2 })).toMatchObject({ allowed: false, retryAfterMs: 7_000 });
    advance(5_000);
    expect(await limiter.consume('a', rule)).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('token-bucket (GCRA): one unit every window/limit, burst up to the limit', async () => {
    const { limiter, advance } = onFakeClock();
    const rule: RateLimitRule = { limit: 4, window: '4s', algorithm: 'token-bucket' };
    for (let remaining = 3; remaining >= 0; remaining--) {
      expect(await limiter.consume('a', rule)).toMatchObject({ allowed: true, remaining });
    }
    expect(await limiter.consume('a', rule)).toMatchObject({ allowed: false, retryAfterMs: 1_000, resetMs: 4_000 });
    advance(1_000);
    expect(await limiter.consume('a', rule)).toMatchObject({ allowed: true, remaining: 0, resetMs: 4_000 });
  });

  it('token-bucket: a smaller burst at the same rate', async () => {
    const { limiter, advance } = onFakeClock();
    const rule: RateLimitRule = { limit: 10, window: '10s', algorithm: 'token-bucket', burst: 2 };
    expect(await limiter.consume('a', rule)).toMatchObject({ allowed: true, remaining: 1 });
    expect(await limiter.consume('a', rule)).toMatchObject({ allowed: true, remaining: 0 });
    expect(await limiter.consume('a', rule)).toMatchObject({ allowed: false, retryAfterMs: 1_000 });
    advance(1_000);
    expect(await limiter.consume('a', rule)).toMatchObject({ allowed: true });
  });

  it('sliding-window: the previous window counts by the share of it still inside the sliding window', async () => {
    const { limiter, advance } = onFakeClock();
    const rule: RateLimitRule = { limit: 10, window: '10s', algorithm: 'sliding-window' };
    for (let i = 0; i < 10; i++) await limiter.consume('a', rule);
    advance(12_500); // 2.5 s into the next window: the previous 10 count as 7.5
    expect(await limiter.consume('a', rule)).toMatchObject({ allowed: true, remaining: 1 });
    expect(await limiter.consume('a', rule)).toMatchObject({ allowed: true, remaining: 0 });
    // estimate 9.5: one more unit fits once the previous window's weight drops by 0.5 (0.5 s).
    expect(await limiter.consume('a', rule)).toMatchObject({ allowed: false, retryAfterMs: 500 });
    advance(500);
    expect(await limiter.consume('a', rule)).toMatchObject({ allowed: true });
  });

  it.each<RateLimitAlgorithm>(['fixed-window', 'sliding-window', 'sliding-log', 'token-bucket'])(
    '%s: cost takes that many units; a refused cost takes none',
    async (algorithm) => {
      const { limiter } = onFakeClock();
      const rule: RateLimitRule = { limit: 10, window: '1h', algorithm, cost: 4 };
      expect(await limiter.consume('a', rule)).toMatchObject({ allowed: true, remaining: 6 });
      expect(await limiter.consume('a', rule)).toMatchObject({ allowed: true, remaining: 2 });
      expect(await limiter.consume('a', rule)).toMatchObject({ allowed: false, remaining: 2 });
      expect(await limiter.consume('a', rule, { cost: 2 })).toMatchObject({ allowed: true, remaining: 0 });
    },
  );

  it.each<RateLimitAlgorithm>(['fixed-window', 'sliding-window', 'sliding-log', 'token-bucket'])(
    '%s: blockDuration refuses everything from the first refusal on, and hits do not extend it',
    async (algorithm) => {
      const { limiter, advance } = onFakeClock();
      const rule: RateLimitRule = { limit: 2, window: '1s', algorithm, blockDuration: '1m' };
      await limiter.consume('a', rule);
      await limiter.consume('a', rule);
      expect(await limiter.consume('a', rule)).toMatchObject({ allowed: false, retryAfterMs: 60_000 });
      advance(30_000);
      expect(await limiter.consume('a', rule)).toMatchObject({ allowed: false, remaining: 0, retryAfterMs: 30_000 });
      advance(30_000);
      expect(await limiter.consume('a', rule)).toMatchObject({ allowed: true });
    },
  );

  it('reset gives the whole quota back and lifts a block', async () => {
    const { limiter } = onFakeClock();
    const rule: RateLimitRule = { limit: 1, window: '1h', algorithm: 'sliding-log', blockDuration: '1h' };
    await limiter.consume('a', rule);
    expect((await limiter.consume('a', rule)).allowed).toBe(false);
    await limiter.reset('a', rule);
    expect((await limiter.consume('a', rule)).allowed).toBe(true);
  });

  it('rejects rules that could never work, naming the option', async () => {
    const { limiter } = onFakeClock();
    await expect(limiter.consume('a', { limit: 0, window: '1s' })).rejects.toThrow(CacheConfigError);
    await expect(limiter.consume('a', { limit: 5, window: '1 sec' as never })).rejects.toThrow(/rateLimit\.window/);
    await expect(limiter.consume('a', { limit: 5, window: '1s', cost: 6 })).rejects.toThrow(/rateLimit\.cost/);
    await expect(limiter.consume('a', { limit: 5, window: '1s', burst: 2 })).rejects.toThrow(/rateLimit\.burst/);
    await expect(limiter.consume('a', { limit: 5, window: '1s', algorithm: 'leaky' as never })).rejects.toThrow(
      /algorithm/,
    );
    await expect(limiter.consume('', { limit: 5, window: '1s' })).rejects.toThrow(/subject/);
  });
});
