import { createCache, type CacheOptions } from '@cachet/core';
import { BentoCache, bentostore } from 'bentocache';
import { memoryDriver } from 'bentocache/drivers/memory';
import { redisDriver } from 'bentocache/drivers/redis';
import { Redis } from 'ioredis';
import { pack, unpack } from 'msgpackr';
import type { BenchContext, ResultRow, Scenario } from '../harness/bench-context.js';
import { notMeasured } from '../harness/bench-context.js';
import { measureCommands } from '../harness/command-stats.js';
import { interleave, ratioOf, type Contender } from '../harness/interleave.js';
import { round } from '../harness/stats.js';
import { sampleValue } from '../fixtures/sample-value.js';

const SCENARIO = '2';
const TARGET = '≥ 20×';

/**
 * A hit served by the in-process L1 tier against the raw Redis read. The
 * tier counts as present only if a hit really costs Redis nothing: an option
 * the build ignores must not pass for an L1.
 */
export const l1HitScenario: Scenario = {
  id: 'l1-hit',
  title: 'L1 hit',
  async run(context: BenchContext): Promise<ResultRow[]> {
    const value = sampleValue();
    const key = (worker: number) => `product:${worker}`;
    const workers = 64;
    const options = { redis: context.redisUrl, namespace: 'bench-l1', l1: { maxEntries: 10_000, ttl: '10s' } };
    const cachet = createCache(options as CacheOptions);
    const raw = new Redis(context.redisUrl, { enableAutoPipelining: true });
    const bentoConnection = new Redis(context.redisUrl, { enableAutoPipelining: true });
    const bento = new BentoCache({
      default: 'tiered',
      prefix: 'bench-l1-bento',
      stores: {
        tiered: bentostore()
          .useL1Layer(memoryDriver({ maxItems: 10_000 }))
          .useL2Layer(redisDriver({ connection: bentoConnection })),
      },
    });
    const loader = async () => value;
    try {
      for (let w = 0; w < workers; w++) {
        await raw.set(`raw:${key(w)}`, pack(value));
        await cachet.getOrSet(key(w), loader);
        await bento.getOrSet({ key: key(w), factory: loader, ttl: '1h' });
      }
      // The tier fills once this instance listens for invalidations (from the first read on): read twice more.
      for (let pass = 0; pass < 2; pass++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        await Promise.all(Array.from({ length: workers }, (_, w) => cachet.getOrSet(key(w), loader)));
      }
      const probe = await measureCommands(context.admin, 64, () =>
        Promise.all(Array.from({ length: 64 }, (_, w) => cachet.getOrSet(key(w), loader))),
      );
      if (probe.roundTripsPerOp > 0) {
        const why = `L1 not available (a hit with l1 configured still costs ${round(probe.roundTripsPerOp)} Redis round trips)`;
        return [notMeasured(SCENARIO, 'Cachet L1 hit', TARGET, why)];
      }
      const bentoProbe = await measureCommands(context.admin, 64, () =>
        Promise.all(Array.from({ length: 64 }, (_, w) => bento.getOrSet({ key: key(w), factory: loader, ttl: '1h' }))),
      );
      const contenders: Contender[] = [
        { name: 'raw', op: async (w) => unpack((await raw.getBuffer(`raw:${key(w)}`))!) },
        { name: 'cachet', op: (w) => cachet.getOrSet(key(w), loader) },
        { name: 'bentocache', op: (w) => bento.getOrSet({ key: key(w), factory: loader, ttl: '1h' }) },
      ];
      const rows: ResultRow[] = [];
      for (const concurrency of [1, 64]) {
        const rates = await interleave(contenders, { concurrency, ...context.slices });
        const ratio = ratioOf(rates, 'cachet', 'raw');
        rows.push(
          {
            scenario: SCENARIO,
            subject: `Cachet L1 hit, ${concurrency} in flight`,
            versus: 'raw ioredis GET + msgpack decode',
            value: round(ratio, 1),
            unit: '×',
            target: TARGET,
            met: ratio >= 20,
            redis: '0 rt',
          },
          {
            scenario: SCENARIO,
            subject: `bentocache L1 (memory) hit, ${concurrency} in flight`,
            versus: 'raw ioredis GET + msgpack decode',
            value: round(ratioOf(rates, 'bentocache', 'raw'), 1),
            unit: '×',
            target: '',
            met: null,
            redis: `${round(bentoProbe.roundTripsPerOp)} rt`,
          },
        );
      }
      return rows;
    } finally {
      raw.disconnect();
      await cachet.close();
      await bento.disconnectAll().catch(() => undefined);
      bentoConnection.disconnect();
    }
  },
};
