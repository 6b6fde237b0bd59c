import { createCache } from '@cachet/core';
import { Redis } from 'ioredis';
import { pack, unpack } from 'msgpackr';
import type { BenchContext, ResultRow, Scenario } from '../harness/bench-context.js';
import { measureCommands, type CommandCost } from '../harness/command-stats.js';
import { interleave, medianRate, ratioOf, type Contender } from '../harness/interleave.js';
import { round } from '../harness/stats.js';
import { bentoPeer, cacheManagerPeer } from '../fixtures/peers.js';
import { sampleValue } from '../fixtures/sample-value.js';
import { cacheableContender } from './cacheable-contender.js';

const SCENARIO = '1';
const TARGET = '≥ 0.85×';
const RAW = 'raw ioredis GET + msgpack decode';

/**
 * A hit, end to end, against the floor: one GET and one decode of the same
 * value on an auto-pipelined ioredis connection. Each worker reads its own
 * key, so Cachet's in-process single-flight cannot merge concurrent calls
 * (which would flatter it).
 */
export const hitCostScenario: Scenario = {
  id: 'hit-cost',
  title: 'Hit cost',
  async run(context: BenchContext): Promise<ResultRow[]> {
    const value = sampleValue();
    const encoded = pack(value);
    const key = (worker: number) => `product:${worker}`;
    const workers = 64;

    const raw = new Redis(context.redisUrl, { enableAutoPipelining: true });
    const cachet = createCache({ redis: context.redisUrl, namespace: 'bench-hit', ttl: '1h' });
    const bento = bentoPeer(context.redisUrl, 'bench-bento');
    const manager = cacheManagerPeer(context.redisUrl, 'bench-cm');
    const cacheable = await cacheableContender(context.redisUrl, value);
    let unexpectedLoads = 0;
    const loader = async () => {
      unexpectedLoads++;
      return value;
    };
    const taggedOptions = { ttl: '1h', tags: ['catalog'] } as const;

    try {
      for (let w = 0; w < workers; w++) {
        await raw.set(`raw:${key(w)}`, encoded);
        await cachet.getOrSet(key(w), async () => value);
        await cachet.getOrSet(`tagged:${key(w)}`, async () => value, taggedOptions);
        await bento.bento.getOrSet({ key: key(w), factory: () => value, ttl: '1h' });
        await manager.cache.wrap(key(w), async () => value, 3_600_000);
        await cacheable.op(w);
      }

      const contenders: Contender[] = [
        { name: 'raw', op: async (w) => unpack((await raw.getBuffer(`raw:${key(w)}`))!) },
        { name: 'cachet', op: (w) => cachet.getOrSet(key(w), loader) },
        { name: 'cachet-tagged', op: (w) => cachet.getOrSet(`tagged:${key(w)}`, loader, taggedOptions) },
        { name: 'bentocache', op: (w) => bento.bento.getOrSet({ key: key(w), factory: loader, ttl: '1h' }) },
        { name: 'cache-manager', op: (w) => manager.cache.wrap(key(w), loader, 3_600_000) },
        { name: 'cacheable', op: cacheable.op },
      ];

      const costs = new Map<string, CommandCost>();
      for (const contender of contenders) {
        costs.set(
          contender.name,
          await measureCommands(context.admin, 400, async () => {
            for (let i = 0; i < 50; i++) await Promise.all(Array.from({ length: 8 }, (_, w) => contender.op(w)));
          }),
        );
      }

      const rows: ResultRow[] = [];
      for (const concurrency of [1, 64]) {
        context.log(`  ${concurrency} in flight…`);
        const rates = await interleave(contenders, { concurrency, ...context.slices });
        const rawRate = Math.round(medianRate(rates, 'raw'));
        const row = (name: string, subject: string, target: string, note?: string): ResultRow => {
          const ratio = round(ratioOf(rates, name, 'raw'), 3);
          const cost = costs.get(name)!;
          return {
            scenario: SCENARIO,
            subject: `${subject}, ${concurrency} in flight`,
            versus: RAW,
            value: ratio,
            unit: '×',
            target,
            met: target === '' ? null : ratio >= 0.85,
            redis: `${round(cost.roundTripsPerOp)} rt (${cost.breakdown})`,
            note,
          };
        };
        rows.push(
          row('cachet', 'Cachet getOrSet hit', TARGET, `raw: ${rawRate} ops/s in this run`),
          row('cachet-tagged', 'Cachet getOrSet hit, 1 tag', TARGET),
        );
        rows.push(row('cacheable', '@Cacheable method hit', TARGET));
        rows.push(
          row('bentocache', 'bentocache getOrSet hit (Redis layer only)', ''),
          row('cache-manager', 'cache-manager 7 wrap hit (@keyv/redis)', ''),
        );
      }
      if (unexpectedLoads > 0) {
        for (const row of rows)
          row.note = `${row.note ?? ''} (warning: ${unexpectedLoads} loader calls on hits)`.trim();
      }
      rows[0]!.note += `; value ${JSON.stringify(value).length} B as JSON, ${encoded.length} B as msgpack`;
      return rows;
    } finally {
      raw.disconnect();
      await cachet.close();
      await bento.close();
      await manager.close();
      await cacheable.close();
    }
  },
};
