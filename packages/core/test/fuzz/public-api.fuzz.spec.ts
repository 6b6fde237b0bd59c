import fc from 'fast-check';
import {
  CachetError,
  createLockManager,
  createRateLimiter,
  type LockManager,
  type OwnedRateLimiter,
} from '@cachet/core';
import { testClusterNodes, testRedisUrl, uniqueNamespace } from '@cachet/testing';
import { openCache, recordingLogger, type CacheFixture } from '../support/caches.js';
import { REDIS_STORE_KINDS } from '../support/stores.js';

/** Text a user might send: braces, glob characters, control and astral characters, long runs. */
const text = fc.oneof(
  fc.constantFrom('}', '{}', '{', '{a}b', '}{', 'a{b}c', '*', '?', '[', '\\', '', ' ', 'null', 'undefined'),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ maxLength: 3_000 }),
);

/** Durations Redis must accept once Cachet has rounded them (fractions, the bounds, strings). */
const goodDuration = fc.oneof(
  fc.integer({ min: 1, max: 100_000 }),
  fc.double({ min: 0.0001, max: 1e7, noNaN: true }),
  fc.constantFrom(0.4, 1e-9, 2 ** 46, '0.5ms', '1s', '2.5s', '1d'),
);

/** Durations a user might write, good and bad. */
const duration = fc.oneof(
  goodDuration,
  fc.integer({ min: -5, max: 0 }),
  fc.double(),
  fc.constantFrom(2 ** 46 + 1, 2 ** 53, 1e20, Number.MAX_VALUE, Infinity, NaN),
  fc.constantFrom('10 minutes', '1e3ms', '-1s', '', '1w'),
  fc.anything({ maxDepth: 1 }),
);

const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined, freq: 2 });
const mostly = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 12, arbitrary: good }, { weight: 1, arbitrary: bad });
const hostile = fc.anything({ maxDepth: 1 });

const entryOptions = fc
  .record(
    {
      ttl: mostly(goodDuration, duration),
      tags: mostly(fc.array(text, { maxLength: 3 }), hostile),
      jitter: mostly(fc.double({ min: 0, max: 1, noNaN: true }), fc.oneof(fc.double(), hostile)),
      sliding: mostly(fc.boolean(), hostile),
      maxAge: mostly(goodDuration, duration),
      staleWhileRevalidate: mostly(goodDuration, duration),
      staleIfError: mostly(goodDuration, duration),
      lock: mostly(
        fc.oneof(fc.constant(false), fc.record({ ttl: maybe(goodDuration), wait: maybe(fc.constantFrom(0, 1, 100)) })),
        fc.oneof(fc.record({ ttl: duration, wait: duration }), hostile),
      ),
      earlyRefresh: mostly(
        fc.oneof(fc.constant(false), fc.record({ beta: maybe(fc.double({ min: 0.1, max: 5 })) })),
        hostile,
      ),
      cacheNull: mostly(
        fc.oneof(fc.boolean(), fc.record({ ttl: goodDuration })),
        fc.oneof(fc.record({ ttl: duration }), hostile),
      ),
      l1: mostly(fc.boolean(), hostile),
    },
    { requiredKeys: [] },
  )
  .map((options) => {
    // Keep most option sets coherent (sliding excludes stale windows and early refresh; maxAge needs sliding).
    const record = options as Record<string, unknown>;
    if (record.sliding === true && Math.random() < 0.8) {
      delete record.staleWhileRevalidate;
      delete record.earlyRefresh;
    } else if (Math.random() < 0.8) delete record.maxAge;
    return options;
  });

const value = fc.oneof(
  fc.anything({
    maxDepth: 3,
    withBigInt: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withTypedArray: true,
    withSparseArray: true,
    withNullPrototype: true,
    withObjectString: true,
  }),
  fc.string({ maxLength: 50_000 }),
);

const rule = fc.record(
  {
    limit: mostly(fc.integer({ min: 1, max: 50 }), fc.oneof(fc.integer({ min: -2, max: 0 }), fc.double(), hostile)),
    window: mostly(goodDuration, duration),
    algorithm: mostly(
      fc.constantFrom('fixed-window', 'sliding-window', 'sliding-log', 'token-bucket'),
      fc.anything({ maxDepth: 0 }),
    ),
    cost: mostly(fc.integer({ min: 1, max: 5 }), fc.oneof(fc.integer({ min: -2, max: 0 }), fc.double(), hostile)),
    blockDuration: mostly(goodDuration, duration),
  },
  { requiredKeys: ['limit', 'window'] },
);

type Op =
  | { op: 'set'; key: string; value: unknown; options: object }
  | { op: 'get'; key: string; tags: unknown }
  | { op: 'getOrSet'; key: string; value: unknown; options: object }
  | { op: 'delete'; keys: string[] }
  | { op: 'invalidateTags'; tags: string[] }
  | { op: 'deleteMatching'; pattern: string }
  | { op: 'mset'; entries: Array<{ key: string; value: unknown }> }
  | { op: 'withLock'; name: string; options: object }
  | { op: 'consume'; subject: string; rule: object; cost: unknown };

const OPS: Array<Op['op']> = [
  'set',
  'get',
  'getOrSet',
  'delete',
  'invalidateTags',
  'deleteMatching',
  'mset',
  'withLock',
  'consume',
];

const operation: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), key: text, value, options: entryOptions }),
  fc.record({ op: fc.constant('get' as const), key: text, tags: maybe(fc.array(text, { maxLength: 2 })) }),
  fc.record({ op: fc.constant('getOrSet' as const), key: text, value, options: entryOptions }),
  fc.record({ op: fc.constant('delete' as const), keys: fc.array(text, { maxLength: 3 }) }),
  fc.record({ op: fc.constant('invalidateTags' as const), tags: fc.array(text, { maxLength: 3 }) }),
  fc.record({ op: fc.constant('deleteMatching' as const), pattern: text }),
  fc.record({
    op: fc.constant('mset' as const),
    entries: fc.array(fc.record({ key: text, value }), { maxLength: 3 }),
  }),
  fc.record({
    op: fc.constant('withLock' as const),
    name: text,
    options: fc.record(
      { ttl: maybe(mostly(goodDuration, duration)), wait: maybe(mostly(fc.constantFrom(0, 10, 1_000), duration)) },
      { requiredKeys: [] },
    ),
  }),
  fc.record({
    op: fc.constant('consume' as const),
    subject: text,
    rule,
    cost: maybe(mostly(fc.integer({ min: 1, max: 3 }), hostile)),
  }),
);

/**
 * Input never matters (guarantee 11): random keys, tags, subjects, lock names, values and options through the
 * public API give a result or a typed Cachet error — never a crash, an untyped error, a Redis error, or an open
 * breaker. Bounded in time; FUZZ_SEED replays a run.
 */
describe.each(REDIS_STORE_KINDS)('fuzzing the public API with hostile input (%s)', (kind) => {
  let subject: CacheFixture;
  let limiter: OwnedRateLimiter;
  let locks: LockManager;

  beforeAll(async () => {
    const namespace = uniqueNamespace('fuzz');
    subject = await openCache(kind, { namespace, logger: recordingLogger(), breaker: { threshold: 3 } });
    const redis = kind === 'redis' ? testRedisUrl() : { cluster: testClusterNodes() };
    const shared = { redis, namespace, logger: recordingLogger(), commandTimeout: '2s' } as const;
    limiter = createRateLimiter({ ...shared, breaker: { threshold: 3 } });
    locks = createLockManager(shared);
  });
  afterAll(async () => {
    await locks.close();
    await limiter.close();
    await subject.close();
  });

  const run = async (cache: CacheFixture['cache'], step: Op): Promise<unknown> => {
    const any = step as never;
    switch (step.op) {
      case 'set':
        return cache.set(step.key, step.value, step.options as never);
      case 'get':
        return cache.get(step.key, { tags: step.tags } as never);
      case 'getOrSet':
        return cache.getOrSet(step.key, async () => step.value, step.options as never);
      case 'delete':
        return cache.delete(...step.keys);
      case 'invalidateTags':
        return cache.invalidateTags(...step.tags);
      case 'deleteMatching':
        return cache.deleteMatching(step.pattern);
      case 'mset':
        return cache.mset(step.entries);
      case 'withLock':
        return locks.withLock(step.name, async () => 'done', step.options as never);
      case 'consume':
        return limiter.consume(step.subject, step.rule as never, { cost: step.cost } as never);
      default:
        throw new Error(`unknown step ${JSON.stringify(any)}`);
    }
  };

  it('0 crashes, 0 untyped errors, 0 Redis errors, the breakers never open', async () => {
    const untyped: string[] = [];
    const succeeded = new Map<Op['op'], number>();
    const seed = process.env.FUZZ_SEED === undefined ? 20_261_202 : Number(process.env.FUZZ_SEED);
    const limiterBreaker = () => (limiter as unknown as { breakers: { state: string } }).breakers.state;
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 12 }), async (steps) => {
        for (const step of steps) {
          try {
            await run(subject.cache, step);
            succeeded.set(step.op, (succeeded.get(step.op) ?? 0) + 1);
          } catch (error) {
            if (!(error instanceof CachetError)) {
              untyped.push(`${step.op}: ${(error as Error)?.name}: ${(error as Error)?.message}`.slice(0, 300));
            }
          }
          expect(untyped).toEqual([]);
          expect(subject.cache.stats()).toEqual(expect.objectContaining({ breaker: 'closed', errors: 0 }));
          expect(limiterBreaker()).toBe('closed');
          expect(limiter.stats().storeErrors).toBe(0);
        }
      }),
      { seed, numRuns: 300, interruptAfterTimeLimit: 9_000, markInterruptAsFailure: false, endOnFailure: true },
    );
    // The input must not be so hostile that nothing gets through: every operation succeeded many times.
    for (const op of OPS) expect([op, succeeded.get(op) ?? 0]).toEqual([op, expect.any(Number)]);
    for (const op of OPS) expect(succeeded.get(op)).toBeGreaterThan(10);
  }, 60_000);
});
