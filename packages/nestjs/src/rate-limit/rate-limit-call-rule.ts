import type { ExecutionContext } from '@nestjs/common';
import type { Duration } from '@cachet/core';
import { resolveRateLimitRule, type ResolvedRateLimitRule } from '@cachet/core/store';

/** A policy value fixed where it is written, or decided per call from its context. */
export type PerCall<T> = T | ((context: ExecutionContext) => T | Promise<T>);

/** The policy fields given as functions; each call resolves them into a rule. */
export interface PerCallFields {
  readonly limit?: (context: ExecutionContext) => number | Promise<number>;
  readonly window?: (context: ExecutionContext) => Duration | Promise<Duration>;
  readonly blockDuration?: (context: ExecutionContext) => Duration | undefined | Promise<Duration | undefined>;
}

/**
 * The rule of one call: the policy's own when nothing is per call, else the
 * fields decided now, checked by core's rule resolver (the one owner of what a
 * rule may be), so a `window()` that answers `'10 minutes'` fails like a bad
 * `window` does, naming the policy.
 */
export async function ruleForCall(
  name: string,
  rule: ResolvedRateLimitRule,
  perCall: PerCallFields | undefined,
  burstIsExplicit: boolean,
  context: ExecutionContext,
): Promise<ResolvedRateLimitRule> {
  if (perCall === undefined) return rule;
  const [limit, window, blockDuration] = await Promise.all([
    perCall.limit ? perCall.limit(context) : rule.limit,
    perCall.window ? perCall.window(context) : rule.windowMs,
    perCall.blockDuration ? perCall.blockDuration(context) : rule.blockMs || undefined,
  ]);
  return resolveRateLimitRule(
    {
      limit,
      window,
      blockDuration,
      algorithm: rule.algorithm,
      cost: rule.cost,
      burst: burstIsExplicit ? rule.burst : undefined,
    },
    `@RateLimit("${name}") for this call`,
  );
}
