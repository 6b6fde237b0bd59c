import { createRateLimiter } from '@cachet/core';
import { resolveRateLimitRule } from '@cachet/core/store';
import { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { BenchContext, ResultRow } from '../harness/bench-context.js';
import { measureCommands, type CommandCost } from '../harness/command-stats.js';
import { interleave, ratioOf, type Contender } from '../harness/interleave.js';
import { round } from '../harness/stats.js';
import { NEVER_REFUSED_LIMIT, WINDOW_SECONDS } from '../servers/apps/rate-limit.constants.js';

/**
 * The check alone, without HTTP: Cachet's limiter (each algorithm) against
 * rate-limiter-flexible's RateLimiterRedis, 64 subjects in flight, a limit
 * nobody reaches. Context for the HTTP rows, where the check is a small part.
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
    return algorithms.map((algorithm) => ({
      scenario,
      subject: `Cachet limiter.consume (${algorithm}), 64 in flight`,
      versus: 'rate-limiter-flexible consume',
      value: round(ratioOf(rates, algorithm, 'flexible'), 3),
      unit: '×',
      target: '',
      met: null,
      redis: `${round(costs.get(algorithm)!.roundTripsPerOp)} rt (${costs.get(algorithm)!.breakdown})`,
      note:
        algorithm === 'sliding-window'
          ? `rate-limiter-flexible: ${round(costs.get('flexible')!.roundTripsPerOp)} rt (${costs.get('flexible')!.breakdown})`
          : undefined,
    }));
  } finally {
    await limiter.close();
    flexibleClient.disconnect();
  }
}
