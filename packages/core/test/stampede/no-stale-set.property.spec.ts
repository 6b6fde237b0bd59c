import fc from 'fast-check';
import type { Cache } from '@cachet/core';
import { openCache, type CacheFixture } from '../support/caches.js';
import { STORE_KINDS } from '../support/stores.js';
import { sleep, uniqueNamespace } from '@cachet/testing';

type Op =
  | { kind: 'load' | 'read'; cache: 0 | 1; key: 0 | 1; delay: number; loadTime: number }
  | { kind: 'write' | 'evict' | 'invalidate'; cache: 0 | 1; key: 0 | 1; delay: number };

const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('load' as const, 'read' as const),
    cache: fc.constantFrom(0 as const, 1 as const),
    key: fc.constantFrom(0 as const, 1 as const),
    delay: fc.integer({ min: 0, max: 12 }),
    loadTime: fc.integer({ min: 0, max: 10 }),
  }),
  fc.record({
    kind: fc.constantFrom('write' as const, 'evict' as const, 'invalidate' as const),
    cache: fc.constantFrom(0 as const, 1 as const),
    key: fc.constantFrom(0 as const, 1 as const),
    delay: fc.integer({ min: 0, max: 12 }),
  }),
);

/**
 * Guarantee 6 as a property: random interleavings of loads, reads, writes
 * (write-through), evictions and tag invalidations on two cache instances
 * against a versioned source of truth. Once a write, eviction or invalidation
 * of a key has resolved, no read may return a version older than the one that
 * change committed. That is the strict guarantee, so versions are read from
 * Redis (`versions.source: 'redis'`) on every store; with Cluster's default
 * (copies kept by the bus) another instance's tag invalidation is seen once
 * its message arrived, which the consistency checker judges (it observes the
 * deliveries).
 */
describe.each(STORE_KINDS)('no stale set, property (%s)', (kind) => {
  const HISTORIES = 60;
  let a: CacheFixture;
  let b: CacheFixture;
  beforeAll(async () => {
    const versions = { source: 'redis' } as const;
    a = await openCache(kind, { namespace: uniqueNamespace('prop'), versions });
    b = kind === 'memory' ? a : await openCache(kind, { namespace: a.cache.namespace, versions });
  });
  afterAll(async () => {
    await a.close();
    if (b !== a) await b.close();
  });

  it(`holds over ${HISTORIES} random histories`, async () => {
    let histories = 0;
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArbitrary, { minLength: 5, maxLength: 25 }), async (ops) => {
        histories++;
        const prefix = `h${run++}`;
        const caches: Cache[] = [a.cache, b.cache];
        const source = [0, 0];
        const floor = [0, 0]; // version committed by the last change that has resolved
        const writing = [Promise.resolve(), Promise.resolve()]; // the source serialises changes per key
        const violations: string[] = [];
        const key = (k: number) => `${prefix}:k${k}`;
        const tag = (k: number) => `${prefix}:t${k}`;
        const options = (k: number) => ({ tags: [tag(k)], ttl: '1m' as const });

        await Promise.all(
          ops.map(async (op) => {
            await sleep(op.delay);
            const cache = caches[op.cache]!;
            if (op.kind === 'load' || op.kind === 'read') {
              const before = floor[op.key]!;
              const value =
                op.kind === 'load'
                  ? await cache.getOrSet(
                      key(op.key),
                      async () => {
                        const seen = source[op.key]!;
                        await sleep(op.loadTime);
                        return seen;
                      },
                      options(op.key),
                    )
                  : await cache.get<number>(key(op.key), { tags: [tag(op.key)] });
              if (value !== undefined && value < before) violations.push(`${op.kind} saw ${value} < ${before}`);
              return;
            }
            const change = writing[op.key]!.then(async () => {
              const version = ++source[op.key]!;
              if (op.kind === 'write') await cache.set(key(op.key), version, options(op.key));
              else if (op.kind === 'evict') await cache.delete(key(op.key));
              else await cache.invalidateTags(tag(op.key));
              floor[op.key] = Math.max(floor[op.key]!, version);
            });
            writing[op.key] = change;
            await change;
          }),
        );
        // after everything settled, a read must not go below the last committed change either
        for (const k of [0, 1]) {
          const value = await caches[0]!.get<number>(key(k), { tags: [tag(k)] });
          if (value !== undefined && value < floor[k]!) violations.push(`final read saw ${value} < ${floor[k]}`);
        }
        expect(violations).toEqual([]);
      }),
      { numRuns: HISTORIES },
    );
    console.log(`no-stale-set property (${kind}): ${histories} histories, 0 violations`);
  });
});
