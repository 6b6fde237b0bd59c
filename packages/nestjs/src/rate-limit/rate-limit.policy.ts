import type { ExecutionContext } from '@nestjs/common';
import { CacheConfigError, type Duration, type RateLimitAlgorithm } from '@cachet/core';
import { resolveRateLimitRule, type ResolvedRateLimitRule } from '@cachet/core/store';
import type { PerCall, PerCallFields } from './rate-limit-call-rule.js';
import { resolveErrorMessage, type RateLimitErrorMessage } from './rate-limit-refusal.js';
import { resolveIgnoreUserAgents } from './user-agents.js';

/** Who shares a quota: the client address, the authenticated user, or any key you derive. */
export type RateLimitBy = 'ip' | 'user' | ((context: ExecutionContext) => string | Promise<string>);

/**
 * The counted key of a call (`@nestjs/throttler`'s `generateKey`): given the
 * client `by` resolved and the policy name. Calls with the same key share a
 * quota, across routes and methods; it is kept under the policy's name, so two
 * policies never share counters.
 */
export type RateLimitKey = (context: ExecutionContext, tracker: string, policyName: string) => string | Promise<string>;

/** A rate-limit policy, as written in `@RateLimit(...)` or `rateLimit.global`. */
export interface RateLimitPolicy {
  /** Names the policy in headers and 429 bodies, and lets a method override a class policy. Default `'default'`. */
  name?: string;
  /** A number, or a function of the call (sync or async), e.g. by plan. */
  limit: PerCall<number>;
  /** A Duration, or a function of the call. */
  window: PerCall<Duration>;
  /** Default `'sliding-window'`; `'token-bucket'` is GCRA. */
  algorithm?: RateLimitAlgorithm;
  /** Default `'ip'` on HTTP routes; on a service method, a function of the call (default: one quota for all callers). */
  by?: RateLimitBy;
  /** Units each request takes (default 1). */
  cost?: number;
  /** After the refusal that exceeds the limit, refuse this subject for this long (or a function of the call). */
  blockDuration?: PerCall<Duration | undefined>;
  /** token-bucket only: units that may be taken at once (default `limit`). */
  burst?: number;
  /** Return true to leave a request out of this policy (neither checked nor counted). */
  skipIf?: (context: ExecutionContext) => boolean;
  /** HTTP requests whose `User-Agent` matches one of these are left out of this policy (e.g. `[/googlebot/i]`). */
  ignoreUserAgents?: RegExp[];
  /** Replaces the default counted key: `<site>:<tracker>` (see `RateLimitKey`). */
  key?: RateLimitKey;
  /** The 429's `message` when this policy refuses (default: `rateLimit.errorMessage`, then Cachet's). */
  errorMessage?: RateLimitErrorMessage;
}

/** A policy checked at decoration time. */
export interface ResolvedRateLimitPolicy {
  readonly name: string;
  /** The rule; a field decided per call holds a placeholder here, and `perCall` decides it. */
  readonly rule: ResolvedRateLimitRule;
  readonly perCall?: PerCallFields;
  readonly burstIsExplicit: boolean;
  readonly by: RateLimitBy | undefined;
  readonly skipIf?: (context: ExecutionContext) => boolean;
  readonly ignoreUserAgents?: readonly RegExp[];
  readonly key?: RateLimitKey;
  readonly errorMessage?: RateLimitErrorMessage;
}

/** What a field given as a function stands in for when the rest of the policy is checked. */
const PLACEHOLDER = { limit: Number.MAX_SAFE_INTEGER, window: 1_000, blockDuration: 1_000 } as const;

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
  const perCall = perCallFields(policy);
  const { algorithm, cost, burst } = policy;
  const limit = perCall?.limit ? PLACEHOLDER.limit : (policy.limit as number);
  const window = perCall?.window ? PLACEHOLDER.window : (policy.window as Duration);
  const blockDuration = perCall?.blockDuration ? PLACEHOLDER.blockDuration : (policy.blockDuration as Duration);
  const rule = resolveRateLimitRule({ limit, window, algorithm, cost, blockDuration, burst }, option);
  const by = policy.by;
  if (by !== undefined && by !== 'ip' && by !== 'user' && typeof by !== 'function') {
    throw new CacheConfigError(`${option}.by`, by, "'ip', 'user' or a function of the ExecutionContext");
  }
  for (const field of ['skipIf', 'key'] as const) {
    if (policy[field] !== undefined && typeof policy[field] !== 'function') {
      throw new CacheConfigError(`${option}.${field}`, policy[field], 'a function of the ExecutionContext');
    }
  }
  return {
    name,
    rule,
    perCall,
    burstIsExplicit: policy.burst !== undefined,
    by,
    skipIf: policy.skipIf,
    ignoreUserAgents: resolveIgnoreUserAgents(policy.ignoreUserAgents, `${option}.ignoreUserAgents`),
    key: policy.key,
    errorMessage: resolveErrorMessage(policy.errorMessage, `${option}.errorMessage`),
  };
}

/** The fields given as functions, or undefined when the whole rule is fixed. */
function perCallFields(policy: RateLimitPolicy): PerCallFields | undefined {
  const fields: PerCallFields = {
    limit: typeof policy.limit === 'function' ? policy.limit : undefined,
    window: typeof policy.window === 'function' ? policy.window : undefined,
    blockDuration: typeof policy.blockDuration === 'function' ? policy.blockDuration : undefined,
  };
  return fields.limit || fields.window || fields.blockDuration ? fields : undefined;
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
