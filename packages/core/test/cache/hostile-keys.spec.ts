import { Cluster } from 'ioredis';
import {
  createCache,
  createLockManager,
  createRateLimiter,
  createWriteBehind,
  type Cache,
  type LockManager,
  type OwnedRateLimiter,
} from '@cachet/core';
import { KeySpace, slotTag } from '@cachet/core/store';
import { startRedisCluster, type RedisClusterHandle } from '@cachet/testing';
import { recordingLogger } from '../support/caches.js';

/** User text that a naive `{<text>}` hash tag would let choose or split the slot layout. */
const HOSTILE = [
  '}',
  '{}',
  '{',
  '{a}b',
  '}{',
  'a{b}c',
  '{{}}',
  '}a{b}',
  '{x}:1',
  '{x}:2',
  'ключ{é}🙂',
  `${'{'.repeat(50)}long${'}'.repeat(50)}:${'k'.repeat(5_000)}`,
];

describe('hostile keys, tags, subjects and lock names on a 3-master Cluster (guarantee 11)', () => {
  let cluster: RedisClusterHandle;
  let client: Cluster;
  let cache: Cache;
  let locks: LockManager;
  let limiter: OwnedRateLimiter;
  let logger: ReturnType<typeof recordingLogger>;
  const breakerEvents: string[] = [];
  const keySlot = async (key: string) => Number(await client.call('CLUSTER', 'KEYSLOT', key));

  beforeAll(async () => {
    cluster = await startRedisCluster({ masters: 3 });
    client = new Cluster(
      cluster.nodes.map(({ host, port }) => ({ host, port })),
      { enableAutoPipelining: true },
    );
    logger = recordingLogger();
    const shared = { redis: client, namespace: 'hostile', logger, breaker: { threshold: 5 } } as const;
    cache = createCache({ ...shared, commandTimeout: '2s' });
    cache.events.on('breaker', (event) => breakerEvents.push(`${event.previous}->${event.state}`));
    locks = createLockManager({ redis: client, namespace: 'hostile', logger, commandTimeout: '2s' });
    limiter = createRateLimiter({ ...shared, commandTimeout: '2s', failOpen: true });
  }, 60_000);

  afterAll(async () => {
    await limiter?.close();
    await locks?.close();
    await cache?.close();
    await client?.quit();
    await cluster?.stop();
  });

  afterEach(() => {
    expect(breakerEvents).toEqual([]);
    expect(cache.stats().errors).toBe(0);
    expect(cache.stats().breaker).toBe('closed');
    expect(logger.lines.filter((line) => !line.startsWith('log '))).toEqual([]);
  });

  it('puts every key of one user text in the slot of the library tag, whatever braces it holds', async () => {
    const keySpace = new KeySpace('hostile');
    for (const text of HOSTILE) {
      const expected = await keySlot(`{${slotTag(text)}}`);
      const { entry, fence, lease } = keySpace.entry(text);
      const lock = keySpace.lock(text);
      const rate = keySpace.rateLimit('token-bucket', text);
      const queue = keySpace.queue(text);
      const names = [entry, fence, lease, keySpace.tag(text), lock.lock, lock.fence, rate.state, rate.block];
      names.push(queue.stream, queue.dead, queue.pending, queue.newest, queue.owner.lock, queue.owner.fence);
      for (const name of names) expect([name, await keySlot(name)]).toEqual([name, expected]);
      expect(keySpace.userKey(entry)).toBe(text);
    }
    // Braces in two keys never force them into one slot.
    const slots = new Set(
      await Promise.all(['{x}:1', '{x}:2', '{x}:3', '{x}:4'].map((k) => keySlot(keySpace.entry(k).entry))),
    );
    expect(slots.size).toBeGreaterThan(1);
  });

  it('get, set, getOrSet and delete work', async () => {
    for (const key of HOSTILE) {
      await cache.set(key, { key });
      expect(await cache.get(key)).toEqual({ key });
      await cache.delete(key);
      expect(await cache.get(key)).toBeUndefined();
      let loads = 0;
      const loader = async () => ({ loads: ++loads });
      expect(await cache.getOrSet(key, loader)).toEqual({ loads: 1 });
      expect(await cache.getOrSet(key, loader)).toEqual({ loads: 1 });
      expect(loads).toBe(1);
    }
    expect(await cache.mget(HOSTILE)).toEqual(HOSTILE.map(() => ({ loads: 1 })));
  });

  it('invalidateTags works for hostile tags on hostile keys', async () => {
    for (const [index, key] of HOSTILE.entries()) {
      const tag = HOSTILE[(index + 1) % HOSTILE.length]!;
      await cache.set(key, 'tagged', { tags: [tag, key] });
      expect(await cache.get(key, { tags: [tag, key] })).toBe('tagged');
      await cache.invalidateTags(tag);
      expect(await cache.get(key, { tags: [tag, key] })).toBeUndefined();
      expect(await cache.get(key)).toBeUndefined();
    }
  });

  it('deleteMatching finds hostile keys by their own text', async () => {
    const scoped = cache.withNamespace('hostile-scan');
    for (const key of HOSTILE) await scoped.set(`p:${key}`, 1);
    await scoped.set('other', 1);
    expect(await scoped.deleteMatching('p:*')).toBe(HOSTILE.length);
    expect(await scoped.get('other')).toBe(1);
    for (const key of HOSTILE) expect(await scoped.get(`p:${key}`)).toBeUndefined();
  });

  it('withLock works for hostile lock names', async () => {
    for (const name of HOSTILE) {
      const tokens: number[] = [];
      for (let i = 0; i < 2; i++)
        await locks.withLock(name, async ({ fencingToken }) => void tokens.push(fencingToken));
      expect(tokens[1]).toBeGreaterThan(tokens[0]!);
    }
  });

  it('write-behind queues with hostile names and item keys append, read back and flush', async () => {
    const wbLogger = recordingLogger(); // startup warns that these test servers persist nothing
    const writeBehind = createWriteBehind({
      redis: client,
      namespace: 'hostile',
      logger: wbLogger,
      commandTimeout: '2s',
    });
    const persisted: string[] = [];
    try {
      for (const queue of HOSTILE) {
        writeBehind.registerHandler(queue, { handle: async (item) => void persisted.push(`${queue}|${item.key}`) });
      }
      await writeBehind.start();
      for (const queue of HOSTILE) {
        await writeBehind.append(queue, { key: queue, args: [queue], value: { queue } });
        expect(await writeBehind.pendingValue(queue, queue)).toEqual({ op: 'write', value: { queue } });
      }
      await writeBehind.flush();
      expect(persisted.sort()).toEqual(HOSTILE.map((queue) => `${queue}|${queue}`).sort());
      expect(wbLogger.lines.filter((line) => !line.includes('persistence is off'))).toEqual([]);
    } finally {
      await writeBehind.close({ timeoutMs: 5_000 });
    }
  });

  it('rate limits work for hostile subjects, answered by Redis', async () => {
    const rule = { limit: 2, window: '1m', algorithm: 'fixed-window' } as const;
    for (const subject of HOSTILE) {
      const results = [];
      for (let i = 0; i < 3; i++) results.push(await limiter.consume(subject, rule));
      expect(results.map((result) => [result.allowed, result.source])).toEqual([
        [true, 'store'],
        [true, 'store'],
        [false, 'store'],
      ]);
    }
    expect(limiter.stats().storeErrors).toBe(0);
  });

  it('several policies of one hostile client share a slot and are checked together', async () => {
    const keySpace = new KeySpace('hostile');
    const narrow = { limit: 1, window: '1m', algorithm: 'sliding-log' } as const;
    const wide = { limit: 10, window: '1m', algorithm: 'token-bucket' } as const;
    for (const client of HOSTILE) {
      const slots = new Set([
        await keySlot(keySpace.rateLimit('sliding-log', `narrow:${client}`, client).state),
        await keySlot(keySpace.rateLimit('token-bucket', `wide:${client}`, client).block),
      ]);
      expect(slots.size).toBe(1);
      const checks = [
        { subject: `narrow:${client}`, rule: narrow, slot: client },
        { subject: `wide:${client}`, rule: wide, slot: client },
      ];
      const first = await limiter.consumeAll(checks);
      const second = await limiter.consumeAll(checks);
      expect([first.allowed, second.allowed]).toEqual([true, false]);
      expect(first.results.map((result) => result.source)).toEqual(['store', 'store']);
      expect(second.results[1]!.remaining).toBe(9); // the refused request took nothing from the wide policy
    }
    expect(limiter.stats().storeErrors).toBe(0);
  });
});
