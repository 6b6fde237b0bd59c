import { Redis } from 'ioredis';
import { CacheConfigError, createRateLimiter } from '@cachet/core';
import { KeySpace } from '@cachet/core/store';
import { freePort, startRedis, testRedisUrl, uniqueNamespace } from '@cachet/testing';
import { failureKind } from '../../src/resilience/failure-kind.js';
import { openCache, recordingLogger, type CacheFixture } from '../support/caches.js';

/**
 * Errors Redis returns for one call's own arguments (here WRONGTYPE and a script error on a key holding the
 * wrong type) say nothing about Redis's health: they must not open the breaker for every other key.
 */
describe('the breaker counts only connectivity, not refused arguments (standalone Redis)', () => {
  let admin: Redis;
  beforeAll(() => {
    admin = new Redis(testRedisUrl());
  });
  afterAll(() => admin.quit());

  const caught = async (run: () => Promise<unknown>): Promise<unknown> => {
    try {
      await run();
    } catch (error) {
      return error;
    }
    throw new Error('expected a failure');
  };

  it('classifies real failures: refusals of arguments, unreachable servers, timeouts, errors in process', async () => {
    const key = `kind:${uniqueNamespace()}`;
    await admin.set(key, 'text', 'PX', 60_000);
    expect(failureKind(await caught(() => admin.lpush(key, 'x')))).toBe('rejected'); // WRONGTYPE
    expect(failureKind(await caught(() => admin.set(`${key}:2`, 'v', 'PX', 0)))).toBe('rejected'); // invalid expire
    expect(failureKind(await caught(() => admin.eval("return redis.call('INCR', KEYS[1])", 1, key)))).toBe('rejected');
    expect(failureKind(new CacheConfigError('ttl', -1, 'a positive duration'))).toBe('caller');

    const nowhere = new Redis({
      port: await freePort(),
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
    });
    nowhere.on('error', () => undefined);
    expect(failureKind(await caught(() => nowhere.get('k')))).toBe('unavailable');
    nowhere.disconnect();

    const server = await startRedis();
    const slow = new Redis(server.url, { commandTimeout: 100, maxRetriesPerRequest: 0 });
    slow.on('error', () => undefined);
    try {
      await slow.ping();
      // A full server refuses every write, whoever sends it: that is unavailability, not a bad argument.
      await slow.config('SET', 'maxmemory-policy', 'noeviction');
      await slow.config('SET', 'maxmemory', '1');
      expect(failureKind(await caught(() => slow.set('k', 'v')))).toBe('unavailable'); // OOM
      await slow.config('SET', 'maxmemory', '0');
      server.pause();
      expect(failureKind(await caught(() => slow.get('k')))).toBe('unavailable'); // Command timed out
    } finally {
      server.resume();
      slow.disconnect();
      await server.stop();
    }
  });

  describe('cache', () => {
    let subject: CacheFixture;
    let logger: ReturnType<typeof recordingLogger>;
    const breakerEvents: string[] = [];
    beforeEach(async () => {
      logger = recordingLogger();
      subject = await openCache('redis', { logger, breaker: { threshold: 5, resetAfter: '1m' } });
      subject.cache.events.on('breaker', (event) => breakerEvents.push(`${event.previous}->${event.state}`));
    });
    afterEach(() => subject.close());

    it('50 calls that Redis refuses (a tag key of the wrong type) leave it closed; a good key still hits', async () => {
      const keys = new KeySpace(subject.cache.namespace);
      await admin.hset(keys.tag('squatted'), 'not', 'a version');
      await admin.pexpire(keys.tag('squatted'), 60_000);
      let loads = 0;
      for (let i = 0; i < 50; i++) {
        expect(await subject.cache.getOrSet(`bad${i}`, async () => ++loads, { tags: ['squatted'] })).toBe(loads);
      }
      expect(loads).toBe(50);
      expect(subject.cache.stats().errors).toBeGreaterThanOrEqual(50); // each one reached Redis and was refused
      expect(subject.cache.stats().breaker).toBe('closed');
      expect(breakerEvents).toEqual([]);

      const hitsBefore = subject.cache.stats().hits;
      await subject.cache.set('good', 'value');
      expect(await subject.cache.get('good')).toBe('value');
      expect(subject.cache.stats().hits).toBe(hitsBefore + 1);
      expect(logger.lines.filter((line) => line.includes('circuit breaker'))).toEqual([]);
    });
  });

  it('rate limiter: 50 checks Redis refuses (a counter of the wrong type) leave it closed; others use Redis', async () => {
    const namespace = uniqueNamespace();
    const limiter = createRateLimiter({
      redis: testRedisUrl(),
      namespace,
      logger: recordingLogger(),
      breaker: { threshold: 5, resetAfter: '1m' },
    });
    try {
      const rule = { limit: 100, window: '1m', algorithm: 'fixed-window' } as const;
      const squatted = new KeySpace(namespace).rateLimit('fixed-window', 'squatted').state;
      await admin.set(squatted, 'not a number', 'PX', 60_000);
      await limiter.consume('warm', rule);
      for (let i = 0; i < 50; i++) await limiter.consume('squatted', rule);
      expect(limiter.stats().storeErrors).toBe(50);
      const good = await limiter.consume('good', rule);
      expect(good.source).toBe('store');
    } finally {
      await limiter.close();
    }
  });
});
