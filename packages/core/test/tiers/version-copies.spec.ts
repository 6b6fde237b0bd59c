import { Redis } from 'ioredis';
import { createCache, type Cache } from '@cachet/core';
import { KeySpace } from '@cachet/core/store';
import { sleep, startRedis, testRedisUrl, uniqueNamespace, type RedisServerHandle } from '@cachet/testing';
import { VersionCache } from '../../src/tiers/version-cache.js';
import { recordingLogger } from '../support/caches.js';
import { countingClient } from '../support/counting-client.js';

/** Polls until `check` holds; fails after `boundMs`. */
async function within(boundMs: number, check: () => Promise<boolean>): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > boundMs) throw new Error(`not seen within ${boundMs} ms`);
    await sleep(2);
  }
}

describe('VersionCache: copies of tag and generation versions', () => {
  const keySpace = new KeySpace('vc');
  const copies = (maxEntries = 100, ttlMs = 60_000) => new VersionCache({ maxEntries, ttlMs }, () => keySpace);
  const tag = keySpace.tag('t');

  it('keeps a fetched version, and refuses one fetched while a drop of its key arrived', () => {
    const cache = copies();
    cache.put('vc', tag, 'v1', cache.capture());
    expect(cache.get('vc', tag)).toBe('v1');
    const captured = cache.capture();
    cache.apply('vc', { op: 'tags', tags: ['t'] }); // an invalidation arrives while the fetch is on the wire
    cache.put('vc', tag, 'v1', captured);
    expect(cache.get('vc', tag)).toBeUndefined();
    cache.put('vc', tag, 'v2', cache.capture());
    expect(cache.get('vc', tag)).toBe('v2');
  });

  it('a drop of another key does not refuse the fill; a clear drops only the generation', () => {
    const cache = copies();
    const captured = cache.capture();
    cache.apply('vc', { op: 'tags', tags: ['other'] });
    cache.put('vc', tag, 'v1', captured);
    cache.put('vc', keySpace.generation, 'g1', captured);
    expect(cache.get('vc', tag)).toBe('v1');
    cache.apply('vc', { op: 'clear' });
    expect(cache.get('vc', keySpace.generation)).toBeUndefined();
    expect(cache.get('vc', tag)).toBe('v1');
  });

  it('forgetting a namespace drops its copies and refuses every fetch that began before', () => {
    const cache = copies();
    cache.put('vc', tag, 'v1', cache.capture());
    cache.put('other', tag, 'o1', cache.capture());
    const captured = cache.capture();
    cache.forget('vc');
    expect(cache.get('vc', tag)).toBeUndefined();
    expect(cache.get('other', tag)).toBe('o1');
    cache.put('vc', tag, 'v1', captured);
    expect(cache.get('vc', tag)).toBeUndefined();
    cache.forget();
    expect(cache.get('other', tag)).toBeUndefined();
  });

  it('nothing is kept from a read made while the bus was not listening (capture -1)', () => {
    const cache = copies();
    cache.put('vc', tag, 'v1', -1);
    expect(cache.get('vc', tag)).toBeUndefined();
  });

  it('a dropped key evicted from the bounded map still refuses fetches that began before its drop', () => {
    const cache = copies(2);
    const captured = cache.capture();
    cache.apply('vc', { op: 'tags', tags: ['t'] });
    for (const name of ['a', 'b']) cache.put('vc', keySpace.tag(name), name, cache.capture()); // evicts t's tombstone
    cache.put('vc', tag, 'v1', captured);
    expect(cache.get('vc', tag)).toBeUndefined();
  });

  it('a copy lives at most its ttl', async () => {
    const cache = copies(100, 30);
    cache.put('vc', tag, 'v1', cache.capture());
    await sleep(40);
    expect(cache.get('vc', tag)).toBeUndefined();
  });
});

describe('versions from the bus', () => {
  const caches: Cache[] = [];
  const open = (namespace: string, redis: string | Redis = testRedisUrl()) => {
    const logger = recordingLogger();
    const cache = createCache({ redis, namespace, versions: { source: 'bus' }, logger });
    caches.push(cache);
    return { cache, logger };
  };
  afterEach(async () => {
    await Promise.all(caches.splice(0).map((cache) => cache.close()));
  });

  /** Reads until a read sends nothing but its entry's script: the versions are copied. */
  async function warm(sent: string[], read: () => Promise<unknown>): Promise<void> {
    for (let i = 0; i < 200; i++) {
      sent.length = 0;
      await read();
      if (sent.length === 1) return;
      await sleep(5);
    }
    throw new Error('the versions were never copied');
  }

  it('a hit sends only the entry script; an invalidation is seen at once here, on the others once delivered', async () => {
    const namespace = uniqueNamespace('vb');
    const { client, sent } = countingClient(testRedisUrl());
    const reader = open(namespace, client).cache;
    const writer = open(namespace).cache;
    await writer.set('k', 'v', { tags: ['t'] });
    await warm(sent, () => reader.get('k'));
    expect(sent).toEqual(['evalsha']);
    await writer.getOrSet('own', async () => 'w', { tags: ['t'] });
    expect(await writer.get('own')).toBe('w');
    await writer.invalidateTags('t');
    expect(await writer.get('own')).toBeUndefined(); // the instance that invalidated: at once
    await within(2_000, async () => (await reader.get('k')) === undefined);
    await writer.set('k', 'v2', { tags: ['t'] });
    expect(await reader.get('k')).toBe('v2');
    await writer.clear();
    await within(2_000, async () => (await reader.get('k')) === undefined);
    await client.quit();
  });

  describe('when the bus stops listening', () => {
    let server: RedisServerHandle;
    beforeAll(async () => {
      server = await startRedis();
    });
    afterAll(async () => {
      await server.stop();
    });

    it('drops the copies, fetches versions from Redis, and copies again once it listens', async () => {
      const { client, sent } = countingClient(server.url);
      const { cache, logger } = open('vdown', client);
      await cache.set('k', 'v', { tags: ['t'] });
      await warm(sent, () => cache.get('k'));
      const admin = new Redis(server.url);
      await admin.client('KILL', 'TYPE', 'pubsub');
      await within(5_000, async () => logger.lines.some((line) => line.includes('in-process copies dropped')));
      sent.length = 0;
      expect(await cache.get('k')).toBe('v');
      // Its tag and the generation came from Redis, the copies having been dropped with the lost messages.
      expect(sent.filter((name) => name === 'get').length).toBe(2);
      await warm(sent, () => cache.get('k'));
      await admin.quit();
      await client.quit();
    });
  });
});
