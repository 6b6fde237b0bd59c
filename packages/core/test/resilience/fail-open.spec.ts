import { createCache, type Cache } from '@cachet/core';
import { startRedis, type RedisServerHandle, sleep } from '@cachet/testing';
import { recordingLogger } from '../support/caches.js';

describe('fail-open with Redis really down (guarantee 7)', () => {
  let server: RedisServerHandle;
  let cache: Cache;
  let logger: ReturnType<typeof recordingLogger>;
  let loads: number;
  const loader = async () => {
    loads++;
    return { at: loads };
  };

  beforeEach(async () => {
    server = await startRedis();
    logger = recordingLogger();
    loads = 0;
    cache = createCache({
      redis: server.url,
      namespace: 'chaos',
      commandTimeout: '100ms',
      breaker: { threshold: 3, resetAfter: '300ms' },
      logger,
    });
    await cache.getOrSet('warm', loader); // connected and scripts loaded
  });
  afterEach(async () => {
    server.resume();
    await cache.close();
    await server.stop();
  });

  it('paused (SIGSTOP): getOrSet keeps returning loader values, the breaker opens, then recovers on resume', async () => {
    const breakerEvents: string[] = [];
    cache.events.on('breaker', (event) => breakerEvents.push(`${event.previous}->${event.state}`));
    server.pause();
    const results = [];
    for (let i = 0; i < 20; i++) results.push(await cache.getOrSet(`k${i}`, loader));
    expect(results.every((value) => typeof value.at === 'number')).toBe(true);
    expect(cache.stats().breaker).toBe('open');
    const opened = logger.lines.filter((line) => line.includes('circuit breaker opened'));
    expect(opened).toHaveLength(1);

    server.resume();
    await sleep(350);
    let recovered = false;
    for (let i = 0; i < 20 && !recovered; i++) {
      await cache.getOrSet('after', loader);
      recovered = cache.stats().breaker === 'closed';
      if (!recovered) await sleep(100);
    }
    expect(recovered).toBe(true);
    expect(logger.lines.filter((line) => line.includes('breaker closed'))).toHaveLength(1);
    expect(breakerEvents).toEqual(['closed->open', 'open->closed']);
    const loadsBefore = loads;
    await cache.getOrSet('after', loader);
    expect(loads).toBe(loadsBefore); // cached again
  });

  it('killed (SIGKILL) and restarted: calls keep answering throughout, caching resumes', async () => {
    await server.kill();
    for (let i = 0; i < 20; i++) expect((await cache.getOrSet(`down${i}`, loader)).at).toBeGreaterThan(0);
    expect(await cache.get('warm')).toBeUndefined();
    await cache.set('ignored', 1); // fail-open: no throw
    await expect(cache.delete('warm')).rejects.toThrow(); // invalidations never pretend
    await server.restart();
    let cached = false;
    for (let i = 0; i < 50 && !cached; i++) {
      await cache.getOrSet('back', loader);
      const loadsBefore = loads;
      await cache.getOrSet('back', loader);
      cached = loads === loadsBefore;
      if (!cached) await sleep(100);
    }
    expect(cached).toBe(true);
  });

  it('failOpen: false surfaces the Redis error instead', async () => {
    const strict = createCache({
      redis: server.url,
      namespace: 'strict',
      commandTimeout: '100ms',
      failOpen: false,
      logger,
    });
    await strict.getOrSet('x', loader);
    server.pause();
    await expect(strict.getOrSet('y', loader)).rejects.toThrow();
    server.resume();
    await strict.close();
  });
});
