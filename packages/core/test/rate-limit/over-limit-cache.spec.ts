import { OverLimitCache } from '../../src/rate-limit/over-limit-cache.js';

function cacheOn(maxEntries: number) {
  const clock = { now: 1_000 };
  return { cache: new OverLimitCache(maxEntries, () => clock.now), clock };
}

describe('OverLimitCache', () => {
  it('answers a remembered refusal with the time left, until its retry time', () => {
    const { cache, clock } = cacheOn(10);
    cache.remember('client', 1, 300, 900, 0);
    clock.now += 100.5;
    expect(cache.check('client', 1)).toEqual({ retryAfterMs: 200, resetMs: 800, remaining: 0 });
    clock.now += 199;
    expect(cache.check('client', 1)?.retryAfterMs).toBe(1);
    clock.now += 1;
    expect(cache.check('client', 1)).toBeUndefined();
    expect(cache.size).toBe(0); // forgotten once it lapsed
  });

  it('stands for requests costing as much or more, never for cheaper ones', () => {
    const { cache } = cacheOn(10);
    cache.remember('client', 3, 300, 300, 2);
    expect(cache.check('client', 3)).toBeDefined();
    expect(cache.check('client', 5)).toBeDefined();
    expect(cache.check('client', 2)).toBeUndefined();
    expect(cache.size).toBe(1); // still standing for cost 3
  });

  it('keeps subjects apart; forget drops one', () => {
    const { cache } = cacheOn(10);
    cache.remember('a', 1, 300, 300, 0);
    cache.remember('b', 1, 300, 300, 0);
    cache.forget('a');
    expect(cache.check('a', 1)).toBeUndefined();
    expect(cache.check('b', 1)).toBeDefined();
  });

  it('a later refusal of a subject replaces the earlier one', () => {
    const { cache } = cacheOn(10);
    cache.remember('client', 1, 300, 300, 0);
    cache.remember('client', 4, 50, 60, 1);
    expect(cache.check('client', 4)).toEqual({ retryAfterMs: 50, resetMs: 60, remaining: 1 });
    expect(cache.size).toBe(1);
  });

  it('never reports a negative reset', () => {
    const { cache, clock } = cacheOn(10);
    cache.remember('client', 1, 500, 100, 0);
    clock.now += 200;
    expect(cache.check('client', 1)).toEqual({ retryAfterMs: 300, resetMs: 0, remaining: 0 });
  });

  it('is bounded: the subject refused longest ago makes room for a new one', () => {
    const { cache } = cacheOn(3);
    cache.remember('a', 1, 300, 300, 0);
    cache.remember('b', 1, 300, 300, 0);
    cache.remember('a', 1, 300, 300, 0); // refused again: now the newest
    cache.remember('c', 1, 300, 300, 0);
    cache.remember('d', 1, 300, 300, 0);
    expect(cache.size).toBe(3);
    expect(cache.check('b', 1)).toBeUndefined();
    for (const kept of ['a', 'c', 'd']) expect(cache.check(kept, 1)).toBeDefined();
  });

  it('remembers nothing when sized 0 or when there is nothing to wait for', () => {
    const off = cacheOn(0).cache;
    off.remember('client', 1, 300, 300, 0);
    expect(off.size).toBe(0);
    const { cache } = cacheOn(10);
    cache.remember('client', 1, 0, 300, 0);
    expect(cache.check('client', 1)).toBeUndefined();
  });
});
