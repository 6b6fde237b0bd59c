import { toMs } from '../shared/duration.js';
import { CacheConfigError } from '../shared/errors.js';
import { positiveInteger } from '../shared/option-checks.js';
import type { RateLimitAlgorithm, RateLimitRule, ResolvedRateLimitRule } from './rate-limit.types.js';

export const RATE_LIMIT_ALGORITHMS: readonly RateLimitAlgorithm[] = [
  'sliding-window',
  'fixed-window',
  'sliding-log',
  'token-bucket',
];

/** Checks a rule and fills its defaults; throws CacheConfigError naming `option` and the bad field. */
export function resolveRateLimitRule(
  rule: RateLimitRule | ResolvedRateLimitRule,
  option = 'rateLimit',
): ResolvedRateLimitRule {
  if ('resolved' in rule && rule.resolved === true) return rule;
  const source = rule as RateLimitRule;
  if (typeof source !== 'object' || source === null) {
    throw new CacheConfigError(option, source, 'a rule { limit, window, algorithm?, cost?, blockDuration? }');
  }
  const limit = positiveInteger(source.limit, `${option}.limit`);
  const windowMs = toMs(source.window, `${option}.window`);
  const algorithm = source.algorithm ?? 'sliding-window';
  if (!RATE_LIMIT_ALGORITHMS.includes(algorithm)) {
    throw new CacheConfigError(`${option}.algorithm`, algorithm, RATE_LIMIT_ALGORITHMS.map((a) => `'${a}'`).join(', '));
  }
  const burst = source.burst === undefined ? limit : positiveInteger(source.burst, `${option}.burst`);
  if (source.burst !== undefined && algorithm !== 'token-bucket') {
    throw new CacheConfigError(
      `${option}.burst`,
      source.burst,
      "no burst: it applies to algorithm 'token-bucket' only",
    );
  }
  const blockMs = source.blockDuration === undefined ? 0 : toMs(source.blockDuration, `${option}.blockDuration`);
  const resolved: ResolvedRateLimitRule = { resolved: true, limit, windowMs, algorithm, cost: 1, blockMs, burst };
  const cost = source.cost === undefined ? 1 : assertCost(source.cost, resolved, `${option}.cost`);
  return { ...resolved, cost };
}

/** A cost a rule can ever admit: a positive integer, at most the limit (the burst for token-bucket). */
export function assertCost(cost: unknown, rule: ResolvedRateLimitRule, option = 'cost'): number {
  const value = positiveInteger(cost, option);
  const ceiling = rule.algorithm === 'token-bucket' ? rule.burst : rule.limit;
  if (value > ceiling) {
    throw new CacheConfigError(option, cost, `at most ${ceiling} (a request costing more could never pass)`);
  }
  return value;
}
