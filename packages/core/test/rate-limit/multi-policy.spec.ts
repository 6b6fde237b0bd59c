import type { RateLimitBatchResult, RateLimitCheck, RateLimiter, RateLimitResult, RateLimitRule } from '@cachet/core';
import { MemoryStore } from '@cachet/core/store';
import { STORE_KINDS, type StoreKind } from '../support/stores.js';
import { limiterOn } from './limiters.js';
import { ALGORITHMS, EXACT, HOUR, instances } from './multi-policy.fixtures.js';

const consumeAll = (limiter: RateLimiter, checks: RateLimitCheck[]): Promise<RateLimitBatchResult> =>
  limiter.consumeAll(checks);

/**
 * What a policy that admits says when another refused the request: what it holds now. On Cluster the
 * subjects of these tests sit in different slots; the tighter one is asked first, refuses, and the other
 * is never asked.
 */
function expectIdle(kind: StoreKind, result: RateLimitResult, remaining: number): void {
  if (kind === 'cluster') expect(result).toMatchObject({ allowed: true, source: 'unchecked' });
  else expect(result).toMatchObject({ allowed: true, remaining, retryAfterMs: 0, source: 'store' });
}

describe.each(STORE_KINDS)('several policies on one request are atomic (guarantee 10): %s', (kind) => {
  it.each(ALGORITHMS)('%s: a request refused by one policy consumes none of the others', async (algorithm) => {
    const { limiters, close } = instances(kind, 1);
    const limiter = limiters[0]!;
    try {
      const wide: RateLimitRule = { limit: 10, window: HOUR, algorithm };
      const tight: RateLimitRule = { limit: 3, window: HOUR, algorithm };
      const checks = [
        { subject: 'wide', rule: wide },
        { subject: 'tight', rule: tight },
      ];
      const results: RateLimitBatchResult[] = [];
      for (let i = 0; i < 8; i++) results.push(await consumeAll(limiter, checks));
      expect(results.map((result) => result.allowed)).toEqual([true, true, true, false, false, false, false, false]);
      const refused = results[7]!;
      expect(refused.results[1]).toMatchObject({ allowed: false, remaining: 0, source: 'store' });
      expect(refused.retryAfterMs).toBe(refused.results[1]!.retryAfterMs);
      // The wide policy admits and takes nothing.
      expectIdle(kind, refused.results[0]!, 7);
      // Its counter holds the 3 admitted requests only: 10 - 3 - this one.
      expect((await limiter.consume('wide', wide)).remaining).toBe(6);
    } finally {
      await close();
    }
  });

  it.each(EXACT)(
    '%s: 200 concurrent requests from 3 instances admit exactly the tighter budget; the wider counts only those',
    async (algorithm) => {
      const { limiters, close } = instances(kind, 3);
      try {
        const wide: RateLimitRule = { limit: 10, window: HOUR, algorithm };
        const tight: RateLimitRule = { limit: 3, window: HOUR, algorithm };
        const checks = [
          { subject: 'wide:c', rule: wide },
          { subject: 'tight:c', rule: tight },
        ];
        const results = await Promise.all(Array.from({ length: 200 }, (_, i) => consumeAll(limiters[i % 3]!, checks)));
        const admitted = results.filter((result) => result.allowed).length;
        const probe = await limiters[0]!.consume('wide:c', wide);
        const wideLeft = probe.allowed ? probe.remaining + 1 : 0;
        console.log(`[${kind}] ${algorithm}: ${admitted} of 200 admitted; wide policy left ${wideLeft} of 10`);
        expect(admitted).toBe(3);
        expect(wideLeft).toBe(10 - 3);
        expect((await limiters[1]!.consume('tight:c', tight)).allowed).toBe(false);
      } finally {
        await close();
      }
    },
  );

  it.each(EXACT)(
    '%s: when the wider policy is the one that refuses, the tighter is given back every unit it took',
    async (algorithm) => {
      const { limiters, close } = instances(kind, 3);
      try {
        const wide: RateLimitRule = { limit: 10, window: HOUR, algorithm };
        const tight: RateLimitRule = { limit: 3, window: HOUR, algorithm };
        // Another route's traffic has spent 8 of the wide quota: it has 2 left, the tight one 3.
        expect((await limiters[0]!.consume('wide:r', wide, { cost: 8 })).allowed).toBe(true);
        const checks = [
          { subject: 'wide:r', rule: wide },
          { subject: 'tight:r', rule: tight },
        ];
        const results = await Promise.all(Array.from({ length: 200 }, (_, i) => consumeAll(limiters[i % 3]!, checks)));
        const admitted = results.filter((result) => result.allowed).length;
        const probe = await limiters[1]!.consume('tight:r', tight);
        const tightLeft = probe.allowed ? probe.remaining + 1 : 0;
        console.log(`[${kind}] ${algorithm}: ${admitted} of 200 admitted; tight policy left ${tightLeft} of 3`);
        expect(admitted).toBe(2);
        expect(tightLeft).toBe(3 - 2);
        expect((await limiters[2]!.consume('wide:r', wide)).allowed).toBe(false);
      } finally {
        await close();
      }
    },
  );

  it('a policy serving a block refuses the request; only the policy that refused starts a block', async () => {
    const { limiters, close } = instances(kind, 1);
    const limiter = limiters[0]!;
    try {
      const blocking: RateLimitRule = { limit: 1, window: HOUR, algorithm: 'fixed-window', blockDuration: '1h' };
      const other: RateLimitRule = { limit: 5, window: HOUR, algorithm: 'sliding-log', blockDuration: '1h' };
      const checks = [
        { subject: 'other:b', rule: other },
        { subject: 'blocking:b', rule: blocking },
      ];
      expect((await consumeAll(limiter, checks)).allowed).toBe(true);
      const refused = await consumeAll(limiter, checks);
      expect(refused.allowed).toBe(false);
      expect(refused.retryAfterMs).toBeGreaterThan(HOUR - 60_000);
      expectIdle(kind, refused.results[0]!, 4);
      expect((await consumeAll(limiter, checks)).results[1]).toMatchObject({ allowed: false, remaining: 0 });
      // The other policy took one unit in all and serves no block.
      expect(await limiter.consume('other:b', other)).toMatchObject({ allowed: true, remaining: 3 });
    } finally {
      await close();
    }
  });
});

describe('consumeAll: costs, checks and the short-circuit', () => {
  it('refuses a request naming one counter twice, or none', async () => {
    const { limiters, close } = instances('memory', 1);
    const rule: RateLimitRule = { limit: 5, window: HOUR };
    try {
      await expect(
        limiters[0]!.consumeAll([
          { subject: 'same', rule },
          { subject: 'same', rule },
        ]),
      ).rejects.toThrow(/distinct subjects/);
      await expect(limiters[0]!.consumeAll([])).rejects.toThrow(/non-empty/);
      // One subject under two algorithms is two counters.
      const both = await limiters[0]!.consumeAll([
        { subject: 'same', rule },
        { subject: 'same', rule: { ...rule, algorithm: 'fixed-window' } },
      ]);
      expect(both.allowed).toBe(true);
    } finally {
      await close();
    }
  });

  it('a subject known to be over its limit refuses the whole request from memory; the others are left unchecked', async () => {
    const store = new MemoryStore();
    const limiter = limiterOn(store.rateLimits, { overLimitCacheSize: 100 });
    const tight: RateLimitRule = { limit: 1, window: HOUR, algorithm: 'fixed-window' };
    const wide: RateLimitRule = { limit: 10, window: HOUR, algorithm: 'fixed-window' };
    const checks = [
      { subject: 'w', rule: wide },
      { subject: 't', rule: tight },
    ];
    await limiter.consumeAll(checks);
    await limiter.consumeAll(checks); // refused at the store, remembered
    const before = limiter.stats().storeChecks;
    const again = await limiter.consumeAll(checks);
    expect(limiter.stats().storeChecks).toBe(before);
    expect(again.allowed).toBe(false);
    expect(again.results.map((result) => result.source)).toEqual(['unchecked', 'short-circuit']);
    expect((await limiter.consume('w', wide)).remaining).toBe(10 - 1 - 1);
    await store.close();
  });
});
