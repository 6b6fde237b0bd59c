import { createCache, type Cache } from '@cachet/core';
import { sleep, testRedisUrl, uniqueNamespace } from '@cachet/testing';

type Write = 'invalidateTags' | 'delete' | 'clear' | 'deleteMatching' | 'set';

async function write(cache: Cache, kind: Write, key: string): Promise<void> {
  if (kind === 'invalidateTags') await cache.invalidateTags('t');
  else if (kind === 'delete') await cache.delete(key);
  else if (kind === 'clear') await cache.clear();
  else if (kind === 'deleteMatching') await cache.deleteMatching(`${key}*`);
  else await cache.set(key, 'written', { ttl: '1m', tags: ['t'] });
}

describe.each([
  ['without L1', false],
  ['with L1', true],
] as const)('a load that began before a write never lands after it (%s)', (_label, l1) => {
  let cache: Cache;
  beforeAll(() => {
    cache = createCache({
      redis: testRedisUrl(),
      namespace: uniqueNamespace('nostale'),
      l1: l1 ? { maxEntries: 100, ttl: '1m' } : false,
    });
  });
  afterAll(() => cache.close());

  it.each<Write>(['invalidateTags', 'delete', 'clear', 'deleteMatching', 'set'])('%s', async (kind) => {
    const key = `k-${kind}`;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const load = cache.getOrSet(
      key,
      async () => {
        await gate;
        return 'old';
      },
      { ttl: '1m', tags: ['t'] },
    );
    await sleep(50);
    await write(cache, kind, key);
    release();
    expect(await load).toBe('old');
    const expected = kind === 'set' ? 'written' : undefined;
    expect(await cache.get(key)).toBe(expected);
    expect(await cache.getOrSet(key, async () => 'fresh', { ttl: '1m', tags: ['t'] })).toBe(expected ?? 'fresh');
  });
});
