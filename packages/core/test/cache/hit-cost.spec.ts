import { Redis } from 'ioredis';
import { createCache } from '@cachet/core';
import { startRedis, type RedisServerHandle } from '@cachet/testing';
import { recordingLogger } from '../support/caches.js';
import { countingClient } from '../support/counting-client.js';

/** Total commands the server has processed, from INFO commandstats (minus the INFO calls themselves). */
async function commandCount(admin: Redis): Promise<number> {
  const info = await admin.info('commandstats');
  let total = 0;
  for (const match of info.matchAll(/^cmdstat_(\w+):calls=(\d+)/gm)) if (match[1] !== 'info') total += Number(match[2]);
  return total;
}

describe('hit cost (guarantee 1)', () => {
  let server: RedisServerHandle;
  let admin: Redis;
  beforeAll(async () => {
    server = await startRedis();
    admin = new Redis(server.url);
  });
  afterAll(async () => {
    await admin.quit();
    await server.stop();
  });

  it('a hit is one round trip on standalone: sliding refresh and tag validation included', async () => {
    const { client, sent } = countingClient(server.url);
    const cache = createCache({ redis: client, namespace: 'hits', logger: recordingLogger() });
    const options = { ttl: '1m', sliding: true, tags: ['t1', 't2'] } as const;
    await cache.getOrSet('k', async () => ({ v: 1 }), options);
    await cache.getOrSet('k', async () => ({ v: 2 }), options); // warms the script cache (EVALSHA)
    await admin.config('RESETSTAT');
    sent.length = 0;
    for (let i = 0; i < 10; i++) expect(await cache.getOrSet('k', async () => ({ v: 3 }), options)).toEqual({ v: 1 });
    expect(sent).toEqual(Array(10).fill('evalsha'));
    // Server side: the one script per hit read the entry, slid its TTL and read both tags and the generation.
    const info = await admin.info('commandstats');
    expect(Number(/cmdstat_evalsha:calls=(\d+)/.exec(info)?.[1])).toBe(10);
    expect(await commandCount(admin)).toBeGreaterThanOrEqual(10 * 5);
    await cache.close();
    await client.quit();
  });

  it('a hit of an entry that neither slides nor has a stale window is one plain MGET, no script', async () => {
    const { client, sent } = countingClient(server.url);
    const cache = createCache({ redis: client, namespace: 'plain', logger: recordingLogger() });
    const options = { ttl: '1m', tags: ['t1'] } as const;
    await cache.getOrSet('k', async () => 1, options);
    sent.length = 0;
    for (let i = 0; i < 10; i++) expect(await cache.getOrSet('k', async () => 2, options)).toBe(1);
    expect(sent).toEqual(Array(10).fill('mget'));
    // get() cannot know the entry's kind before reading it: one read script, whatever it finds.
    sent.length = 0;
    expect(await cache.get('k', { tags: ['t1'] })).toBe(1);
    expect(sent).toEqual(['evalsha']);
    await cache.invalidateTags('t1');
    sent.length = 0;
    expect(await cache.get('k', { tags: ['t1'] })).toBeUndefined(); // tag validation still applies
    await cache.close();
    await client.quit();
  });
});
