import { Inject, Injectable, type ExecutionContext } from '@nestjs/common';
import {
  CacheConfigError,
  CacheKeyError,
  RateLimitUnavailableError,
  type RateLimitResult,
  type RateLimiter,
} from '@cachet/core';
import type { ResolvedRateLimitRule } from '@cachet/core/store';
import type { HttpRequestLike } from './client-address.js';
import { RATE_LIMIT_OPTIONS, RATE_LIMITER } from './rate-limit.constants.js';
import { RateLimitExceededException } from './rate-limit-exceeded.exception.js';
import type { ResolvedRateLimitModuleOptions } from './rate-limit-module.options.js';
import { bindingOutcome, type PolicyOutcome } from './rate-limit-headers.js';
import type { ScopedPolicy } from './rate-limit-metadata.accessor.js';
import { RateLimitUnavailableException } from './rate-limit-unavailable.exception.js';

/** What checking every applicable policy of one call gave. */
export interface RateLimitVerdict {
  outcomes: PolicyOutcome[];
  /** The refusal, ready to throw, or undefined when every policy admitted the call. */
  refusal?: RateLimitExceededException;
}

/**
 * Checks a call against its policies, all at once: admitted by every policy
 * or consuming none (one round trip on a single Redis). The guard (routes)
 * and the `@RateLimit` step on the trampoline (every other method) both act
 * through it.
 */
@Injectable()
export class RateLimitEnforcer {
  private readonly claimed = new WeakSet<object>();

  constructor(
    @Inject(RATE_LIMITER) readonly limiter: RateLimiter,
    @Inject(RATE_LIMIT_OPTIONS) readonly options: ResolvedRateLimitModuleOptions,
  ) {}

  /** True the first time a request is seen: however many guards run, a request is counted once. */
  claim(request: object): boolean {
    if (this.claimed.has(request)) return false;
    this.claimed.add(request);
    return true;
  }

  async check(policies: readonly ScopedPolicy[], context: ExecutionContext): Promise<RateLimitVerdict> {
    const applicable = policies.filter(({ policy }) => !policy.skipIf?.(context));
    if (applicable.length === 0) return { outcomes: [] };
    // Only a `by` function can make a client's identity wait: without one, nothing here is awaited.
    const identities = applicable.map(({ policy }) => this.identify(policy.by, context));
    const known = identities.every((identity) => typeof identity === 'string')
      ? (identities as string[])
      : await Promise.all(identities);
    const checks = applicable.map(({ policy, scope }, i) => {
      const identity = known[i]!;
      return {
        name: policy.name,
        rule: this.ruleFor(policy, context),
        subject: `${policy.name}:${scope}:${identity}`,
        slot: identity,
      };
    });
    let results: readonly RateLimitResult[];
    try {
      // Admitted by every policy, or consuming none: a refused call never spends another policy's quota.
      // The client is the slot, so on Cluster all the policies that count one client are one script.
      // One policy (the usual route) is one check, the limiter's single-policy path.
      const only = checks.length === 1 ? checks[0]! : undefined;
      results = only
        ? [await this.limiter.consume(only.subject, only.rule, { slot: only.slot })]
        : (await this.limiter.consumeAll(checks.map(({ subject, rule, slot }) => ({ subject, rule, slot })))).results;
    } catch (error) {
      if (error instanceof RateLimitUnavailableError) throw new RateLimitUnavailableException(error);
      throw error;
    }
    const outcomes: PolicyOutcome[] = checks.map(({ name, rule }, i) => ({
      name,
      windowMs: rule.windowMs,
      result: results[i]!,
    }));
    const refused = outcomes.filter(({ result }) => !result.allowed);
    if (refused.length === 0) return { outcomes };
    const binding = bindingOutcome(refused);
    const names = [binding.name, ...refused.filter((o) => o !== binding).map((o) => o.name)];
    return { outcomes, refusal: new RateLimitExceededException(names, binding.result.retryAfterMs) };
  }

  private ruleFor(policy: ScopedPolicy['policy'], context: ExecutionContext): ResolvedRateLimitRule {
    if (!policy.limitOf) return policy.rule;
    const limit = policy.limitOf(context);
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new CacheConfigError(`@RateLimit("${policy.name}").limit()`, limit, 'a positive integer');
    }
    const burst = policy.burstIsExplicit ? policy.rule.burst : limit;
    const ceiling = policy.rule.algorithm === 'token-bucket' ? burst : limit;
    if (policy.rule.cost > ceiling) {
      throw new CacheConfigError(
        `@RateLimit("${policy.name}").limit()`,
        limit,
        `at least the cost (${policy.rule.cost})`,
      );
    }
    return { ...policy.rule, limit, burst };
  }

  /** Who the call counts as: a string, or a promise when a `by` function decides. */
  private identify(by: ScopedPolicy['policy']['by'], context: ExecutionContext): string | Promise<string> {
    if (typeof by === 'function') return identifyBy(by, context);
    if (context.getType() !== 'http') return '*';
    // The request is the first handler argument on every HTTP adapter (`switchToHttp()` builds closures per call).
    const request = context.getArgByIndex<HttpRequestLike & { user?: Record<string, unknown> }>(0);
    if (by === 'user') {
      const user = request.user;
      const id = user?.id ?? user?.sub ?? user?.userId;
      if (id !== undefined && id !== null && id !== '') return `u:${String(id)}`;
    }
    return `ip:${this.options.clientAddress.resolve(request)}`;
  }
}

async function identifyBy(by: (context: ExecutionContext) => string | Promise<string>, context: ExecutionContext) {
  const key = await by(context);
  if (typeof key !== 'string' || key === '') {
    throw new CacheKeyError(key, 'a rate-limit `by` function must return a non-empty string');
  }
  return `k:${key}`;
}
