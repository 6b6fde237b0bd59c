import 'reflect-metadata';
import { startRedis, type RedisServerHandle } from '@cachet/testing';
import { Redis } from 'ioredis';
import type { BenchContext, ResultRow, Scenario } from './harness/bench-context.js';
import { currentLoad, describeMachine } from './harness/machine.js';
import { METHOD, printTable, writeReport } from './harness/report.js';
import { SCENARIOS } from './scenarios/scenarios.js';

/**
 * `npm run bench`: one private redis-server, every scenario in turn, one
 * table. BENCH_QUICK=1 shortens every slice (a smoke run, not a result);
 * BENCH_ONLY=hit-cost,tags runs a subset.
 */
async function main(): Promise<void> {
  const quick = process.env.BENCH_QUICK === '1';
  const only = process.env.BENCH_ONLY?.split(',').map((id) => id.trim());
  const started = performance.now();
  const log = (line: string) => process.stdout.write(line + '\n');
  let redis: RedisServerHandle | undefined;
  let admin: Redis | undefined;
  const cleanups = new Set<() => Promise<unknown>>();
  const stopAll = async () => {
    admin?.disconnect();
    admin = undefined;
    const server = redis;
    redis = undefined;
    const pending = [...cleanups];
    cleanups.clear();
    await Promise.allSettled([...pending.map((cleanup) => cleanup()), server?.stop()]);
  };
  const defer = (cleanup: () => Promise<unknown>) => {
    cleanups.add(cleanup);
    return async () => {
      if (cleanups.delete(cleanup)) await cleanup();
    };
  };
  // Whatever happens, no redis-server outlives the run.
  const onSignal = (signal: NodeJS.Signals) => {
    void stopAll().finally(() => process.kill(process.pid, signal));
  };
  const onCrash = (error: unknown) => {
    process.stderr.write(`bench crashed: ${(error as Error)?.stack ?? String(error)}\n`);
    void stopAll().finally(() => process.exit(1));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);

  try {
    redis = await startRedis({ args: ['--maxmemory-policy', 'noeviction'] });
    admin = new Redis(redis.url, { enableAutoPipelining: false });
    const context: BenchContext = {
      redisUrl: redis.url,
      admin,
      quick,
      slices: quick ? { sliceMs: 150, rounds: 3, warmupMs: 150 } : { sliceMs: 400, rounds: 9, warmupMs: 500 },
      log,
      defer,
    };
    const machine = await describeMachine(admin);
    log(
      `Cachet bench — Node ${machine.node}, Redis ${machine.redis} on ${redis.url}, ${machine.cores} × ${machine.cpu}`,
    );
    log(`load average ${machine.loadAverageStart.join(' ')}${quick ? ' — BENCH_QUICK (indicative only)' : ''}\n`);

    const rows: ResultRow[] = [];
    const scenarios: Scenario[] = SCENARIOS.filter((s) => !only || only.includes(s.id));
    for (const scenario of scenarios) {
      const scenarioStarted = performance.now();
      log(`▶ ${scenario.title}`);
      try {
        const scenarioRows = await scenario.run(context);
        rows.push(...scenarioRows);
        for (const row of scenarioRows) log(`  ${row.subject}: ${describe(row)}`);
      } catch (error) {
        log(`  failed: ${(error as Error).stack ?? String(error)}`);
        rows.push({
          scenario: String(SCENARIOS.indexOf(scenario) + 1),
          subject: scenario.title,
          versus: '',
          value: null,
          unit: '',
          target: '',
          met: null,
          note: `failed: ${(error as Error).message}`,
        });
      }
      log(`  (${((performance.now() - scenarioStarted) / 1000).toFixed(1)} s)\n`);
    }

    machine.loadAverageEnd = currentLoad();
    const durationSeconds = Math.round((performance.now() - started) / 1000);
    log('');
    printTable(rows, log);
    const written = writeReport({ machine, quick, durationSeconds, method: METHOD, rows });
    log(`\n${durationSeconds} s; wrote ${written.md} and ${written.json}`);
  } finally {
    await stopAll();
  }
}

function describe(row: ResultRow): string {
  if (row.value === null) return row.note ?? 'not measured';
  const figure = row.unit === '×' ? `${row.value.toFixed(2)}×` : `${row.value} ${row.unit}`;
  return `${figure}${row.target ? ` (target ${row.target}: ${row.met ? 'met' : 'NOT MET'})` : ''}`;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
