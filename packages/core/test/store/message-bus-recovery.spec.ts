import { Redis } from 'ioredis';
import { createCache, createLockManager, type Cache, type LockManager } from '@cachet/core';
import { RedisConnection, RedisStore } from '@cachet/core/store';
import { startRedis, type RedisServerHandle, sleep, uniqueNamespace } from '@cachet/testing';
import { recordingLogger } from '../support/caches.js';

/**
 * A moment when Redis refuses new connections (maxclients reached) while the
 * process opens its subscriber: the bus must keep retrying, waiters must poll
 * meanwhile, and once connections are accepted again everything must work as
 * if nothing had happened.
 */
describe('message bus after a refused SUBSCRIBE', () => {
  let redis: RedisServerHandle;
  let admin: Redis;
  beforeAll(async () => {
    redis = await startRedis();
    admin = new Redis(redis.url);
  }, 60_000);
  afterAll(async () => {
    await admin.quit();
    await redis.stop();
  });

  /** Refuses every new connection from now on (the clients already connected stay). */
  async function refuseNewConnections(): Promise<void> {
    const info = await admin.info('clients');
    const connected = Number(/connected_clients:(\d+)/.exec(info)![1]);
    await admin.config('SET', 'maxclients', String(connected));
  }
  const acceptConnections = () => admin.config('SET', 'maxclients', '10000');

  /** One holder keeps `name` for `holdMs` while a second caller waits for it; resolves with the waiter's result. */
  async function contended(locks: LockManager, name: string, holdMs: number): Promise<string> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const holder = locks.withLock(name, async () => {
      entered();
      await held;
    });
    await inside;
    const waiter = locks.withLock(name, () => 'waited', { wait: '20s' });
    setTimeout(release, holdMs);
    await holder;
    return waiter;
  }

  it('lock waiters poll while the bus is down, and are woken by messages again once it is back', async () => {
    const logger = recordingLogger();
    const locks = createLockManager({ redis: redis.url, namespace: uniqueNamespace('bus'), logger });
    try {
      await locks.withLock('warm-up', () => undefined); // the command connection is open
      await refuseNewConnections();
      try {
        // The first wait opens the subscriber, which Redis refuses.
        await expect(contended(locks, 'job', 300)).resolves.toBe('waited');
        await expect(contended(locks, 'job', 300)).resolves.toBe('waited');
      } finally {
        await acceptConnections();
      }
      // Once connections are accepted, the bus subscribes again by itself and releases wake waiters.
      const deadline = Date.now() + 20_000;
      let woken = false;
      while (!woken && Date.now() < deadline) {
        const before = locks.stats().wakeUps;
        await expect(contended(locks, 'job', 200)).resolves.toBe('waited');
        woken = locks.stats().wakeUps > before;
      }
      expect(woken).toBe(true);
      const busLines = logger.lines.filter((line) => line.includes('message bus'));
      expect(busLines).toHaveLength(2); // down, then listening again: one line per state change
    } finally {
      await locks.close();
    }
  }, 90_000);

  it('cache waiters keep waiting for the lease holder, and L1 fills once the bus listens again', async () => {
    const namespace = uniqueNamespace('bus');
    const caches: Cache[] = [0, 1].map(() =>
      createCache({ redis: redis.url, namespace, l1: { maxEntries: 100, ttl: '1m' }, logger: recordingLogger() }),
    );
    try {
      // Command connections open; nothing subscribes yet (a delete publishes, it does not listen).
      await Promise.all(caches.map((cache) => cache.delete('warm-up')));
      await refuseNewConnections();
      let loads = 0;
      const loader = async () => {
        loads++;
        await sleep(500);
        return 'value';
      };
      try {
        const first = caches[0]!.getOrSet('cold', loader, { ttl: '1m' });
        await sleep(100); // the first instance holds the lease
        const second = caches[1]!.getOrSet('cold', loader, { ttl: '1m' });
        await expect(Promise.all([first, second])).resolves.toEqual(['value', 'value']);
      } finally {
        await acceptConnections();
      }
      const loadsSeen = loads;
      // L1 stays off while the bus is down, and fills once the subscription is confirmed.
      const deadline = Date.now() + 20_000;
      const cache = caches[1]!;
      while (cache.stats().l1Hits === 0 && Date.now() < deadline) {
        await cache.get('cold');
        await sleep(20);
      }
      expect(cache.stats().l1Hits).toBeGreaterThan(0);
      expect(loadsSeen).toBe(1);
    } finally {
      await Promise.all(caches.map((cache) => cache.close()));
    }
  }, 90_000);

  it('subscribes every channel again after a lost connection, with one log line each way', async () => {
    const logger = recordingLogger();
    const namespace = uniqueNamespace('bus');
    const locks = createLockManager({ redis: redis.url, namespace, logger });
    const cache = createCache({ redis: redis.url, namespace, l1: { maxEntries: 100, ttl: '1m' }, logger });
    const l1Fills = async () => {
      const before = cache.stats().l1Hits;
      const deadline = Date.now() + 20_000;
      while (cache.stats().l1Hits === before && Date.now() < deadline) {
        await cache.getOrSet('k', async () => 'v', { ttl: '1m' });
        await sleep(20);
      }
      return cache.stats().l1Hits > before;
    };
    const wokenByMessage = async () => {
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        const before = locks.stats().wakeUps;
        await contended(locks, 'job', 200);
        if (locks.stats().wakeUps > before) return true;
      }
      return false;
    };
    try {
      expect(await wokenByMessage()).toBe(true);
      expect(await l1Fills()).toBe(true);
      await redis.kill();
      await redis.restart();
      expect(await wokenByMessage()).toBe(true);
      expect(await l1Fills()).toBe(true);
    } finally {
      await locks.close();
      await cache.close();
    }
    // Each of the two connections (the lock manager's, the cache's) lost its bus once and got it back once.
    expect(logger.lines.filter((line) => line.includes('message bus down'))).toHaveLength(2);
    expect(logger.lines.filter((line) => line.includes('message bus listening again'))).toHaveLength(2);
  }, 90_000);

  it('a failed subscribe leaves no handler behind, and a later one succeeds', async () => {
    const store = new RedisStore(RedisConnection.from(redis.url, { commandTimeoutMs: 1_000 }), {
      logger: recordingLogger(),
    });
    try {
      await store.ready(10_000);
      const channel = `${uniqueNamespace('bus')}:c`;
      let stale = 0;
      await refuseNewConnections();
      try {
        for (let i = 0; i < 3; i++) await expect(store.bus.subscribe(channel, () => stale++)).rejects.toThrow();
      } finally {
        await acceptConnections();
      }
      let delivered = 0;
      const deadline = Date.now() + 20_000;
      for (;;) {
        const subscribed = await store.bus
          .subscribe(channel, () => delivered++)
          .then(
            () => true,
            () => false,
          );
        if (subscribed) break;
        if (Date.now() > deadline) throw new Error('never subscribed again');
        await sleep(100);
      }
      await store.bus.publish(channel, 'hello');
      const until = Date.now() + 5_000;
      while (delivered === 0 && Date.now() < until) await sleep(10);
      await sleep(100);
      expect({ delivered, stale }).toEqual({ delivered: 1, stale: 0 });
    } finally {
      await store.close();
    }
  }, 60_000);
});
