import { createCache } from '@cachet/core';
import type { BenchContext, ResultRow, Scenario } from '../harness/bench-context.js';
import { measureCommands, type CommandCost } from '../harness/command-stats.js';
import { median, round } from '../harness/stats.js';

const SCENARIO = '6';

/**
 * Invalidating a tag over N entries against invalidating a tag over one
 * entry: Redis commands and server time, per call. O(1) means the ratio stays
 * at 1 whatever N is. Afterwards a sample of the big tag's entries must read
 * as misses, or the cheap invalidation would be worthless.
 */
export const tagsScenario: Scenario = {
  id: 'tags',
  title: 'Tag invalidation',
  async run(context: BenchContext): Promise<ResultRow[]> {
    const entries = context.quick ? 10_000 : 100_000;
    const cache = createCache({ redis: context.redisUrl, namespace: 'bench-tags', ttl: '1h' });
    try {
      const fillStarted = performance.now();
      const batch = 500;
      for (let start = 0; start < entries; start += batch) {
        await Promise.all(
          Array.from({ length: Math.min(batch, entries - start) }, (_, i) =>
            cache.set(`item:${start + i}`, { id: start + i, name: `item ${start + i}` }, { tags: ['big'] }),
          ),
        );
      }
      await cache.set('lonely', { id: -1 }, { tags: ['small'] });
      context.log(`  filled ${entries} tagged entries in ${((performance.now() - fillStarted) / 1000).toFixed(1)} s`);

      const before = await cache.mget(['item:0', `item:${entries - 1}`], { tags: ['big'] });
      if (before.some((v) => v === undefined)) throw new Error('tagged entries missing before invalidation');

      // First invalidation of each tag, then repeated ones (each is a fresh bump of the same kind).
      const bigFirst = await measureCommands(context.admin, 1, () => cache.invalidateTags('big'));
      const smallFirst = await measureCommands(context.admin, 1, () => cache.invalidateTags('small'));
      const repeats = context.quick ? 5 : 25;
      const big: CommandCost[] = [bigFirst];
      const small: CommandCost[] = [smallFirst];
      for (let i = 0; i < repeats; i++) {
        small.push(await measureCommands(context.admin, 1, () => cache.invalidateTags('small')));
        big.push(await measureCommands(context.admin, 1, () => cache.invalidateTags('big')));
      }

      const sample = Array.from({ length: 200 }, (_, i) => `item:${Math.floor((i * entries) / 200)}`);
      const after = await cache.mget(sample, { tags: ['big'] });
      const survivors = after.filter((v) => v !== undefined).length;

      const commandRatio = median(big.map((b) => b.perOp)) / median(small.map((s) => s.perOp));
      const timeRatio = median(big.map((b) => b.usecPerOp)) / median(small.map((s) => s.usecPerOp));
      return [
        {
          scenario: SCENARIO,
          subject: `invalidateTags over ${entries.toLocaleString('en')} entries: Redis commands`,
          versus: 'same over 1 entry',
          value: round(commandRatio, 2),
          unit: '×',
          target: '1.00× (O(1))',
          met: commandRatio === 1 && survivors === 0,
          redis: `${round(bigFirst.roundTripsPerOp)} rt (${bigFirst.breakdown})`,
          note: `${survivors} of ${sample.length} sampled entries still readable afterwards (must be 0)`,
        },
        {
          scenario: SCENARIO,
          subject: `invalidateTags over ${entries.toLocaleString('en')} entries: Redis server time`,
          versus: 'same over 1 entry',
          value: round(timeRatio, 2),
          unit: '×',
          target: '≤ 1.5× (O(1))',
          met: timeRatio <= 1.5,
          note: `median ${round(median(big.map((b) => b.usecPerOp)), 1)} µs vs ${round(median(small.map((s) => s.usecPerOp)), 1)} µs of server CPU per call (first call over the big tag: ${round(bigFirst.usecPerOp, 1)} µs)`,
        },
      ];
    } finally {
      await cache.clear().catch(() => undefined);
      await cache.close();
      // The entries are useless now; drop them so later scenarios run on a small dataset.
      await context.admin.flushdb();
    }
  },
};
