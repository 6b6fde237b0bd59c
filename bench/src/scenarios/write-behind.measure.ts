import { createCache, createWriteBehind } from '@cachet/core';
import type { BenchContext, ResultRow } from '../harness/bench-context.js';
import { measureCommands } from '../harness/command-stats.js';
import { median, round } from '../harness/stats.js';
import type { User, UsersTable } from '../fixtures/users-table.js';

const QUEUE = 'users';
const USERS = 1_000;
const IN_FLIGHT = 64;
const BATCH_SIZE = 100;

const quietLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Updating a user through each write pattern, 64 writers in flight, the same
 * table behind both:
 * - write-through: the row is upserted, then the cache is set (what
 *   `@WriteThrough` does);
 * - write-behind: the cache is set and the call is appended to the durable
 *   queue (what `@WriteBehind` does); the flusher upserts batches meanwhile,
 *   in this same process, so its work is part of the measurement.
 * After every write-behind slice the queue is drained before the next slice
 * starts, so write-through never competes with a backlog; the drain time is
 * reported as the sustained (persisted) throughput. With `targeted` false the
 * rows are context (no target).
 */
export async function measureWriteBehind(
  context: BenchContext,
  scenario: string,
  db: UsersTable,
  targeted: boolean,
): Promise<ResultRow[]> {
  const namespace = `bench-wb-${scenario}`;
  const cache = createCache({ redis: context.redisUrl, namespace, ttl: '1h', logger: quietLogger });
  const writeBehind = createWriteBehind({
    redis: context.redisUrl,
    namespace,
    batchSize: BATCH_SIZE,
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
    await runSlice(writeThrough, warmupMs);
    await runSlice(writeBehindOp, warmupMs);
    await drain();
    const through: number[] = [];
    const behind: number[] = [];
    const sustained: number[] = [];
    let behindWrites = 0;
    let behindStatements = 0;
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? ['through', 'behind'] : ['behind', 'through'];
      for (const which of order) {
        if (which === 'through') {
          through.push((await runSlice(writeThrough, sliceMs * 2)).rate);
        } else {
          const statementsBefore = db.statements;
          const slice = await runSlice(writeBehindOp, sliceMs * 2);
          const drainStarted = performance.now();
          await drain();
          const drainMs = performance.now() - drainStarted;
          behindWrites += slice.ops;
          behindStatements += db.statements - statementsBefore;
          behind.push(slice.rate);
          sustained.push(slice.ops / ((slice.ms + drainMs) / 1000));
        }
      }
    }
    const callerRatios = behind.map((rate, i) => rate / through[i]!);
    const callerRatio = median(callerRatios);
    const sustainedRatio = median(sustained.map((rate, i) => rate / through[i]!));
    const wtCost = await measureCommands(context.admin, 200, async () => {
      for (let i = 0; i < 200; i++) await writeThrough();
    });
    const wbCost = await measureCommands(context.admin, 200, async () => {
      for (let i = 0; i < 200; i++) await writeBehindOp();
      await drain();
    });
    const rows = await db.count();
    const perWrite = behindStatements / behindWrites;
    const range = `range ${round(Math.min(...callerRatios), 2)}–${round(Math.max(...callerRatios), 2)}×`;
    return [
      {
        scenario,
        subject: `write-behind write (cache set + durable append), ${db.label}`,
        versus: 'write-through (upsert, then cache set)',
        value: round(callerRatio, 2),
        unit: '×',
        target: targeted ? '≥ 10×' : '',
        met: targeted ? callerRatio >= 10 : null,
        redis: `${round(wbCost.roundTripsPerOp, 2)} rt (${wbCost.breakdown}), flusher included`,
        note: `${IN_FLIGHT} writers, ${USERS} users; write-through ${Math.round(median(through))} writes/s in this run; ${range}`,
      },
      {
        scenario,
        subject: `database statements per write-behind write, ${db.label}`,
        versus: `writes / batch size (1 / ${BATCH_SIZE})`,
        value: round(perWrite, 4),
        unit: 'statements',
        target: targeted ? `≤ ${1 / BATCH_SIZE}` : '',
        met: targeted ? perWrite <= 1 / BATCH_SIZE : null,
        note: `${behindStatements} statements for ${behindWrites} writes`,
      },
      {
        scenario,
        subject: `write-behind, sustained (appends + draining the queue), ${db.label}`,
        versus: 'write-through',
        value: round(sustainedRatio, 2),
        unit: '×',
        target: '',
        met: null,
        redis: `write-through: ${round(wtCost.roundTripsPerOp, 2)} rt (${wtCost.breakdown})`,
        note: `batches of up to ${BATCH_SIZE} rows per upsert; ${rows} rows in the table afterwards`,
      },
    ];
  } finally {
    await writeBehind.close({ timeoutMs: 5_000 }).catch(() => undefined);
    await cache.close();
  }
}

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
