import { Redis } from 'ioredis';
import { createCache, type Cache, type CacheOptions } from '@cachet/core';
import { KeySpace } from '@cachet/core/store';
import {
  monitorCommands,
  startRedis,
  startRedisCluster,
  type RedisClusterHandle,
  type RedisServerHandle,
} from '@cachet/testing';
import { clusterSlot } from '../../src/store/redis/cluster-slot.js';
import { recordingLogger } from '../support/caches.js';

/**
 * The exact commands each operation sends, counted where Redis receives them (MONITOR on a server nothing
 * else uses), not inside scripts. These pin today's figures: a change that adds a round trip to a hit fails
 * here, and one that removes one updates the pinned figure on purpose.
 */
describe('commands per operation, counted at the connection', () => {
  let server: RedisServerHandle;
  let admin: Redis;
  let cache: Cache;
  const names = async (fn: () => Promise<unknown>) => (await monitorCommands(server, fn)).names;

  beforeAll(async () => {
    server = await startRedis();
    admin = new Redis(server.url);
    // A starved machine must not turn a hit into a fail-open miss: counts are about the happy path.
    cache = createCache({ redis: server.url, namespace: 'counts', commandTimeout: '10s', logger: recordingLogger() });
    // Every script runs once before counting: the first EVALSHA of a script on a fresh server is answered
    // NOSCRIPT and sent again as EVAL, which is not what a warm cache pays.
    await cache.set('warm', 1, { tags: ['warm'] });
    await cache.get('warm-miss');
    await cache.getOrSet('warm-load', async () => 1);
  });
  afterAll(async () => {
    await cache.close();
    await admin.quit();
    await server.stop();
  });

  // get() cannot know what kind of entry it will find, so it always sends the read script: one command for all.
  it('get() of a fresh entry: one read script (the entry with the namespace generation)', async () => {
    await cache.set('fresh', { v: 1 });
    expect(await names(async () => expect(await cache.get('fresh')).toEqual({ v: 1 }))).toEqual(['evalsha']);
  });

  it('get() of a fresh entry with the tags it was stored with: still one read script', async () => {
    await cache.set('tagged', { v: 1 }, { tags: ['a', 'b'] });
    const sent = await names(async () => expect(await cache.get('tagged', { tags: ['a', 'b'] })).toEqual({ v: 1 }));
    expect(sent).toEqual(['evalsha']);
  });

  it('get() of a miss: one read script', async () => {
    expect(await names(async () => expect(await cache.get('absent')).toBeUndefined())).toEqual(['evalsha']);
  });

  it('get() of an entry its tags invalidated: one read script', async () => {
    await cache.set('invalidated', 1, { tags: ['gone'] });
    await cache.invalidateTags('gone');
    const sent = await names(async () => expect(await cache.get('invalidated', { tags: ['gone'] })).toBeUndefined());
    expect(sent).toEqual(['evalsha']);
  });

  it('getOrSet() miss: MGET, then scripts: read + lease, lease extension, tag state, fence claim, write', async () => {
    const sent = await names(async () => expect(await cache.getOrSet('cold', async () => 'loaded')).toBe('loaded'));
    expect(sent).toEqual(['mget', ...Array(5).fill('evalsha')]);
  });

  it('get() of a sliding entry: one read script, which slides its TTL', async () => {
    await cache.set('sliding', 1, { ttl: '1m', sliding: true });
    expect(await names(async () => expect(await cache.get('sliding')).toBe(1))).toEqual(['evalsha']);
    expect(await admin.pttl(new KeySpace('counts').entry('sliding').entry)).toBeGreaterThan(59_000);
  });

  it('get() of an entry with a stale window: one read script, which brings the server clock', async () => {
    await cache.getOrSet('stale-window', async () => 1, { ttl: '1m', staleWhileRevalidate: '1m' });
    expect(await names(async () => expect(await cache.get('stale-window')).toBe(1))).toEqual(['evalsha']);
  });

  it.each([0, 2, 5])('set() with %i tags: one script ensures the tag state and writes', async (count) => {
    const tags = Array.from({ length: count }, (_, i) => `tag-${i}`);
    expect(await names(() => cache.set(`set-${count}`, 1, { tags }))).toEqual(['evalsha']);
    expect(await cache.get(`set-${count}`, { tags })).toBe(1);
    if (count > 0) {
      await cache.invalidateTags(tags[count - 1]!);
      expect(await cache.get(`set-${count}`)).toBeUndefined(); // the versions it recorded are the tags' own
    }
  });

  it('getOrSet() hit: one MGET, and the loader does not run', async () => {
    await cache.set('loaded', 'value');
    let loads = 0;
    const loader = async () => (loads++, 'other');
    expect(await names(async () => expect(await cache.getOrSet('loaded', loader)).toBe('value'))).toEqual(['mget']);
    expect(loads).toBe(0);
  });
});

describe('commands per master on a 3-master cluster', () => {
  let cluster: RedisClusterHandle;
  beforeAll(async () => {
    cluster = await startRedisCluster({ masters: 3 });
  }, 60_000);
  afterAll(async () => {
    await cluster.stop();
  });

  const spreadHits = async (namespace: string, versions: CacheOptions['versions']) => {
    const keys = evenlySpreadKeys(namespace, 100);
    const cache = createCache({
      // No background slot refresh: its CLUSTER SLOTS would land on a master at a time of its choosing.
      redis: { cluster: cluster.nodes.slice(0, 3), options: { slotsRefreshInterval: 0 } },
      namespace,
      versions,
      // A set that timed out on a busy machine is skipped (fail-open), and its key would then be loaded.
      commandTimeout: '10s',
      logger: recordingLogger(),
    });
    // Three tags shared by all the keys: were their versions read on each hit, their masters would serve them all.
    const tagsOf = (i: number) => [`tag-${i % 3}`, `tag-${(i + 1) % 3}`];
    try {
      for (const [i, key] of keys.entries()) await cache.set(key, key, { tags: tagsOf(i) });
      const hitAll = () =>
        Promise.all(
          keys.map(async (key, i) =>
            expect(await cache.getOrSet(key, async () => 'loaded', { tags: tagsOf(i) })).toBe(key),
          ),
        );
      await hitAll(); // the versions are copied by now (the bus listens from the first calls on)
      const counted = await monitorCommands(cluster, async () => {
        for (let round = 0; round < 10; round++) await hitAll();
      });
      const perMaster = cluster.nodes.slice(0, 3).map((node) => counted.perNode[`${node.host}:${node.port}`]!);
      return { perMaster, names: new Set(counted.names) };
    } finally {
      await cache.close();
    }
  };

  it('3,000 hits on 300 keys spread evenly over the masters: one GET per hit, on the entry’s master', async () => {
    const { perMaster, names } = await spreadHits('spread', undefined);
    // Versions come from the bus's copies: nothing but the entry is read, so each master serves its own keys.
    expect(perMaster).toEqual([1_000, 1_000, 1_000]);
    expect(Math.max(...perMaster)).toBeLessThanOrEqual(1.5 * Math.min(...perMaster));
    expect(names).toEqual(new Set(['get']));
  }, 60_000);

  it('set() with 2 tags: one command, on the entry’s master, once the versions are copied', async () => {
    const namespace = 'spread-set';
    const cache = createCache({
      redis: { cluster: cluster.nodes.slice(0, 3), options: { slotsRefreshInterval: 0 } },
      namespace,
      commandTimeout: '10s',
      logger: recordingLogger(),
    });
    try {
      const tags = ['a', 'b'];
      const setOnce = () => monitorCommands(cluster, () => cache.set('k', 1, { tags }));
      let counted = await setOnce(); // ensures the versions on their masters, and copies them once the bus listens
      for (let i = 0; i < 50 && counted.names.length > 1; i++) counted = await setOnce();
      expect(counted.names).toEqual(['evalsha']);
      const entryMaster = cluster.nodes[masterOf(new KeySpace(namespace).entry('k').entry)]!;
      expect(counted.perNode[`${entryMaster.host}:${entryMaster.port}`]).toBe(1);
      expect(await cache.get('k', { tags })).toBe(1);
      await cache.invalidateTags('b');
      expect(await cache.get('k', { tags })).toBeUndefined();
    } finally {
      await cache.close();
    }
  }, 60_000);

  it('with versions read from Redis (strict), every hit also reads the generation and its tags', async () => {
    const namespace = 'spread-strict';
    const { perMaster, names } = await spreadHits(namespace, { source: 'redis' });
    const keySpace = new KeySpace(namespace);
    const expected = [1_000, 1_000, 1_000];
    // Each hit: a GET of the entry on its master, of the generation and of its two tags on theirs.
    expected[masterOf(keySpace.generation)]! += 3_000;
    for (let i = 0; i < 300; i++)
      for (const tag of [i % 3, (i + 1) % 3]) expected[masterOf(keySpace.tag(`tag-${tag}`))]! += 10;
    expect(perMaster).toEqual(expected);
    expect(names).toEqual(new Set(['get']));
  }, 60_000);
});

/** Which of the three masters `startRedisCluster` made serves `key` (slots split evenly, in order). */
function masterOf(redisKey: string): number {
  return Math.floor(clusterSlot(redisKey) / Math.ceil(16_384 / 3));
}

/** `perMaster` user keys whose entries live on each master, in a deterministic order. */
function evenlySpreadKeys(namespace: string, perMaster: number): string[] {
  const keySpace = new KeySpace(namespace);
  const buckets: string[][] = [[], [], []];
  for (let i = 0; buckets.some((bucket) => bucket.length < perMaster); i++) {
    const key = `item-${i}`;
    const bucket = buckets[masterOf(keySpace.entry(key).entry)]!;
    if (bucket.length < perMaster) bucket.push(key);
  }
  return buckets.flat();
}
