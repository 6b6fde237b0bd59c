import { createCache, createWriteBehind } from '@cachet/core';
import type { BenchContext, ResultRow, Scenario } from '../harness/bench-context.js';
import { measureCommands } from '../harness/command-stats.js';
import { median, round } from '../harness/stats.js';
import { PgliteUsers, type User } from '../fixtures/pglite-users.js';

const SCENARIO = '7';
const QUEUE = 'users';
const USERS = 1_000;
const IN_FLIGHT = 64;

const quietLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Updating a user through each write pattern, 64 writers in flight, the same
 * PGlite database behind both:
 * - write-through: the row is upserted, then the cache is set (what
 *   `@WriteThrough` does);
 * - write-behind: the cache is set and the call is appended to the durable
 *   queue (what `@WriteBehind` does); the flusher upserts batches meanwhile,
 *   in this same process, so its work is part of the measurement.
 * After every write-behind slice the queue is drained before the next slice
 * starts, so write-through never competes with a backlog; the drain time is
 * reported as the sustained (persisted) throughput.
 */
export const writeBehindScenario: Scenario = {
  id: 'write-behind',
  title: 'Write-behind vs write-through',
  async run(context: BenchContext): Promise<ResultRow[]> {
    const db = await PgliteUsers.open();
    const cache = createCache({ redis: context.redisUrl, namespace: 'bench-wb', ttl: '1h', logger: quietLogger });
    const writeBehind = createWriteBehind({
      redis: context.redisUrl,
      namespace: 'bench-wb',
      batchSize: 100,
      flushInterval: '20ms',
      logger: quietLogger,
    });
    writeBehind.registerHandler(QUEUE, { handleBatch: (items) => db.upsertBatch(items) });
    await writeBehind.start();
    let version = 0;
    const nextUser = (): User => {
      version++;
      return { id: `user:${version % USERS}`, name: `name ${version}`, version };
    };
    const writeThrough = async () => {
      const user = nextUser();
      await db.upsert(user);
      await cache.set(user.id, user);
    };
    const writeBehindOp = async () => {
      const user = nextUser();
      await Promise.all([
        cache.set(user.id, user),
        writeBehind.append(QUEUE, { key: user.id, args: [user], value: user }),
      ]);
    };
    const drain = async () => {
      for (let i = 0; i < 2_000 && (await writeBehind.stats(QUEUE)).depth > 0; i++) await writeBehind.flush(QUEUE);
    };
    try {
      const { sliceMs, rounds, warmupMs } = context.slices;
      const sliceOf = (op: () => Promise<void>, ms: number) => runSlice(op, ms);
      await sliceOf(writeThrough, warmupMs);
      await sliceOf(writeBehindOp, warmupMs);
      await drain();
      const through: number[] = [];
      const behind: number[] = [];
      const sustained: number[] = [];
      for (let round = 0; round < rounds; round++) {
        const order = round % 2 === 0 ? ['through', 'behind'] : ['behind', 'through'];
        for (const which of order) {
          if (which === 'through') {
            through.push((await sliceOf(writeThrough, sliceMs * 2)).rate);
          } else {
            const slice = await sliceOf(writeBehindOp, sliceMs * 2);
            const drainStarted = performance.now();
            await drain();
            const drainMs = performance.now() - drainStarted;
            behind.push(slice.rate);
            sustained.push(slice.ops / ((slice.ms + drainMs) / 1000));
          }
        }
      }
      const callerRatio = median(behind.map((rate, i) => rate / through[i]!));
      const sustainedRatio = median(sustained.map((rate, i) => rate / through[i]!));
      const wtCost = await measureCommands(context.admin, 200, async () => {
        for (let i = 0; i < 200; i++) await writeThrough();
      });
      const wbCost = await measureCommands(context.admin, 200, async () => {
        for (let i = 0; i < 200; i++) await writeBehindOp();
        await drain();
      });
      const rows = await db.count();
      return [
        {
          scenario: SCENARIO,
          subject: 'write-behind write (cache set + durable append)',
          versus: 'write-through (PGlite upsert, then cache set)',
          value: round(callerRatio, 2),
          unit: '×',
          target: '≥ 10×',
          met: callerRatio >= 10,
          redis: `${round(wbCost.roundTripsPerOp, 2)} rt (${wbCost.breakdown}), flusher included`,
          note: `${IN_FLIGHT} writers, ${USERS} users, PGlite on disk; write-through ${Math.round(median(through))} writes/s in this run`,
        },
        {
          scenario: SCENARIO,
          subject: 'write-behind, sustained (appends + draining the queue into PGlite)',
          versus: 'write-through',
          value: round(sustainedRatio, 2),
          unit: '×',
          target: '',
          met: null,
          redis: `write-through: ${round(wtCost.roundTripsPerOp, 2)} rt (${wtCost.breakdown})`,
          note: `batches of up to 100 rows per upsert; ${rows} rows in the table afterwards`,
        },
      ];
    } finally {
      await writeBehind.close({ timeoutMs: 5_000 }).catch(() => undefined);
      await cache.close();
      await db.close();
    }
  },
};

async function runSlice(op: () => Promise<void>, ms: number): Promise<{ rate: number; ops: number; ms: number }> {
  const started = performance.now();
  const end = started + ms;
  let ops = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (performance.now() < end) {
        await op();
        ops++;
      }
    }),
  );
  const elapsed = performance.now() - started;
  return { rate: ops / (elapsed / 1000), ops, ms: elapsed };
}
