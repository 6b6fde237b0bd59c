import { createCache, type Cache } from '@cachet/core';
import { testRedisUrl, uniqueNamespace } from '@cachet/testing';

type Write = 'invalidateTags' | 'delete' | 'set' | 'clear' | 'mset';

async function write(cache: Cache, kind: Write, key: string): Promise<void> {
  if (kind === 'invalidateTags') await cache.invalidateTags('t');
  else if (kind === 'delete') await cache.delete(key);
  else if (kind === 'set') await cache.set(key, 'v2', { ttl: '1m', tags: ['t'] });
  else if (kind === 'mset') await cache.mset([{ key, value: 'v2', ttl: '1m' }] as never);
  else await cache.clear();
}

describe.each<Write>(['invalidateTags', 'delete', 'set', 'clear', 'mset'])(
  'L1 on: a read in flight while %s runs never leaves the old value for later reads',
  (kind) => {
    let cache: Cache;
    beforeAll(() => {
      cache = createCache({
        redis: testRedisUrl(),
        namespace: uniqueNamespace('ryw'),
        l1: { maxEntries: 1000, ttl: '1m' },
      });
    });
    afterAll(() => cache.close());

    it('holds over many interleavings', async () => {
      for (let round = 0; round < 200; round++) {
        const key = `k${round}`;
        await cache.set(key, 'v1', { ttl: '1m', tags: ['t'] });
        const reads = [cache.get(key), cache.getOrSet(key, async () => 'loaded', { ttl: '1m', tags: ['t'] })];
        const written = write(cache, kind, key);
        const later = [cache.get(key)];
        await written;
        await Promise.all([...reads, ...later]);
        const after = await cache.get(key);
        // 'loaded' is a load that read the source after the write: new, not stale.
        expect([round, after === 'loaded' ? undefined : after]).toEqual([
          round,
          kind === 'set' || kind === 'mset' ? 'v2' : undefined,
        ]);
      }
    });
  },
);
