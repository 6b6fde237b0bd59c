import { createCache, type Cache } from '@cachet/core';
import { testRedisUrl, sleep, uniqueNamespace } from '@cachet/testing';
import { recordingLogger } from '../support/caches.js';

/**
 * Guarantee 6 for loads that outlast the fence's own TTL: a load that read
 * the source before a set() never overwrites the newer value, however long it
 * runs; a long load that nothing superseded is still cached.
 */
describe('the write fence outlives every load that began before it', () => {
  let cache: Cache;
  beforeAll(() => {
    cache = createCache({
      redis: testRedisUrl(),
      namespace: uniqueNamespace('fence'),
      ttl: '2s',
      maxTtl: '2s',
      lock: { ttl: '100ms' },
      logger: recordingLogger(),
    });
  });
  afterAll(() => cache.close());

  /** Other traffic in the namespace keeps its generation alive, as in any application that is in use. */
  function busy(): () => void {
    let stopped = false;
    void (async () => {
      for (let i = 0; !stopped; i++) {
        await cache.set('traffic', i);
        await sleep(200);
      }
    })();
    return () => (stopped = true);
  }

  it.each([2_500, 3_000])('a %i ms load that read the source before a set() does not overwrite it', async (loadMs) => {
    const key = `overwritten:${loadMs}`;
    let source = 1;
    const slow = async () => {
      const seen = source;
      await sleep(loadMs);
      return seen;
    };
    const stop = busy();
    const loading = cache.getOrSet(key, slow);
    await sleep(200);
    source = 2;
    await cache.set(key, 2); // its fence lives maxTtl (2 s): less than the load still has to run
    expect(await loading).toBe(1); // the caller that loaded gets what it loaded
    stop();
    const after = await cache.getOrSet(key, async () => source);
    console.log(`fence, ${loadMs} ms load after a set(): the next read returned version ${after}`);
    expect(after).toBe(2);
  });

  it.each([
    ['untagged', []],
    ['tagged', ['fence-tag']],
  ] as const)('a load longer than maxTtl + lock.ttl that nothing superseded is cached (%s)', async (name, tags) => {
    const key = `long:${name}`;
    let loads = 0;
    const slow = async () => {
      loads++;
      await sleep(2_600);
      return 'long';
    };
    expect(await cache.getOrSet(key, slow, { tags })).toBe('long');
    expect(await cache.getOrSet(key, slow, { tags })).toBe('long');
    expect(loads).toBe(1);
  });

  it('a long load during which the key was deleted is dropped', async () => {
    let source = 1;
    const slow = async () => {
      const seen = source;
      await sleep(2_600);
      return seen;
    };
    const stop = busy();
    const loading = cache.getOrSet('deleted', slow);
    await sleep(200);
    source = 2;
    await cache.delete('deleted');
    expect(await loading).toBe(1);
    stop();
    expect(await cache.getOrSet('deleted', async () => source)).toBe(2);
  });
});
