import { createRateLimiter } from '@cachet/core';
import { resolveRateLimitRule } from '@cachet/core/store';
import { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { BenchContext, ResultRow } from '../harness/bench-context.js';
import { measureCommands, type CommandCost } from '../harness/command-stats.js';
import { interleave, ratioOf, type Contender, type RoundRates } from '../harness/interleave.js';
import { round } from '../harness/stats.js';
import { NEVER_REFUSED_LIMIT, WINDOW_SECONDS } from '../servers/apps/rate-limit.constants.js';

/**
 * The check alone, without HTTP: Cachet's limiter (each algorithm) against
 * rate-limiter-flexible's RateLimiterRedis, 64 subjects in flight, a limit
 * nobody reaches. Context for the HTTP rows, where the check is a small part.
 * (rate-limiter-flexible's is a fixed window: the like-for-like row is
 * Cachet's fixed window; the sliding window, the default, also reads the
 * server's clock and keeps the previous window.)
 */
export async function limiterCheckRows(context: BenchContext, scenario: string): Promise<ResultRow[]> {
  const limiter = createRateLimiter({ redis: context.redisUrl, namespace: 'bench-rl-core' });
  const flexibleClient = new Redis(context.redisUrl, { enableAutoPipelining: true });
  const flexible = new RateLimiterRedis({
    storeClient: flexibleClient,
    keyPrefix: 'bench-rl-flex',
    points: NEVER_REFUSED_LIMIT,
    duration: WINDOW_SECONDS,
  });
  const algorithms = ['sliding-window', 'fixed-window', 'token-bucket'] as const;
  const rules = new Map(
    algorithms.map((algorithm) => [
      algorithm,
      resolveRateLimitRule({ limit: NEVER_REFUSED_LIMIT, window: `${WINDOW_SECONDS}s`, algorithm }),
    ]),
  );
  try {
    const contenders: Contender[] = [
      { name: 'flexible', op: (w) => flexible.consume(`client-${w}`) },
      ...algorithms.map((algorithm) => ({
        name: algorithm,
        op: (w: number) => limiter.consume(`client-${w}`, rules.get(algorithm)!),
      })),
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
    const rates = await interleave(contenders, { concurrency: 64, ...context.slices });
    // A check the store did not answer in time was answered in process: far cheaper, and not what is measured.
    const { insured, storeErrors } = limiter.stats();
    const invalid =
      insured > 0
        ? `${insured} checks answered by the insurance limiter (${storeErrors} store errors): not valid`
        : undefined;
    return algorithms.map((algorithm) => {
      const ratio = ratioOf(rates, algorithm, 'flexible');
      const cost = costs.get(algorithm)!;
      const flexibleCost = costs.get('flexible')!;
      const spread = `rounds ranged ${roundSpread(rates, algorithm, 'flexible')}`;
      return {
        scenario,
        subject: `Cachet limiter.consume (${algorithm}), 64 in flight`,
        versus: 'rate-limiter-flexible consume',
        value: round(ratio, 3),
        unit: '×',
        target: '≥ 1.0×',
        met: invalid ? false : ratio >= 1,
        redis: `${round(cost.roundTripsPerOp)} rt (${cost.breakdown})`,
        note:
          invalid ??
          (algorithm === 'sliding-window'
            ? `${spread}; rate-limiter-flexible: ${round(flexibleCost.roundTripsPerOp)} rt (${flexibleCost.breakdown})`
            : spread),
      };
    });
  } finally {
    await limiter.close();
    flexibleClient.disconnect();
  }
}

/** The per-round ratios' range, e.g. "0.81–0.93", to show how noisy the median is. */
function roundSpread(rates: RoundRates, contender: string, baseline: string): string {
  const b = rates.get(baseline)!;
  const ratios = rates.get(contender)!.map((rate, round) => rate / b[round]!);
  return `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`;
}
