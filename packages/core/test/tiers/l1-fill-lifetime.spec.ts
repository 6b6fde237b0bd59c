import { createCache, type Cache, type Duration } from '@cachet/core';
import { testRedisUrl, sleep, uniqueNamespace } from '@cachet/testing';
import { recordingLogger } from '../support/caches.js';

type Read = (cache: Cache, key: string) => Promise<unknown>;

/**
 * An L1 copy lives no longer than `l1.ttl`, nor than the Redis entry's fresh life. Both bounds need the
 * server's clock; a plain read that has none (an MGET) must not fill L1 with a lifetime it cannot know.
 * Writes here come from an instance without L1, which publishes no invalidation: only the copy's own
 * lifetime can end it.
 */
describe.each<[string, Read, unknown]>([
  ['get()', (cache, key) => cache.get(key), undefined],
  ['getOrSet()', (cache, key) => cache.getOrSet(key, async () => 'loaded'), 'loaded'],
])('the lifetime of an L1 copy filled by %s', (_name, read, readOfAbsent) => {
  const caches: Cache[] = [];
  const open = (namespace: string, l1Ttl?: Duration) => {
    const l1 = l1Ttl ? { maxEntries: 100, ttl: l1Ttl } : false;
    const cache = createCache({ redis: testRedisUrl(), namespace, l1, logger: recordingLogger() });
    caches.push(cache);
    return cache;
  };
  afterEach(async () => {
    await Promise.all(caches.splice(0).map((cache) => cache.close()));
  });

  /** Reads until a read is served by L1 (L1 fills once this instance listens to the invalidation bus). */
  async function fillL1(cache: Cache, key: string): Promise<void> {
    const before = cache.stats().l1Hits;
    for (let i = 0; i < 500 && cache.stats().l1Hits === before; i++) {
      await read(cache, key);
      await sleep(2);
    }
    if (cache.stats().l1Hits === before) throw new Error('L1 never filled');
  }

  /** Reads until `expected` comes back; fails once `boundMs` passed (generous: waiting longer never helps a bug). */
  async function readsEventually(cache: Cache, key: string, expected: unknown, boundMs: number): Promise<void> {
    const deadline = Date.now() + boundMs;
    let last: unknown;
    while ((last = await read(cache, key)) !== expected) {
      if (Date.now() > deadline) throw new Error(`still read ${JSON.stringify(last)} after ${boundMs} ms`);
      await sleep(20);
    }
  }

  it('ends after l1.ttl: a write this instance was not told about is read once the copy lapses', async () => {
    const namespace = uniqueNamespace('l1life');
    const withL1 = open(namespace, '300ms');
    const writer = open(namespace);
    await writer.set('k', 'v1', { ttl: '1m' });
    await fillL1(withL1, 'k');
    await writer.set('k', 'v2', { ttl: '1m' });
    await readsEventually(withL1, 'k', 'v2', 5_000);
  });

  it("ends with the Redis entry's fresh life when that is shorter than l1.ttl", async () => {
    const namespace = uniqueNamespace('l1life');
    const withL1 = open(namespace, '1m');
    const writer = open(namespace);
    await writer.set('k', 'v1', { ttl: '2s' });
    await fillL1(withL1, 'k');
    // Once the entry is gone from Redis, the copy must be too: get() then misses, getOrSet() loads.
    await readsEventually(withL1, 'k', readOfAbsent, 8_000);
  });
});
