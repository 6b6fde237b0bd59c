import { KeySpace } from '@cachet/core/store';
import { RateLimitKeyCache } from '../../src/rate-limit/rate-limit-keys.cache.js';

describe('RateLimitKeyCache', () => {
  const keySpace = new KeySpace('keys');

  it("answers the key space's keys, the same frozen object for the same subject, algorithm and slot", () => {
    const cache = new RateLimitKeyCache(keySpace);
    const first = cache.keys('sliding-window', 'client', undefined);
    expect(first).toEqual(keySpace.rateLimit('sliding-window', 'client'));
    expect(Object.isFrozen(first)).toBe(true);
    expect(cache.keys('sliding-window', `cli${'ent'}`, undefined)).toBe(first);
    expect(cache.keys('fixed-window', 'client', undefined)).toEqual(keySpace.rateLimit('fixed-window', 'client'));
  });

  it('a subject given another slot gets the keys of that slot', () => {
    const cache = new RateLimitKeyCache(keySpace);
    cache.keys('token-bucket', 'api:ip:1', undefined);
    expect(cache.keys('token-bucket', 'api:ip:1', 'ip:1')).toEqual(
      keySpace.rateLimit('token-bucket', 'api:ip:1', 'ip:1'),
    );
    expect(cache.keys('token-bucket', 'api:ip:1', undefined)).toEqual(keySpace.rateLimit('token-bucket', 'api:ip:1'));
  });

  it('is bounded: the oldest subjects make room, and are rebuilt the same when they come back', () => {
    const cache = new RateLimitKeyCache(keySpace);
    const oldest = cache.keys('fixed-window', 'subject-0', undefined);
    for (let i = 1; i <= 5_000; i++) cache.keys('fixed-window', `subject-${i}`, undefined);
    const again = cache.keys('fixed-window', 'subject-0', undefined);
    expect(again).not.toBe(oldest);
    expect(again).toEqual(oldest);
    const sizes = (cache as unknown as { bySubject: Map<string, Map<string, unknown>> }).bySubject;
    expect(sizes.get('fixed-window')!.size).toBeLessThanOrEqual(4_096);
  });
});
