import { createCache, type Cache } from '@cachet/core';
import { testRedisUrl, sleep, uniqueNamespace } from '@cachet/testing';
import { recordingLogger } from '../support/caches.js';

/**
 * Guarantee 5 for entries that are still in Redis but may not be served: one
 * expired and kept for stale-if-error, one whose tag or namespace was
 * invalidated. Their refresh is a load like any other and runs once across
 * instances, under the lease.
 */
describe('a refresh of an entry still in Redis keeps the stampede lease', () => {
  let caches: Cache[];
  beforeAll(() => {
    const namespace = uniqueNamespace('sie');
    caches = [1, 2, 3, 4].map(() => createCache({ redis: testRedisUrl(), namespace, logger: recordingLogger() }));
  });
  afterAll(() => Promise.all(caches.map((cache) => cache.close())));

  it.each([
    ['staleIfError alone', { ttl: 100, staleIfError: '10s' }],
    ['staleIfError with tags', { ttl: 100, staleIfError: '10s', tags: ['sie'] }],
  ] as const)('%s: 4 instances × 25 callers of an expired entry run the loader once', async (_, options) => {
    const key = `expired:${'tags' in options ? 'tagged' : 'plain'}`;
    await caches[0]!.getOrSet(key, async () => 0, options);
    await sleep(200); // past the logical TTL, inside the stale-if-error window
    let loads = 0;
    const loader = async () => {
      loads++;
      await sleep(200);
      return loads;
    };
    const values = await Promise.all(
      caches.flatMap((cache) => Array.from({ length: 25 }, () => cache.getOrSet(key, loader, options))),
    );
    console.log(`stale-if-error, ${key}: ${loads} loads for 4 × 25 callers`);
    expect(loads).toBe(1);
    expect(values.every((value) => value === 1)).toBe(true);
  });

  it('a failing refresh still serves the stale value on every instance, and leaves no lease behind', async () => {
    const options = { ttl: 100, staleIfError: '10s' } as const;
    await caches[0]!.getOrSet('failing', async () => 'old', options);
    await sleep(200);
    let calls = 0;
    const failing = async (): Promise<string> => {
      calls++;
      await sleep(50);
      throw new Error('source down');
    };
    const values = await Promise.all(
      caches.flatMap((cache) => Array.from({ length: 5 }, () => cache.getOrSet('failing', failing, options))),
    );
    expect(values.every((value) => value === 'old')).toBe(true);
    expect(calls).toBeLessThanOrEqual(4); // at most once per instance, then each backs off
    // the source is back: the next refresh is not held up by a lease left behind
    expect(await caches[0]!.getOrSet('failing-next', async () => 'fresh', options)).toBe('fresh');
  });

  it.each(['invalidateTags', 'clear'] as const)(
    'after %s: 4 instances × 25 callers of the invalidated entry run the loader once',
    async (change) => {
      const key = `invalidated:${change}`;
      const options = { ttl: '1m', tags: [`tag:${key}`] } as const;
      await caches[0]!.getOrSet(key, async () => 0, options);
      if (change === 'clear') await caches[0]!.clear();
      else await caches[0]!.invalidateTags(`tag:${key}`);
      let loads = 0;
      const loader = async () => {
        loads++;
        await sleep(200);
        return loads;
      };
      const values = await Promise.all(
        caches.flatMap((cache) => Array.from({ length: 25 }, () => cache.getOrSet(key, loader, options))),
      );
      console.log(`refresh after ${change}: ${loads} loads for 4 × 25 callers`);
      expect(loads).toBe(1);
      expect(values.every((value) => value === 1)).toBe(true);
    },
  );

  it('an expired entry written with a stale window, read by callers without one: the loader runs once', async () => {
    const key = 'expired:other-options';
    await caches[0]!.getOrSet(key, async () => 0, { ttl: 100, staleWhileRevalidate: '10s' });
    await sleep(200);
    let loads = 0;
    const loader = async () => {
      loads++;
      await sleep(200);
      return loads;
    };
    const values = await Promise.all(
      caches.flatMap((cache) => Array.from({ length: 25 }, () => cache.getOrSet(key, loader, { ttl: '1m' }))),
    );
    console.log(`refresh of a stale entry by callers without a stale window: ${loads} loads for 4 × 25 callers`);
    expect(loads).toBe(1);
    expect(values.every((value) => value === 1)).toBe(true);
  });
});
