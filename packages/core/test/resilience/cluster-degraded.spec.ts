import { Cluster, Redis } from 'ioredis';
import {
  createCache,
  createLockManager,
  createRateLimiter,
  createWriteBehind,
  WriteBehindError,
  type Cache,
} from '@cachet/core';
import { KeySpace } from '@cachet/core/store';
import { startRedisCluster, type RedisClusterHandle, waitUntil, sleep } from '@cachet/testing';
import { recordingLogger } from '../support/caches.js';
import { namespaceOffFirstMaster } from '../support/cluster-namespaces.js';

/**
 * A master of a 3-master cluster without replicas is SIGKILLed, so nothing
 * takes its slots over. With `cluster-require-full-coverage no` the other
 * masters keep serving: only the dead master's keys may notice. With the Redis
 * default, the whole cluster answers CLUSTERDOWN: every engine must still give
 * an answer (fail-open or a typed error) within its own timeouts, including
 * an engine created only after the failure.
 */
/** Its generation key lives on a master that stays up (see namespaceOffFirstMaster). */
const NAMESPACE = namespaceOffFirstMaster('degraded');
const keySpace = new KeySpace(NAMESPACE);
/** Generous: a bound on waiting, not a measurement; a call that hangs never settles at all. */
const SLACK_MS = 2_000;
const rule = { limit: 1_000, window: '1m', algorithm: 'fixed-window' } as const;

describe('a Cluster master gone for good, cluster-require-full-coverage no (guarantee 7)', () => {
  let cluster: RedisClusterHandle;
  let cache: Cache;
  let names: Names;

  beforeAll(async () => {
    cluster = await startRedisCluster({ masters: 3, nodeTimeoutMs: 1_000, requireFullCoverage: false });
    names = await namesByMaster(cluster);
    cache = createCache({
      redis: { cluster: seeds(cluster) },
      namespace: NAMESPACE,
      commandTimeout: 200,
      breaker: { threshold: 3, resetAfter: '1m' },
      logger: recordingLogger(),
    });
    for (const key of [...names.cache.dead, ...names.cache.healthy]) await cache.set(key, key);
    await cluster.killNode(0);
  }, 60_000);
  afterAll(async () => {
    await cache?.close();
    await cluster?.stop();
  });

  it("opens only the dead master's breaker: keys on the other masters keep hitting", async () => {
    for (const key of names.cache.dead) await expect(cache.get(key)).resolves.toBeUndefined();
    expect(Object.values(cache.stats().breakerNodes ?? {})).toEqual(['open']);
    expect(cache.stats().breaker).toBe('half-open');
    for (const key of names.cache.healthy) await expect(cache.get(key)).resolves.toBe(key);
    const loads: string[] = [];
    const fetched = await cache.fetch(names.cache.healthy[0]!, async () => (loads.push('x'), 'reloaded'));
    expect({ fetched, loads }).toEqual({ fetched: { value: names.cache.healthy[0], outcome: 'hit' }, loads: [] });
  });

  it("a rate limiter skips only the dead master's subjects; the others are still counted in Redis", async () => {
    const limiter = createRateLimiter({
      redis: { cluster: seeds(cluster) },
      namespace: NAMESPACE,
      commandTimeout: 200,
      breaker: { threshold: 3, resetAfter: '1m' },
      logger: recordingLogger(),
    });
    try {
      const sources: string[] = [];
      for (let round = 0; round < 4; round++) {
        for (const subject of names.subjects.dead)
          sources.push(`dead:${(await limiter.consume(subject, rule)).source}`);
        for (const subject of names.subjects.healthy) {
          sources.push(`healthy:${(await limiter.consume(subject, rule)).source}`);
        }
      }
      expect(sources.filter((source) => source.startsWith('healthy:')).every((s) => s === 'healthy:store')).toBe(true);
      expect(sources.filter((source) => source.startsWith('dead:')).every((s) => s === 'dead:insurance')).toBe(true);
    } finally {
      await limiter.close();
    }
  });

  it('a write-behind engine created now records on live masters and refuses on the dead one, each within its timeout', async () => {
    const writeBehind = createWriteBehind({
      redis: { cluster: seeds(cluster) },
      namespace: NAMESPACE,
      commandTimeout: 500,
      logger: recordingLogger(),
    });
    try {
      const healthy = await settlesWithin(
        writeBehind.append(names.queues.healthy, { key: 'k', args: [1] }),
        500 + SLACK_MS,
      );
      expect(healthy).toMatchObject({ resolved: { id: expect.any(String) } });
      await expect(settlesWithin(writeBehind.stats(names.queues.healthy), 500 + SLACK_MS)).resolves.toMatchObject({
        resolved: { depth: 1 },
      });
      const dead = await settlesWithin(writeBehind.append(names.queues.dead, { key: 'k', args: [1] }), 500 + SLACK_MS);
      expect(dead.rejected).toBeInstanceOf(WriteBehindError);
      const stats = await settlesWithin(writeBehind.stats(names.queues.dead), 500 + SLACK_MS);
      expect(stats.rejected).toBeInstanceOf(Error);
    } finally {
      await settlesWithin(writeBehind.close({ timeoutMs: 0 }), 5_000);
    }
  });
});

describe('a Cluster master gone for good, cluster-require-full-coverage yes: the cluster is down (guarantee 7)', () => {
  let cluster: RedisClusterHandle;
  let names: Names;

  beforeAll(async () => {
    cluster = await startRedisCluster({ masters: 3, nodeTimeoutMs: 1_000 });
    names = await namesByMaster(cluster);
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('every engine, old or created after the failure, answers within its timeouts; so it does once every master is dead', async () => {
    const before = engines(cluster);
    const created = [before];
    await before.cache.set(names.cache.healthy[0]!, 'cached');
    await cluster.killNode(0);
    await waitUntil(async () => (await clusterState(cluster.nodes[1]!.port)) === 'fail');
    for (const phase of ['one master dead', 'every master dead']) {
      if (phase === 'every master dead') {
        await cluster.killNode(1);
        await cluster.killNode(2);
      }
      const fresh = engines(cluster);
      created.push(fresh);
      for (const engine of [before, fresh]) {
        const key = names.cache.healthy[0]!;
        const bound = 500 + SLACK_MS;
        const outcomes = {
          phase,
          get: await settlesWithin(engine.cache.get(key), bound),
          getOrSet: await settlesWithin(
            engine.cache.getOrSet(key, async () => 'source'),
            bound,
          ),
          consume: await settlesWithin(engine.limiter.consume(names.subjects.healthy[0]!, rule), bound),
          append: await settlesWithin(engine.writeBehind.append(names.queues.healthy, { key: 'k', args: [1] }), bound),
          stats: await settlesWithin(engine.writeBehind.stats(names.queues.healthy), bound),
          lock: await settlesWithin(
            engine.locks.withLock('job', async () => 'ran', { wait: 0 }),
            bound,
          ),
        };
        expect(outcomes).toMatchObject({
          get: { resolved: undefined },
          getOrSet: { resolved: 'source' },
          consume: { resolved: { allowed: true, source: 'insurance' } },
          append: { rejected: expect.any(WriteBehindError) },
          stats: { rejected: expect.any(Error) },
          lock: { rejected: expect.any(Error) },
        });
      }
    }
    await Promise.all(created.map((engine) => closeAll(engine)));
  }, 120_000);
});

interface Names {
  cache: { dead: string[]; healthy: string[] };
  subjects: { dead: string[]; healthy: string[] };
  queues: { dead: string; healthy: string };
}

/** User-facing names whose Redis keys live on master 0 (to be killed) and on masters 1 and 2. */
async function namesByMaster(cluster: RedisClusterHandle): Promise<Names> {
  const client = new Cluster([cluster.nodes[1]!]);
  try {
    await client.ping();
    const ownerOf = async (redisKey: string) => {
      const slot = Number(await client.cluster('KEYSLOT', redisKey));
      const port = Number(client.slots[slot]![0]!.split(':')[1]);
      return cluster.nodes.findIndex((node) => node.port === port);
    };
    const split = async (candidates: string[], redisKey: (name: string) => string) => {
      const owners = await Promise.all(candidates.map((name) => ownerOf(redisKey(name))));
      return {
        dead: candidates.filter((_, i) => owners[i] === 0).slice(0, 4),
        healthy: candidates.filter((_, i) => owners[i] !== 0).slice(0, 8),
      };
    };
    const candidates = Array.from({ length: 60 }, (_, i) => `name-${i}`);
    const queues = await split(candidates, (name) => keySpace.queue(name).stream);
    return {
      cache: await split(candidates, (name) => keySpace.entry(name).entry),
      subjects: await split(candidates, (name) => keySpace.rateLimit(rule.algorithm, name).state),
      queues: { dead: queues.dead[0]!, healthy: queues.healthy[0]! },
    };
  } finally {
    client.disconnect();
  }
}

function seeds(cluster: RedisClusterHandle) {
  return cluster.nodes.map(({ host, port }) => ({ host, port }));
}

function engines(cluster: RedisClusterHandle) {
  const redis = { cluster: seeds(cluster) };
  const logger = recordingLogger();
  return {
    cache: createCache({ redis, namespace: NAMESPACE, commandTimeout: 500, logger }),
    limiter: createRateLimiter({ redis, namespace: NAMESPACE, commandTimeout: 500, logger }),
    writeBehind: createWriteBehind({ redis, namespace: NAMESPACE, commandTimeout: 500, logger }),
    locks: createLockManager({ redis, namespace: NAMESPACE, commandTimeout: 500, logger }),
  };
}

async function closeAll(engine: ReturnType<typeof engines>): Promise<void> {
  await Promise.all([
    settlesWithin(engine.cache.close(), 5_000),
    settlesWithin(engine.limiter.close(), 5_000),
    settlesWithin(engine.writeBehind.close({ timeoutMs: 0 }), 5_000),
    settlesWithin(engine.locks.close(), 5_000),
  ]);
}

type Settled<T> = { resolved: T; rejected?: undefined } | { resolved?: undefined; rejected: unknown };

/** How `promise` settled; fails the test when it is still pending after `ms` (a hang, not slowness). */
async function settlesWithin<T>(promise: Promise<T>, ms: number): Promise<Settled<T>> {
  let timer: NodeJS.Timeout | undefined;
  const pending = Symbol('pending');
  const watchdog = new Promise<typeof pending>((resolve) => (timer = setTimeout(() => resolve(pending), ms)));
  const settled = promise.then(
    (resolved): Settled<T> => ({ resolved }),
    (rejected: unknown): Settled<T> => ({ rejected }),
  );
  const result = await Promise.race([settled, watchdog]).finally(() => clearTimeout(timer));
  if (result === pending) throw new Error(`still pending after ${ms} ms`);
  return result;
}

async function clusterState(port: number): Promise<string> {
  const client = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await client.connect();
    return /cluster_state:(\w+)/.exec(String(await client.cluster('INFO')))?.[1] ?? 'unknown';
  } catch {
    return 'unreachable';
  } finally {
    client.disconnect();
  }
}

describe('a Cluster replica lost', () => {
  let cluster: RedisClusterHandle;

  beforeAll(async () => {
    cluster = await startRedisCluster({ masters: 3, replicas: 1, nodeTimeoutMs: 1_000 });
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('changes nothing for the cache: every key still hits, no breaker opens, no call fails', async () => {
    const cache = createCache({
      redis: { cluster: seeds(cluster).slice(0, 3) },
      namespace: NAMESPACE,
      commandTimeout: 500,
    });
    try {
      const keys = Array.from({ length: 60 }, (_, i) => `replica-loss-${i}`);
      await Promise.all(keys.map((key) => cache.set(key, key)));
      await cluster.killNode(3);
      await waitUntil(async () => (await clusterState(cluster.nodes[0]!.port)) === 'ok');
      for (let round = 0; round < 3; round++) {
        const values = await Promise.all(keys.map((key) => cache.fetch(key, async () => 'source')));
        expect(values.filter((fetched) => fetched.outcome !== 'hit')).toEqual([]);
        await sleep(500);
      }
      expect(cache.stats()).toMatchObject({ breaker: 'closed', breakerNodes: {}, errors: 0 });
    } finally {
      await cache.close();
    }
  }, 60_000);
});
