import { createCache, type Cache } from '@cachet/core';
import { startRedis, type RedisServerHandle } from '@cachet/testing';
import type { BenchContext, ResultRow, Scenario } from '../harness/bench-context.js';
import { median, round } from '../harness/stats.js';

const SCENARIO = '8';
const COMMAND_TIMEOUT_MS = 250;
const SOURCE_MS = 2;

const quietLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * What a cached call costs while Redis is away, for a source that takes about
 * 2 ms: before the breaker opens, each call pays at most one command timeout
 * on top of the source; once it is open, calls go straight to the source.
 * Run twice: a hung server (SIGSTOP: connections stay, nothing answers) and a
 * dead one (SIGKILL: connections refused).
 */
export const redisDownScenario: Scenario = {
  id: 'redis-down',
  title: 'Redis down',
  async run(context: BenchContext): Promise<ResultRow[]> {
    const rows: ResultRow[] = [];
    for (const failure of ['hung', 'dead'] as const) {
      const server = await startRedis();
      const stopServer = context.defer(() => server.stop());
      const cache = createCache({
        redis: server.url,
        namespace: 'bench-down',
        commandTimeout: COMMAND_TIMEOUT_MS,
        breaker: { threshold: 5, resetAfter: '30s' },
        logger: quietLogger,
      });
      try {
        rows.push(...(await measureOutage(context, server, cache, failure)));
      } finally {
        await cache.close().catch(() => undefined);
        await stopServer();
      }
    }
    return rows;
  },
};

async function measureOutage(
  context: BenchContext,
  server: RedisServerHandle,
  cache: Cache,
  failure: 'hung' | 'dead',
): Promise<ResultRow[]> {
  const source = () => new Promise<string>((resolve) => setTimeout(() => resolve('fresh'), SOURCE_MS));
  let key = 0;
  // Distinct keys: a cached call is a miss anyway, and single-flight cannot merge them.
  const cached = () => cache.getOrSet(`k:${key++}`, source, { lock: false });
  await cached();

  if (failure === 'hung') server.pause();
  else await server.kill();

  const beforeOpen: number[] = [];
  while (cache.stats().breaker === 'closed' && beforeOpen.length < 50) {
    const t0 = performance.now();
    await cached();
    beforeOpen.push(performance.now() - t0);
  }
  // Breaker open: alternate one direct source call and one cached call, one at a time, and compare medians.
  const pairs = context.quick ? 100 : 400;
  const sourceAlone: number[] = [];
  const cachedOpen: number[] = [];
  for (let i = 0; i < pairs; i++) {
    const order = i % 2 === 0 ? [sourceAlone, cachedOpen] : [cachedOpen, sourceAlone];
    for (const sample of order) {
      const t0 = performance.now();
      await (sample === sourceAlone ? source() : cached());
      sample.push(performance.now() - t0);
    }
  }
  const added = median(beforeOpen) - median(sourceAlone);
  const openRatio = median(cachedOpen) / median(sourceAlone);
  const state = cache.stats().breaker;
  if (failure === 'hung') server.resume();
  const label = failure === 'hung' ? 'Redis hung (SIGSTOP)' : 'Redis dead (SIGKILL)';
  return [
    {
      scenario: SCENARIO,
      subject: `${label}, before the breaker opens: added latency per call`,
      versus: `commandTimeout (${COMMAND_TIMEOUT_MS} ms)`,
      value: round(added / COMMAND_TIMEOUT_MS, 2),
      unit: '×',
      target: '≤ 1.1×',
      met: added / COMMAND_TIMEOUT_MS <= 1.1,
      note: `${beforeOpen.length} calls before the breaker opened; median ${round(added, 1)} ms added to a ${SOURCE_MS} ms source`,
    },
    {
      scenario: SCENARIO,
      subject: `${label}, breaker open: cached-call latency`,
      versus: 'the source called directly',
      value: round(openRatio, 3),
      unit: '×',
      target: '≤ 1.05×',
      met: openRatio <= 1.05 && state !== 'closed',
      redis: '0 (Redis skipped)',
      note: `breaker ${state} after the measurement; median of ${pairs} alternated calls each, ${round((median(cachedOpen) - median(sourceAlone)) * 1000, 0)} µs added`,
    },
  ];
}
