import { Redis } from 'ioredis';
import { createCache, type Cache } from '@cachet/core';
import { startRedis, startRedisSentinel, testClusterNodes, type RedisSentinelHandle } from '@cachet/testing';

/** A round trip through the whole cache: miss + load + write, then a hit, a tag invalidation, a reload. */
async function exercise(cache: Cache): Promise<void> {
  let loads = 0;
  const loader = async () => ({ loaded: ++loads });
  await expect(cache.getOrSet('profile:1', loader, { tags: ['profiles'] })).resolves.toEqual({ loaded: 1 });
  await expect(cache.getOrSet('profile:1', loader, { tags: ['profiles'] })).resolves.toEqual({ loaded: 1 });
  await cache.invalidateTags('profiles');
  await expect(cache.getOrSet('profile:1', loader, { tags: ['profiles'] })).resolves.toEqual({ loaded: 2 });
  const stats = cache.stats();
  expect(stats).toMatchObject({ hits: 1, misses: 2, loads: 2, errors: 0 });
}

describe('createCache over the connection kinds operators run', () => {
  it('TLS: rediss with the CA to trust, as ioredis options', async () => {
    const server = await startRedis({ tls: true });
    const cache = createCache({
      redis: { host: server.host, port: server.port, tls: { ca: server.tls!.ca } },
      namespace: 'ops-tls',
    });
    try {
      await exercise(cache);
    } finally {
      await cache.close();
      await server.stop();
    }
  });

  it('ACL: a named user limited to its namespace and to the commands Cachet sends', async () => {
    const server = await startRedis({
      users: [
        {
          name: 'cachet',
          password: 'app-secret',
          rules: ['~ops-acl:*', '&ops-acl:*', '+@all', '-@dangerous', '+info'],
        },
      ],
      requirePassword: true,
    });
    const cache = createCache({
      redis: { host: server.host, port: server.port, username: 'cachet', password: 'app-secret' },
      namespace: 'ops-acl',
    });
    try {
      await exercise(cache);
    } finally {
      await cache.close();
      await server.stop();
    }
  });

  it('ACL: the same user outside its key pattern gets no entry cached, and calls still succeed (fail-open)', async () => {
    const server = await startRedis({
      users: [{ name: 'cachet', password: 'app-secret', rules: ['~ops-acl:*', '&ops-acl:*', '+@all'] }],
      requirePassword: true,
    });
    const cache = createCache({
      redis: { host: server.host, port: server.port, username: 'cachet', password: 'app-secret' },
      namespace: 'elsewhere',
      logger: { log: () => undefined, warn: () => undefined, error: () => undefined },
    });
    try {
      let loads = 0;
      await expect(cache.getOrSet('k', async () => ++loads)).resolves.toBe(1);
      await expect(cache.getOrSet('k', async () => ++loads)).resolves.toBe(2);
      expect(cache.stats().errors).toBeGreaterThan(0);
    } finally {
      await cache.close();
      await server.stop();
    }
  });

  it('Cluster: seed nodes', async () => {
    const cache = createCache({ redis: { cluster: testClusterNodes() }, namespace: `ops-cluster-${process.pid}` });
    try {
      await exercise(cache);
    } finally {
      await cache.close();
    }
  });

  describe('Sentinel', () => {
    let deployment: RedisSentinelHandle;
    beforeAll(async () => {
      deployment = await startRedisSentinel();
    }, 60_000);
    afterAll(async () => {
      await deployment?.stop();
    });

    it('{ sentinels, name }: works, and keeps its entries and works again after a failover', async () => {
      const cache = createCache({
        redis: { sentinels: deployment.sentinels, name: deployment.masterName },
        namespace: 'ops-sentinel',
        logger: { log: () => undefined, warn: () => undefined, error: () => undefined },
      });
      try {
        await exercise(cache);
        await cache.set('survivor', 'before failover', { ttl: '5m' });
        // Let the replica acknowledge what the cache wrote, as a synchronous replica would.
        const master = await deployment.master();
        const direct = new Redis({ host: master.host, port: master.port });
        await direct.call('WAIT', '1', '2000');
        direct.disconnect();

        const promoted = await deployment.failover();
        expect(promoted.port).not.toBe(master.port);

        // During the switch the cache fails open (a miss, never an error); then the promoted master answers.
        let seen: unknown;
        for (let attempt = 0; attempt < 100 && seen !== 'before failover'; attempt++) {
          seen = await cache.get('survivor');
          if (seen !== 'before failover') await new Promise((r) => setTimeout(r, 100));
        }
        expect(seen).toBe('before failover');
        let written = false;
        for (let attempt = 0; attempt < 100 && !written; attempt++) {
          await cache.set('after', 'written on the new master');
          written = (await cache.get('after')) === 'written on the new master';
          if (!written) await new Promise((r) => setTimeout(r, 100));
        }
        expect(written).toBe(true);
      } finally {
        await cache.close();
      }
    }, 60_000);
  });
});
