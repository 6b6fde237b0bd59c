import { Redis } from 'ioredis';
import { createCache, createWriteBehind, WriteBehindError } from '@cachet/core';
import { startRedis, type RedisServerHandle } from '@cachet/testing';
import { recordingLogger } from '../support/caches.js';

describe('Redis memory full under noeviction', () => {
  let server: RedisServerHandle;
  let admin: Redis;

  beforeAll(async () => {
    server = await startRedis({ args: ['--maxmemory', '4mb', '--maxmemory-policy', 'noeviction'] });
    admin = new Redis(server.url);
  });
  afterAll(async () => {
    admin?.disconnect();
    await server?.stop();
  });

  it('cache writes are skipped, reads keep answering, write-behind refuses with a typed error', async () => {
    const cache = createCache({ redis: server.url, namespace: 'full', logger: recordingLogger() });
    const writeBehind = createWriteBehind({ redis: server.url, namespace: 'full', logger: recordingLogger() });
    try {
      await cache.set('kept', 'before');
      const filler = 'x'.repeat(64 * 1024);
      for (let i = 0; ; i++) {
        const full = await admin.set(`filler:${i}`, filler).then(
          () => false,
          (error: Error) => error.message.startsWith('OOM'),
        );
        if (full) break;
      }
      // Well below what is used now, so every write is refused however memory moves meanwhile.
      await admin.config('SET', 'maxmemory', String(1024 * 1024));
      await expect(cache.set('late', 'value')).resolves.toBeUndefined(); // skipped, not thrown
      await expect(cache.get('late')).resolves.toBeUndefined();
      await expect(cache.get('kept')).resolves.toBe('before');
      await expect(cache.getOrSet('late', async () => 'from source')).resolves.toBe('from source');
      await expect(writeBehind.append('orders', { key: 'o1', args: [1] })).rejects.toBeInstanceOf(WriteBehindError);
    } finally {
      await writeBehind.close({ timeoutMs: 0 });
      await cache.close();
    }
  });
});
