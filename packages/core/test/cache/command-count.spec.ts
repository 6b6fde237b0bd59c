import { createCache, type Cache } from '@cachet/core';
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
  let cache: Cache;
  const names = async (fn: () => Promise<unknown>) => (await monitorCommands(server, fn)).names;

  beforeAll(async () => {
    server = await startRedis();
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
    await server.stop();
  });

  it('get() of a fresh entry: one MGET (the entry with the namespace generation)', async () => {
    await cache.set('fresh', { v: 1 });
    expect(await names(async () => expect(await cache.get('fresh')).toEqual({ v: 1 }))).toEqual(['mget']);
  });

  it('get() of a fresh entry with the tags it was stored with: still one MGET', async () => {
    await cache.set('tagged', { v: 1 }, { tags: ['a', 'b'] });
    const sent = await names(async () => expect(await cache.get('tagged', { tags: ['a', 'b'] })).toEqual({ v: 1 }));
    expect(sent).toEqual(['mget']);
  });

  it('get() of a miss: one MGET (it takes no lease, so the read script has nothing to add)', async () => {
    expect(await names(async () => expect(await cache.get('absent')).toBeUndefined())).toEqual(['mget']);
  });

  it('get() of an entry its tags invalidated: one MGET', async () => {
    await cache.set('invalidated', 1, { tags: ['gone'] });
    await cache.invalidateTags('gone');
    const sent = await names(async () => expect(await cache.get('invalidated', { tags: ['gone'] })).toBeUndefined());
    expect(sent).toEqual(['mget']);
  });

  it('getOrSet() miss: MGET, then scripts: read + lease, lease extension, tag state, fence claim, write', async () => {
    const sent = await names(async () => expect(await cache.getOrSet('cold', async () => 'loaded')).toBe('loaded'));
    expect(sent).toEqual(['mget', ...Array(5).fill('evalsha')]);
  });

  it('get() of a sliding entry: the MGET, then the read script that slides its TTL', async () => {
    await cache.set('sliding', 1, { ttl: '1m', sliding: true });
    expect(await names(async () => expect(await cache.get('sliding')).toBe(1))).toEqual(['mget', 'evalsha']);
  });

  it('get() of an entry with a stale window: the MGET, then the read script for the server clock', async () => {
    await cache.getOrSet('stale-window', async () => 1, { ttl: '1m', staleWhileRevalidate: '1m' });
    expect(await names(async () => expect(await cache.get('stale-window')).toBe(1))).toEqual(['mget', 'evalsha']);
  });

  it.each([
    [0, ['evalsha', 'evalsha']],
    [2, ['evalsha', 'evalsha', 'evalsha', 'evalsha']],
    [5, Array(7).fill('evalsha')],
  ])('set() with %i tags: one tag-state script per tag and the generation, then the write', async (count, sent) => {
    const tags = Array.from({ length: count }, (_, i) => `tag-${i}`);
    expect(await names(() => cache.set(`set-${count}`, 1, { tags }))).toEqual(sent);
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

  it('3,000 hits on 300 keys spread evenly over the masters: every hit also reads the generation', async () => {
    const namespace = 'spread';
    const keys = evenlySpreadKeys(namespace, 100);
    const cache = createCache({
      // No background slot refresh: its CLUSTER SLOTS would land on a master at a time of its choosing.
      redis: { cluster: cluster.nodes.slice(0, 3), options: { slotsRefreshInterval: 0 } },
      namespace,
      commandTimeout: '10s',
      logger: recordingLogger(),
    });
    try {
      for (const key of keys) await cache.set(key, key);
      const counted = await monitorCommands(cluster, async () => {
        for (let round = 0; round < 10; round++) {
          await Promise.all(keys.map(async (key) => expect(await cache.getOrSet(key, async () => 'loaded')).toBe(key)));
        }
      });
      const generationMaster = masterOf(new KeySpace(namespace).generation);
      const perMaster = cluster.nodes.slice(0, 3).map((node) => counted.perNode[`${node.host}:${node.port}`]);
      // Each hit is a GET of the entry on its own master and a GET of the generation on the generation's master.
      expect(perMaster).toEqual([0, 1, 2].map((m) => 1_000 + (m === generationMaster ? 3_000 : 0)));
      expect(new Set(counted.names)).toEqual(new Set(['get']));
    } finally {
      await cache.close();
    }
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
