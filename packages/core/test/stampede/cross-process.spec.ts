import { Redis } from 'ioredis';
import { createCache } from '@cachet/core';
import { testRedisUrl, uniqueNamespace, sleep } from '@cachet/testing';
import { runFixture } from '../support/child-processes.js';
import { recordingLogger } from '../support/caches.js';

interface ChildReport {
  started: number;
  results: Array<{ ok: boolean; doneAt: number; loadedAt: number }>;
  stats: { wakeUps: number; leaseWaits: number; takeovers: number };
}

describe('stampede across processes (guarantee 5)', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(testRedisUrl());
  });
  afterAll(() => redis.quit());

  it('4 processes × 250 concurrent calls on a cold key: the loader runs once, waiters are woken', async () => {
    const namespace = uniqueNamespace('xp');
    const children = Array.from({ length: 4 }, () =>
      runFixture('stampede-child.mjs', [testRedisUrl(), namespace, 'cold', '250', '1000', 'normal']),
    );
    await sleep(1_500); // let every child connect
    for (const child of children) child.process.stdin!.end('go\n');
    const reports = (await Promise.all(children.map((child) => child.nextLine()))) as unknown as ChildReport[];
    await Promise.all(children.map((child) => child.exited));

    expect(Number(await redis.get(`${namespace}:loads`))).toBe(1);
    const results = reports.flatMap((report) => report.results);
    expect(results).toHaveLength(1_000);
    expect(results.every((result) => result.ok)).toBe(true);
    const loadedAt = results[0]!.loadedAt;
    const lags = results.map((result) => result.doneAt - loadedAt).sort((a, b) => a - b);
    const waiting = reports.filter((report) => report.stats.leaseWaits > 0);
    expect(waiting.length).toBeGreaterThanOrEqual(1);
    for (const report of waiting) expect(report.stats.wakeUps).toBeGreaterThanOrEqual(1);
    console.log(
      `stampede 4×250: loads=1, waiter lag after the load finished: p50=${lags[500]} ms, p99=${lags[990]} ms, max=${lags.at(-1)} ms; ` +
        `wake-ups per waiting process: ${waiting.map((report) => report.stats.wakeUps).join(',')}`,
    );
  });

  it('kill -9 of the lease holder mid-load: a waiter elsewhere takes over after the lease TTL and everyone gets a value', async () => {
    const namespace = uniqueNamespace('kill');
    const holder = runFixture('stampede-child.mjs', [testRedisUrl(), namespace, 'k', '1', '0', 'hold']);
    await sleep(1_000);
    holder.process.stdin!.end('go\n');
    expect(await holder.nextLine()).toEqual({ holding: true });

    const cache = createCache({
      redis: testRedisUrl(),
      namespace,
      lock: { ttl: '1s', wait: '20s' },
      logger: recordingLogger(),
    });
    let loads = 0;
    const waiters = Array.from({ length: 50 }, () =>
      cache.getOrSet('k', async () => {
        loads++;
        return { value: 'loaded' };
      }),
    );
    await sleep(300);
    holder.process.kill('SIGKILL');
    await holder.exited;
    const values = await Promise.all(waiters);
    expect(values.every((value) => value.value === 'loaded')).toBe(true);
    expect(loads).toBe(1);
    expect(cache.stats().takeovers).toBe(1);
    await cache.close();
  });
});
