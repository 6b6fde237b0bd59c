import { Inject, Injectable, type ExecutionContext } from '@nestjs/common';
import { CacheKeyError, RateLimitUnavailableError, type RateLimitResult, type RateLimiter } from '@cachet/core';
import { clientIdentity } from './client-identity.js';
import { RATE_LIMIT_OPTIONS, RATE_LIMITER } from './rate-limit.constants.js';
import { RateLimitExceededException } from './rate-limit-exceeded.exception.js';
import type { ResolvedRateLimitModuleOptions } from './rate-limit-module.options.js';
import { bindingOutcome, rateLimitHeaders, type PolicyOutcome } from './rate-limit-headers.js';
import { ruleForCall } from './rate-limit-call-rule.js';
import { refusalMessage, type RateLimitRefusal } from './rate-limit-refusal.js';
import { userAgentIgnored } from './user-agents.js';
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
    const applicable = policies.filter(
      ({ policy }) =>
        !policy.skipIf?.(context) &&
        !userAgentIgnored(policy.ignoreUserAgents ?? this.options.ignoreUserAgents, context),
    );
    if (applicable.length === 0) return { outcomes: [] };
    // Policies with nothing decided per call (the usual route) are checked with nothing awaited but the store.
    const checks = applicable.every(({ policy }) => this.decidedUpFront(policy))
      ? applicable.map(({ policy, scope }) => {
          // decidedUpFront: `by` is 'ip', 'user' or absent here.
          const tracker = this.trackerOf(policy.by as 'ip' | 'user' | undefined, context);
          return { policy, rule: policy.rule, tracker, ...siteKey(policy.name, scope, tracker) };
        })
      : await Promise.all(
          applicable.map(async ({ policy, scope }) => {
            const [rule, tracker] = await Promise.all([
              ruleForCall(policy.name, policy.rule, policy.perCall, policy.burstIsExplicit, context),
              this.identify(policy.by, context),
            ]);
            return { policy, rule, tracker, ...(await this.countedKey(policy, scope, tracker, context)) };
          }),
        );
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
    const outcomes: PolicyOutcome[] = checks.map(({ policy, rule }, i) => ({
      name: policy.name,
      windowMs: rule.windowMs,
      result: results[i]!,
    }));
    const refused = outcomes.filter(({ result }) => !result.allowed);
    if (refused.length === 0) return { outcomes };
    const binding = bindingOutcome(refused);
    const names = [binding.name, ...refused.filter((o) => o !== binding).map((o) => o.name)];
    const { policy, tracker, key } = checks[outcomes.indexOf(binding)]!;
    const refusal: RateLimitRefusal = {
      policy: binding.name,
      violatedPolicies: names,
      retryAfter: Math.max(Math.ceil(binding.result.retryAfterMs / 1000), 1),
      limit: binding.result.limit,
      windowMs: binding.windowMs,
      remaining: binding.result.remaining,
      tracker,
      key,
    };
    const message = refusalMessage(
      policy.errorMessage ?? this.options.errorMessage,
      context,
      refusal,
      policy.errorMessage ? `@RateLimit("${policy.name}").errorMessage` : 'rateLimit.errorMessage',
    );
    const headers = rateLimitHeaders(outcomes, this.options.headers);
    return {
      outcomes,
      refusal: new RateLimitExceededException(names, binding.result.retryAfterMs, { message, headers }),
    };
  }

  /** The counted subject and its Cluster slot: the site and client, or what a `key` function says. */
  private async countedKey(
    policy: ScopedPolicy['policy'],
    scope: string,
    tracker: string,
    context: ExecutionContext,
  ): Promise<{ subject: string; slot: string; key: string }> {
    const keyOf = policy.key ?? this.options.key;
    if (keyOf === undefined) return siteKey(policy.name, scope, tracker);
    const key = await keyOf(context, tracker, policy.name);
    if (typeof key !== 'string' || key === '') {
      throw new CacheKeyError(key, 'a rate-limit `key` function must return a non-empty string');
    }
    // The key alone places the counters: calls that share a key share them, whichever client made them.
    return { subject: `${policy.name}:key:${key}`, slot: key, key };
  }

  private async identify(by: ScopedPolicy['policy']['by'], context: ExecutionContext): Promise<string> {
    if (typeof by === 'function') {
      const key = await by(context);
      if (typeof key !== 'string' || key === '') {
        throw new CacheKeyError(key, 'a rate-limit `by` function must return a non-empty string');
      }
      return `k:${key}`;
    }
    return this.trackerOf(by, context);
  }

  /** The client as the request shows it (`by` 'ip' or 'user'). */
  private trackerOf(by: 'ip' | 'user' | undefined, context: ExecutionContext): string {
    if (context.getType() !== 'http') return '*';
    // The request is the first handler argument on every HTTP adapter (`switchToHttp()` builds closures per call).
    return clientIdentity(by ?? 'ip', context.getArgByIndex(0), this.options.clientAddress);
  }

  /** No per-call option, `by` or `key` function: the policy's rule and subject are known without awaiting. */
  private decidedUpFront(policy: ScopedPolicy['policy']): boolean {
    return (
      policy.perCall === undefined && typeof policy.by !== 'function' && (policy.key ?? this.options.key) === undefined
    );
  }
}

/** The counted subject of a policy at a site: one quota per site and client, the client's slot. */
function siteKey(name: string, scope: string, tracker: string): { subject: string; slot: string; key: string } {
  return { subject: `${name}:${scope}:${tracker}`, slot: tracker, key: `${scope}:${tracker}` };
}
