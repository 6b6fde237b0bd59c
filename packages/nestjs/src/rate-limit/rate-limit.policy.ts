import type { ExecutionContext } from '@nestjs/common';
import { CacheConfigError, type Duration, type RateLimitAlgorithm } from '@cachet/core';
import { resolveRateLimitRule, type ResolvedRateLimitRule } from '@cachet/core/store';

/** Who shares a quota: the client address, the authenticated user, or any key you derive. */
export type RateLimitBy = 'ip' | 'user' | ((context: ExecutionContext) => string | Promise<string>);

/** A rate-limit policy, as written in `@RateLimit(...)` or `rateLimit.global`. */
export interface RateLimitPolicy {
  /** Names the policy in headers and 429 bodies, and lets a method override a class policy. Default `'default'`. */
  name?: string;
  limit: number | ((context: ExecutionContext) => number);
  window: Duration;
  /** Default `'sliding-window'`; `'token-bucket'` is GCRA. */
  algorithm?: RateLimitAlgorithm;
  /** Default `'ip'` on HTTP routes; on a service method, a function of the call (default: one quota for all callers). */
  by?: RateLimitBy;
  /** Units each request takes (default 1). */
  cost?: number;
  /** After the refusal that exceeds the limit, refuse this subject for this long. */
  blockDuration?: Duration;
  /** token-bucket only: units that may be taken at once (default `limit`). */
  burst?: number;
  /** Return true to leave a request out of this policy (neither checked nor counted). */
  skipIf?: (context: ExecutionContext) => boolean;
}

/** A policy checked at decoration time. */
export interface ResolvedRateLimitPolicy {
  readonly name: string;
  /** The rule with the static limit, or a placeholder limit when `limitOf` decides per request. */
  readonly rule: ResolvedRateLimitRule;
  readonly limitOf?: (context: ExecutionContext) => number;
  readonly burstIsExplicit: boolean;
  readonly by: RateLimitBy | undefined;
  readonly skipIf?: (context: ExecutionContext) => boolean;
}

const NAME = /^[\x21\x23-\x5b\x5d-\x7e]([\x20\x21\x23-\x5b\x5d-\x7e]*[\x21\x23-\x5b\x5d-\x7e])?$/;

/** Validates one policy; `where` names the decorator site in errors (e.g. `@RateLimit on AuthController.login`). */
export function resolveRateLimitPolicy(policy: RateLimitPolicy, where: string): ResolvedRateLimitPolicy {
  if (typeof policy !== 'object' || policy === null) {
    throw new CacheConfigError(where, policy, 'a policy { limit, window, name?, algorithm?, by?, cost? }');
  }
  const name = policy.name ?? 'default';
  const option = `${where}("${name}")`;
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new CacheConfigError(`${where}.name`, name, 'printable ASCII without quotes or backslashes');
  }
  const dynamicLimit = typeof policy.limit === 'function';
  const { algorithm, window, cost, blockDuration, burst } = policy;
  const limit = dynamicLimit ? Number.MAX_SAFE_INTEGER : (policy.limit as number);
  const rule = resolveRateLimitRule({ limit, window, algorithm, cost, blockDuration, burst }, option);
  const by = policy.by;
  if (by !== undefined && by !== 'ip' && by !== 'user' && typeof by !== 'function') {
    throw new CacheConfigError(`${option}.by`, by, "'ip', 'user' or a function of the ExecutionContext");
  }
  if (policy.skipIf !== undefined && typeof policy.skipIf !== 'function') {
    throw new CacheConfigError(`${option}.skipIf`, policy.skipIf, 'a function of the ExecutionContext');
  }
  return {
    name,
    rule,
    limitOf: dynamicLimit ? (policy.limit as (context: ExecutionContext) => number) : undefined,
    burstIsExplicit: policy.burst !== undefined,
    by,
    skipIf: policy.skipIf,
  };
}

/** Validates a policy list: at least one, names unique. */
export function resolveRateLimitPolicies(
  policies: RateLimitPolicy | RateLimitPolicy[],
  where: string,
): ResolvedRateLimitPolicy[] {
  const list = Array.isArray(policies) ? policies : [policies];
  if (list.length === 0) throw new CacheConfigError(where, policies, 'at least one policy');
  const resolved = list.map((policy) => resolveRateLimitPolicy(policy, where));
  const names = new Set<string>();
  for (const policy of resolved) {
    if (names.has(policy.name)) {
      throw new CacheConfigError(
        `${where}.name`,
        policy.name,
        `distinct names for policies declared together (give each policy a name); got ${JSON.stringify(list.map((p) => p.name ?? 'default'))}`,
      );
    }
    names.add(policy.name);
  }
  return resolved;
}
