import { KeySpace } from '@cachet/core/store';
import { openCache, type CacheFixture } from '../support/caches.js';
import { STORE_KINDS } from '../support/stores.js';
import { sleep } from '@cachet/testing';

describe.each(STORE_KINDS)('TTL policies (%s)', (kind) => {
  let subject: CacheFixture;
  const pttl = (key: string) =>
    subject.fixture.store.entries.pttl(new KeySpace(subject.cache.namespace).entry(key).entry);

  beforeEach(async () => {
    subject = await openCache(kind, { ttl: '1h', maxTtl: '2h' });
  });
  afterEach(() => subject.close());

  it('PTTL matches the configured TTL, default and per entry', async () => {
    await subject.cache.set('default', 1);
    await subject.cache.set('short', 1, { ttl: '30s' });
    expect(await pttl('default')).toBeGreaterThan(3_590_000);
    expect(await pttl('default')).toBeLessThanOrEqual(3_600_000);
    expect(await pttl('short')).toBeGreaterThan(29_000);
    expect(await pttl('short')).toBeLessThanOrEqual(30_000);
  });

  it('conditional TTL: a function of the loaded value', async () => {
    const ttl = (value: { price: number }) => (value.price > 0 ? '10s' : '5m');
    await subject.cache.getOrSet('priced', async () => ({ price: 5 }), { ttl });
    await subject.cache.getOrSet('free', async () => ({ price: 0 }), { ttl });
    expect(await pttl('priced')).toBeLessThanOrEqual(10_000);
    expect(await pttl('priced')).toBeGreaterThan(9_000);
    expect(await pttl('free')).toBeGreaterThan(290_000);
  });

  it('jitter shortens TTLs within its fraction, and spreads them', async () => {
    const values = new Set<number>();
    for (let i = 0; i < 20; i++) {
      await subject.cache.set(`j${i}`, i, { ttl: '100s', jitter: 0.2 });
      const remaining = await pttl(`j${i}`);
      expect(remaining).toBeLessThanOrEqual(100_000);
      expect(remaining).toBeGreaterThan(79_000);
      values.add(Math.round(remaining / 1000));
    }
    expect(values.size).toBeGreaterThan(3);
  });

  it('no entry outlives maxTtl, stale windows included', async () => {
    await subject.cache.set('capped', 1, { ttl: '2h' });
    await subject.cache.getOrSet('swr', async () => 1, { ttl: '2h', staleWhileRevalidate: '1h' });
    for (const key of ['capped', 'swr']) expect(await pttl(key)).toBeLessThanOrEqual(7_200_000);
  });

  it('sliding: each hit resets the TTL; maxAge caps the lifetime', async () => {
    const options = { ttl: 1_000, sliding: true, maxAge: 1_600 } as const;
    await subject.cache.getOrSet('s', async () => 'v', options);
    await sleep(500);
    expect(await pttl('s')).toBeLessThan(600);
    expect(await subject.cache.getOrSet('s', async () => 'reloaded', options)).toBe('v');
    expect(await pttl('s')).toBeGreaterThan(900);
    await sleep(700);
    expect(await subject.cache.get('s')).toBe('v'); // programmatic get slides too
    expect(await pttl('s')).toBeLessThan(450); // 1600 - ~1200 elapsed
    await sleep(500);
    expect(await subject.cache.get('s')).toBeUndefined();
  });

  it('entries expire after their TTL', async () => {
    await subject.cache.set('brief', 'x', { ttl: 100 });
    expect(await subject.cache.get('brief')).toBe('x');
    await sleep(150);
    expect(await subject.cache.get('brief')).toBeUndefined();
  });

  it('every key it writes has a TTL (entries, fences, tags, namespace generation)', async () => {
    await subject.cache.set('a', 1, { tags: ['t1'] });
    await subject.cache.getOrSet('b', async () => 2, { tags: ['t2'] });
    await subject.cache.delete('a');
    await subject.cache.invalidateTags('t3');
    await subject.cache.clear();
    const keys: string[] = [];
    if (subject.fixture.name === 'memory') return; // memory keys always carry an expiry by construction
    await subject.fixture.store.entries.scan(`${subject.cache.namespace}:*`, async (batch) => {
      keys.push(...batch);
    });
    expect(keys.length).toBeGreaterThanOrEqual(6);
    for (const key of keys) expect(await subject.fixture.store.entries.pttl(key)).toBeGreaterThan(0);
  });
});
