import { Cluster } from 'ioredis';
import { KeySpace } from '@cachet/core/store';
import { testClusterNodes, sleep } from '@cachet/testing';
import { openCache, type CacheFixture } from '../support/caches.js';
import { STORE_KINDS } from '../support/stores.js';

describe.each(STORE_KINDS)('tags and invalidation (%s)', (kind) => {
  let subject: CacheFixture;
  beforeEach(async () => {
    subject = await openCache(kind);
  });
  afterEach(() => subject.close());

  it('invalidating a tag misses every entry that carries it, and only those', async () => {
    const { cache } = subject;
    for (let i = 0; i < 30; i++) await cache.set(`item:${i}`, i, { tags: [i % 2 ? 'odd' : 'even', 'all'] });
    await cache.invalidateTags('odd');
    for (let i = 0; i < 30; i++) {
      expect(await cache.get(`item:${i}`, { tags: [i % 2 ? 'odd' : 'even', 'all'] })).toBe(i % 2 ? undefined : i);
      // callers that do not name the tags see the same thing (one more round trip)
      expect(await cache.get(`item:${i}`)).toBe(i % 2 ? undefined : i);
    }
    await cache.invalidateTags('all');
    expect(await cache.mget(['item:0', 'item:2'])).toEqual([undefined, undefined]);
  });

  it('getOrSet reloads an entry after its tag is invalidated', async () => {
    const { cache } = subject;
    let version = 1;
    const load = () => cache.getOrSet('product:1', async () => ({ version }), { tags: ['catalog'] });
    expect(await load()).toEqual({ version: 1 });
    version = 2;
    expect(await load()).toEqual({ version: 1 });
    await cache.invalidateTags('catalog');
    expect(await load()).toEqual({ version: 2 });
  });

  it('clear() empties the namespace in O(1) and leaves other namespaces alone', async () => {
    const other = subject.cache.withNamespace(`${subject.cache.namespace}-other`);
    await subject.cache.set('a', 1);
    await other.set('a', 2);
    await subject.cache.clear();
    expect(await subject.cache.get('a')).toBeUndefined();
    expect(await other.get('a')).toBe(2);
    await subject.cache.clear(other.namespace);
    expect(await other.get('a')).toBeUndefined();
  });

  it('deleteMatching deletes by glob and reports the count', async () => {
    const { cache } = subject;
    await cache.mset([
      { key: 'user:1', value: 1 },
      { key: 'user:2', value: 2 },
      { key: 'order:1', value: 3 },
    ]);
    expect(await cache.deleteMatching('user:*')).toBe(2);
    expect(await cache.mget(['user:1', 'user:2', 'order:1'])).toEqual([undefined, undefined, 3]);
  });

  it('a load that straddles invalidateTags never becomes visible after it resolves', async () => {
    const { cache } = subject;
    let sourceVersion = 0;
    let violations = 0;
    for (let iteration = 0; iteration < 40; iteration++) {
      const key = `straddle:${iteration % 4}`;
      const loadDelay = Math.random() * 8;
      const invalidateDelay = Math.random() * 8;
      const load = cache.getOrSet(
        key,
        async () => {
          const seen = sourceVersion;
          await sleep(loadDelay);
          return seen;
        },
        { tags: ['straddle'], lock: false },
      );
      await sleep(invalidateDelay);
      sourceVersion++;
      const committed = sourceVersion;
      await cache.invalidateTags('straddle');
      await load;
      const after = await cache.get<number>(key, { tags: ['straddle'] });
      if (after !== undefined && after < committed) violations++;
    }
    expect(violations).toBe(0);
  });
});

describe('tags on Redis Cluster', () => {
  it('invalidation reaches entries living on all three masters, costing one command per tag', async () => {
    const subject = await openCache('cluster');
    const keySpace = new KeySpace(subject.cache.namespace);
    const probe = new Cluster(testClusterNodes());
    const keys = Array.from({ length: 60 }, (_, i) => `spread:${i}`);
    await Promise.all(keys.map((key) => subject.cache.set(key, key, { tags: ['spread'] })));
    const masters = new Set(keys.map((key) => probe.slots[clusterSlot(keySpace.entry(key).entry)]?.[0]));
    expect(masters.size).toBe(3);
    await subject.cache.invalidateTags('spread');
    expect((await subject.cache.mget(keys, { tags: ['spread'] })).every((value) => value === undefined)).toBe(true);
    await probe.quit();
    await subject.close();
  });
});

/** CRC16/XMODEM of the hash tag, as Redis Cluster computes slots. */
function clusterSlot(key: string): number {
  const open = key.indexOf('{');
  const close = open >= 0 ? key.indexOf('}', open + 1) : -1;
  const tag = open >= 0 && close > open + 1 ? key.slice(open + 1, close) : key;
  let crc = 0;
  for (const byte of Buffer.from(tag)) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % 16384;
}
