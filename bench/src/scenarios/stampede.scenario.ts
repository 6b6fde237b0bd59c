import type { BenchContext, ResultRow, Scenario } from '../harness/bench-context.js';
import { forkChild, withChildren } from '../harness/child-process.js';
import { measureCommands } from '../harness/command-stats.js';
import { percentile, round } from '../harness/stats.js';

const SCENARIO = '5';
const CALLS = 250;
const LOADER_MS = 50;
const LIBRARIES = [
  { id: 'cachet', label: 'Cachet getOrSet' },
  { id: 'cache-manager', label: 'cache-manager 7 wrap' },
  { id: 'bentocache', label: 'bentocache getOrSet (Redis layer)' },
] as const;

interface Done {
  loads: number;
  waits: number[];
}

/**
 * P processes × 250 concurrent callers of one cold key, the loader a 50 ms
 * "query". Counts loader runs across all processes and the waiters' p99,
 * expressed as a multiple of the loader's own duration (1× = nobody waited
 * longer than one load).
 */
export const stampedeScenario: Scenario = {
  id: 'stampede',
  title: 'Stampede',
  async run(context: BenchContext): Promise<ResultRow[]> {
    const rounds = context.quick ? 2 : 5;
    const rows: ResultRow[] = [];
    for (const processes of [1, 4]) {
      for (const library of LIBRARIES) {
        const worker = new URL('../workers/stampede.worker.js', import.meta.url);
        const outcome = await withChildren(
          processes,
          () => forkChild(worker, [library.id, context.redisUrl, String(LOADER_MS)]),
          async (children) => {
            // One extra round, counted by the server and not timed: Redis commands for the whole burst.
            const countedKey = `cold:${library.id}:${processes}:counted:${Date.now()}`;
            const cost = await measureCommands(context.admin, 1, () =>
              Promise.all(
                children.map((child) => child.request<Done>({ type: 'go', key: countedKey, calls: CALLS }, 'done')),
              ),
            );
            const perRound: Array<{ loads: number; p99: number }> = [];
            for (let round = 0; round < rounds; round++) {
              const key = `cold:${library.id}:${processes}:${round}:${Date.now()}`;
              const done = await Promise.all(
                children.map((child) => child.request<Done>({ type: 'go', key, calls: CALLS }, 'done')),
              );
              perRound.push({
                loads: done.reduce((sum, d) => sum + d.loads, 0),
                p99: percentile(
                  done.flatMap((d) => d.waits),
                  99,
                ),
              });
            }
            return { perRound, cost };
          },
        );
        const { perRound: results, cost } = outcome;
        const maxLoads = Math.max(...results.map((r) => r.loads));
        const p99 = percentile(
          results.map((r) => r.p99),
          50,
        );
        const isCachet = library.id === 'cachet';
        rows.push({
          scenario: SCENARIO,
          subject: `${library.label}: ${processes} proc × ${CALLS} cold calls`,
          versus: 'loads (worst of rounds)',
          value: maxLoads,
          unit: maxLoads === 1 ? 'load' : 'loads',
          target: isCachet ? 'exactly 1' : '',
          met: isCachet ? results.every((r) => r.loads === 1) : null,
          redis: `${cost.roundTripsPerOp} rt for all ${processes * CALLS} calls (${cost.breakdown})`,
          note:
            `waiter p99 = ${round(p99 / LOADER_MS)}× the ${LOADER_MS} ms load (median of ${rounds} rounds); ` +
            `loads per round: ${results.map((r) => r.loads).join(', ')}`,
        });
        context.log(`  ${library.label}, ${processes} process(es): loads ${results.map((r) => r.loads).join(',')}`);
      }
    }
    return rows;
  },
};
