import { Redis } from 'ioredis';
import { createCache, type Cache } from '@cachet/core';
import { startRedis, testRedisUrl, sleep, uniqueNamespace } from '@cachet/testing';
import { recordingLogger } from '../support/caches.js';
import { runFixture } from '../support/child-processes.js';
import { countingClient } from '../support/counting-client.js';

/**
 * Reads until the next read is an L1 hit: L1 fills only once this instance's
 * subscription to the invalidation bus is confirmed, so the first reads go to Redis.
 */
async function warm(cache: Cache, read: () => Promise<unknown>): Promise<void> {
  const before = cache.stats().l1Hits;
  for (let i = 0; i < 200 && cache.stats().l1Hits === before; i++) {
    await read();
    await sleep(2);
  }
  if (cache.stats().l1Hits === before) throw new Error('L1 never filled');
}

/** Polls until `check` holds, returning how long it took; fails after `boundMs`. */
async function within(boundMs: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > boundMs) throw new Error(`not seen within ${boundMs} ms`);
    await sleep(2);
  }
  return Date.now() - started;
}

describe('L1: the in-process tier', () => {
  const caches: Cache[] = [];
  const open = (namespace: string, redis: string | Redis = testRedisUrl()) => {
    const cache = createCache({ redis, namespace, l1: { maxEntries: 100, ttl: '1m' }, logger: recordingLogger() });
    caches.push(cache);
    return cache;
  };
  afterEach(async () => {
    await Promise.all(caches.splice(0).map((cache) => cache.close()));
  });

  it('an L1 hit costs no Redis round trip', async () => {
    const { client, sent } = countingClient(testRedisUrl());
    const cache = open(uniqueNamespace('l1'), client);
    await cache.getOrSet('k', async () => 'v', { tags: ['t'] });
    await warm(cache, () => cache.getOrSet('k', async () => 'x', { tags: ['t'] }));
    const hitsBefore = cache.stats().l1Hits;
    sent.length = 0;
    for (let i = 0; i < 100; i++) expect(await cache.getOrSet('k', async () => 'x', { tags: ['t'] })).toBe('v');
    expect(sent).toEqual([]);
    expect(cache.stats().l1Hits - hitsBefore).toBe(100);
    await client.quit();
  });

  it('sliding entries and l1: false always reach Redis', async () => {
    const { client, sent } = countingClient(testRedisUrl());
    const cache = open(uniqueNamespace('l1'), client);
    await cache.set('plain', 'v');
    await warm(cache, () => cache.get('plain')); // this instance listens: anything allowed in L1 would go there now
    for (let i = 0; i < 3; i++) {
      await cache.getOrSet('s', async () => 'v', { ttl: '1m', sliding: true });
      await cache.getOrSet('o', async () => 'v', { l1: false });
    }
    sent.length = 0;
    await cache.getOrSet('s', async () => 'v', { ttl: '1m', sliding: true });
    await cache.getOrSet('o', async () => 'v', { l1: false });
    expect(sent).toEqual(['evalsha', 'mget']); // sliding: the script slides it; plain: one MGET
    await client.quit();
  });

  it('a set, delete, tag invalidation or clear on one instance drops the copy on another', async () => {
    const namespace = uniqueNamespace('l1');
    const a = open(namespace);
    const b = open(namespace);
    const warmA = () => warm(a, () => a.get('k', { tags: ['t'] }));
    await b.set('k', 'v1', { tags: ['t'] });
    await warmA();
    await b.set('k', 'v2', { tags: ['t'] });
    await within(2_000, async () => (await a.get('k', { tags: ['t'] })) === 'v2');
    await warmA();
    await b.invalidateTags('t');
    await within(2_000, async () => (await a.get('k', { tags: ['t'] })) === undefined);
    await b.set('k', 'v3', { tags: ['t'] });
    await warmA();
    await b.clear();
    await within(2_000, async () => (await a.get('k', { tags: ['t'] })) === undefined);
    await b.set('k', 'v4', { tags: ['t'] });
    await warmA();
    await b.delete('k');
    await within(2_000, async () => (await a.get('k', { tags: ['t'] })) === undefined);
    expect(a.stats().l1Hits).toBeGreaterThan(0);
  });

  it('two processes: a write and a tag invalidation in one are seen by the other', async () => {
    const namespace = uniqueNamespace('l1x');
    const child = runFixture('l1-writer-child.mjs', [testRedisUrl(), namespace]);
    expect(await child.nextLine()).toEqual({ ready: true });
    const local = open(namespace);
    const command = async (line: string) => {
      child.process.stdin!.write(`${line}\n`);
      return (await child.nextLine()) as { at: number };
    };
    await command('set k v1');
    await warm(local, () => local.get('k', { tags: ['shared'] }));
    expect(local.stats().l1Hits).toBeGreaterThan(0);
    const written = await command('set k v2');
    const seenAfter = await within(2_000, async () => (await local.get('k', { tags: ['shared'] })) === 'v2');
    await warm(local, () => local.get('k', { tags: ['shared'] }));
    await command('tags shared');
    const invalidatedAfter = await within(
      2_000,
      async () => (await local.get('k', { tags: ['shared'] })) === undefined,
    );
    console.log(
      `L1 coherence across processes: write seen ${seenAfter} ms after the writer's call resolved, ` +
        `tag invalidation seen after ${invalidatedAfter} ms; bus lag (sender→receiver clock) ${local.stats().busLagMs} ms; ` +
        `writer resolved at ${written.at}`,
    );
    child.process.stdin!.end('quit\n');
    await child.exited;
  });

  it('a resubscribe after a lost connection clears L1 (messages may have been missed)', async () => {
    const server = await startRedis();
    const logger = recordingLogger();
    const cache = createCache({ redis: server.url, namespace: 'resub', l1: { ttl: '1m' }, logger });
    caches.push(cache);
    await cache.set('k', 'v');
    await warm(cache, () => cache.get('k'));
    const admin = new Redis(server.url);
    const hitsBefore = cache.stats().l1Hits;
    await cache.get('k');
    expect(cache.stats().l1Hits).toBe(hitsBefore + 1);
    await admin.client('KILL', 'TYPE', 'pubsub');
    await within(5_000, async () => logger.lines.some((line) => line.includes('in-process copies dropped')));
    await cache.get('k');
    expect(cache.stats().l1Hits).toBe(hitsBefore + 1); // went to Redis: L1 was cleared
    await admin.quit();
    await cache.close();
    caches.pop();
    await server.stop();
  });
});
