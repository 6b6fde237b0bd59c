import type { RateLimitBatchResult, RateLimitRule, RateLimitAlgorithm } from '@cachet/core';
import {
  KeySpace,
  RedisConnection,
  RedisStore,
  type RateLimitConsumeRequest,
  type RedisRateLimitStore,
} from '@cachet/core/store';
import { Cluster } from 'ioredis';
import { startRedis, testClusterNodes, testRedisUrl, sleep, uniqueNamespace } from '@cachet/testing';
import { clusterSlot } from '../../src/store/redis/cluster-slot.js';
import { recordingLogger } from '../support/caches.js';
import { countingClient } from '../support/counting-client.js';
import { openStore, type StoreFixture, REDIS_STORE_KINDS } from '../support/stores.js';
import { limiterOn } from './limiters.js';
import { ALGORITHMS, HOUR, instances, scriptCalls } from './multi-policy.fixtures.js';

describe('consumeAll round trips (guarantee 10)', () => {
  it('standalone: one EVALSHA per request, whatever the number of policies and algorithms', async () => {
    const { client, sent } = countingClient(testRedisUrl());
    const store = new RedisStore(RedisConnection.from(client, { commandTimeoutMs: 2_000 }));
    const limiter = limiterOn(store.rateLimits);
    try {
      const checks = ALGORITHMS.map((algorithm) => ({
        subject: `rt:${algorithm}`,
        rule: { limit: 3, window: HOUR, algorithm },
      }));
      await limiter.consumeAll(checks); // loads the script (EVAL once)
      sent.length = 0;
      const results = [];
      for (let i = 0; i < 5; i++) results.push(await limiter.consumeAll(checks));
      expect(results.map((result) => result.allowed)).toEqual([true, true, false, false, false]);
      expect(sent).toEqual(Array(5).fill('evalsha'));
    } finally {
      await store.close();
      await client.quit();
    }
  });

  it('standalone: more policies than one script takes are checked 8 at a time, refunded on refusal', async () => {
    const { client, sent } = countingClient(testRedisUrl());
    const store = new RedisStore(RedisConnection.from(client, { commandTimeoutMs: 2_000 }));
    const limiter = limiterOn(store.rateLimits);
    try {
      const checksOf = (prefix: string) =>
        Array.from({ length: 10 }, (_, i) => ({
          subject: `${prefix}:${i}`,
          rule: { limit: i === 9 ? 5 : 3 + i, window: HOUR, algorithm: ALGORITHMS[i % 4]! },
        }));
      for (const prefix of ['warm', 'many']) {
        await limiter.consume(`${prefix}:9`, checksOf(prefix)[9]!.rule, { cost: 5 }); // the last policy is spent
      }
      await limiter.consumeAll(checksOf('warm')); // loads the scripts
      const checks = checksOf('many');
      sent.length = 0;
      const refused = await limiter.consumeAll(checks);
      // The first eight (the least headroom) admit and are refunded when the last two refuse.
      expect(sent).toEqual(['evalsha', 'evalsha', 'evalsha']);
      expect(refused.allowed).toBe(false);
      expect(refused.results.map((result) => result.allowed)).toEqual([...Array<boolean>(9).fill(true), false]);
      for (const [i, check] of checks.slice(0, 9).entries()) {
        expect([i, (await limiter.consume(check.subject, check.rule)).remaining]).toEqual([i, check.rule.limit - 1]);
      }
    } finally {
      await store.close();
      await client.quit();
    }
  });

  it('cluster: checks given one slot are one script per request, exact under concurrency', async () => {
    const { limiters, namespace, close } = instances('cluster', 3);
    const cluster = new Cluster(testClusterNodes());
    try {
      await cluster.ping();
      const masters = cluster.nodes('master');
      const wide: RateLimitRule = { limit: 10, window: HOUR, algorithm: 'sliding-log' };
      const tight: RateLimitRule = { limit: 3, window: HOUR, algorithm: 'token-bucket' };
      const checks = [
        { subject: 'wide:ip:1.2.3.4', rule: wide, slot: 'ip:1.2.3.4' },
        { subject: 'tight:ip:1.2.3.4', rule: tight, slot: 'ip:1.2.3.4' },
      ];
      const keys = new KeySpace(namespace);
      expect(clusterSlot(keys.rateLimit('sliding-log', 'wide:ip:1.2.3.4', 'ip:1.2.3.4').state)).toBe(
        clusterSlot(keys.rateLimit('token-bucket', 'tight:ip:1.2.3.4', 'ip:1.2.3.4').state),
      );
      await limiters[0]!.consumeAll(checks); // loads the script on its node
      const before = await scriptCalls(masters);
      const results = await Promise.all(Array.from({ length: 200 }, (_, i) => limiters[i % 3]!.consumeAll(checks)));
      expect(await scriptCalls(masters)).toBe(before + 200);
      expect(results.filter((result) => result.allowed)).toHaveLength(2);
      expect((await limiters[0]!.consume('wide:ip:1.2.3.4', wide, { slot: 'ip:1.2.3.4' })).remaining).toBe(10 - 3 - 1);
      // reset finds the same keys when given the same slot.
      await limiters[1]!.reset('tight:ip:1.2.3.4', tight, { slot: 'ip:1.2.3.4' });
      expect((await limiters[2]!.consumeAll(checks)).allowed).toBe(true);
    } finally {
      await cluster.quit();
      await close();
    }
  });

  it('cluster: checks in different slots are asked in turn, the tighter first, refunded when a later one refuses', async () => {
    const { limiters, namespace, close } = instances('cluster', 1);
    const cluster = new Cluster(testClusterNodes());
    try {
      await cluster.ping();
      const masters = cluster.nodes('master');
      const wide: RateLimitRule = { limit: 10, window: HOUR, algorithm: 'fixed-window' };
      const tight: RateLimitRule = { limit: 3, window: HOUR, algorithm: 'fixed-window' };
      const keys = new KeySpace(namespace);
      expect(clusterSlot(keys.rateLimit('fixed-window', 'wide:x').state)).not.toBe(
        clusterSlot(keys.rateLimit('fixed-window', 'tight:x').state),
      );
      const checks = [
        { subject: 'wide:x', rule: wide },
        { subject: 'tight:x', rule: tight },
      ];
      await limiters[0]!.consumeAll(checks); // loads the scripts
      let before = await scriptCalls(masters);
      await limiters[0]!.consumeAll(checks); // tight admits, then wide admits: two scripts
      expect(await scriptCalls(masters)).toBe(before + 2);
      await limiters[0]!.consumeAll(checks); // tight is now full
      before = await scriptCalls(masters);
      expect((await limiters[0]!.consumeAll(checks)).allowed).toBe(false); // tight refuses: wide is never asked
      expect(await scriptCalls(masters)).toBe(before + 1);
      // The wide policy refuses now (7 more of its units): the tight one is asked, admits, and is refunded.
      await limiters[0]!.reset('tight:x', tight);
      await limiters[0]!.consume('wide:x', wide, { cost: 7 });
      before = await scriptCalls(masters);
      const refused = await limiters[0]!.consumeAll(checks);
      expect(await scriptCalls(masters)).toBe(before + 3); // tight, wide, the refund of tight
      expect(refused.allowed).toBe(false);
      expect(refused.results[1]).toMatchObject({ allowed: true, remaining: 3 });
      expect((await limiters[0]!.consume('tight:x', tight)).remaining).toBe(2);
    } finally {
      await cluster.quit();
      await close();
    }
  });
});

describe.each(REDIS_STORE_KINDS)('refunds never give back what no longer counts: %s', (kind) => {
  let fixture: StoreFixture;
  let store: RedisRateLimitStore;
  let keys: KeySpace;
  beforeAll(() => {
    fixture = openStore(kind);
    store = (fixture.store as RedisStore).rateLimits;
    keys = new KeySpace(uniqueNamespace('rlr'));
  });
  afterAll(() => fixture.close());

  const request = (subject: string, algorithm: RateLimitAlgorithm, windowMs: number): RateLimitConsumeRequest => ({
    keys: keys.rateLimit(algorithm, subject),
    algorithm,
    limit: 5,
    windowMs,
    cost: 1,
    blockMs: 0,
    burst: 5,
  });
  const client = () => (fixture.store as RedisStore).connection.client;

  it('fixed-window: a refund after its window ended leaves the new window alone', async () => {
    const old = request('fw', 'fixed-window', 300);
    const { receipts } = await store.consumeAll([old]);
    await sleep(400);
    await store.consumeAll([old]); // opens a new window: 1 unit
    await store.refund([old], receipts!);
    expect(await client().get(old.keys.state)).toBe('1');
    // Within its window a refund gives its unit back.
    const again = await store.consumeAll([old]);
    await store.refund([old], again.receipts!);
    expect(await client().get(old.keys.state)).toBe('1');
  });

  it('sliding-window: a refund two windows late changes nothing', async () => {
    const req = request('sw', 'sliding-window', 200);
    const { receipts } = await store.consumeAll([req]);
    await sleep(450);
    await store.consumeAll([req]);
    await store.refund([req], receipts!);
    expect(await client().hget(req.keys.state, 'c')).toBe('1');
  });

  it('sliding-log: a refund removes its own members only', async () => {
    const req = request('sl', 'sliding-log', HOUR);
    const mine = await store.consumeAll([{ ...req, cost: 2 }]);
    await store.consumeAll([req]);
    await store.refund([{ ...req, cost: 2 }], mine.receipts!);
    expect(await client().zcard(req.keys.state)).toBe(1);
  });
});

describe('consumeAll while Redis is unreachable', () => {
  it('the insurance limiter is atomic too: a refused request takes nothing from the other policies', async () => {
    const server = await startRedis();
    const store = RedisStore.connect(server.url, { commandTimeoutMs: 200 });
    try {
      await store.ready(5_000);
      const limiter = limiterOn(store.rateLimits, {
        isReady: () => store.isReady(),
        ready: (ms) => store.ready(ms),
        readyTimeoutMs: 200,
        logger: recordingLogger(),
        breaker: { threshold: 1, resetMs: 60_000 },
      });
      await server.stop();
      const wide: RateLimitRule = { limit: 10, window: HOUR, algorithm: 'sliding-log' };
      const tight: RateLimitRule = { limit: 3, window: HOUR, algorithm: 'fixed-window' };
      const checks = [
        { subject: 'wide', rule: wide },
        { subject: 'tight', rule: tight },
      ];
      const results: RateLimitBatchResult[] = [];
      for (let i = 0; i < 8; i++) results.push(await limiter.consumeAll(checks));
      expect(results.every((result) => result.results.every((one) => one.source === 'insurance'))).toBe(true);
      expect(results.filter((result) => result.allowed)).toHaveLength(3);
      expect(await limiter.consume('wide', wide)).toMatchObject({ allowed: true, remaining: 6, source: 'insurance' });
    } finally {
      await store.close();
      await server.stop();
    }
  });
});
