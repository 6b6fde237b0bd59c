import { BreakerOpenError } from '../resilience/circuit-breaker.js';
import { NodeBreakers, type BreakerRouter } from '../resilience/node-breakers.js';
import { CacheKeyError, RateLimitExceededError, RateLimitUnavailableError } from '../shared/errors.js';
import { KeySpace } from '../store/key-space.js';
import { MemoryRateLimitStore } from '../store/memory-rate-limit.store.js';
import type { RateLimitConsumeRequest, RateLimitStore } from '../store/rate-limit.store.js';
import type { CacheLogger } from '../telemetry/logger.js';
import { assertCost, resolveRateLimitRule } from './rate-limit-rule.js';
import type { RateLimitResult, RateLimitRule, ResolvedRateLimitRule } from './rate-limit.types.js';
import { OverLimitCache } from './over-limit-cache.js';

export interface RateLimiterConfig {
  store: RateLimitStore;
  namespace: string;
  /** Redis trouble: answer from the in-process insurance limiter (true) or throw RateLimitUnavailableError. */
  failOpen: boolean;
  /** Subjects remembered as over their limit (0 disables the short-circuit). */
  overLimitCacheSize: number;
  breaker: { threshold: number; resetMs: number };
  /** On Redis Cluster: the store's router, so a dead master's breaker skips only the subjects it serves. */
  router?: BreakerRouter;
  logger: CacheLogger;
  /** True when the store can take commands now; otherwise it gets `readyTimeoutMs` to become ready. */
  isReady?: () => boolean;
  ready?: (timeoutMs: number) => Promise<void>;
  readyTimeoutMs: number;
}

export interface ConsumeOptions {
  /** Overrides the rule's cost for this request. */
  cost?: number;
}

export interface RateLimiterStats {
  /** Consumes answered by the store (one round trip each). */
  storeChecks: number;
  /** Refusals answered from process memory without a round trip. */
  shortCircuited: number;
  /** Consumes answered by the insurance limiter while the store was unreachable. */
  insured: number;
  /** Store failures (timeouts, connection errors). */
  storeErrors: number;
}

/**
 * Checks and consumes quota. One store round trip per check; none for a
 * subject this process already knows to be over its limit. While the store
 * fails, a circuit breaker skips it and an in-memory insurance limiter with
 * the same rules answers (per process, so N instances admit up to N× the
 * limit during an outage), or, with `failOpen: false`, every check throws
 * RateLimitUnavailableError. No timers: nothing runs between requests.
 */
export class RateLimiter {
  private readonly keySpace: KeySpace;
  private readonly overLimit: OverLimitCache;
  private readonly insurance = new MemoryRateLimitStore();
  private readonly breakers: NodeBreakers;
  private readonly counters: RateLimiterStats = { storeChecks: 0, shortCircuited: 0, insured: 0, storeErrors: 0 };

  constructor(private readonly config: RateLimiterConfig) {
    this.keySpace = new KeySpace(config.namespace);
    this.overLimit = new OverLimitCache(config.overLimitCacheSize);
    this.breakers = new NodeBreakers(
      {
        threshold: config.breaker.threshold,
        resetMs: config.breaker.resetMs,
        logger: config.logger,
        name: `rate limiter "${config.namespace}"`,
      },
      config.router,
    );
  }

  get failOpen(): boolean {
    return this.config.failOpen;
  }

  /**
   * Takes `cost` units (default: the rule's) from `subject`'s quota, atomically.
   * A refused request takes nothing.
   */
  async consume(
    subject: string,
    rule: RateLimitRule | ResolvedRateLimitRule,
    options: ConsumeOptions = {},
  ): Promise<RateLimitResult> {
    assertSubject(subject);
    const resolved = resolveRateLimitRule(rule);
    const cost = options.cost === undefined ? resolved.cost : assertCost(options.cost, resolved);
    const keys = this.keySpace.rateLimit(resolved.algorithm, subject);

    const known = this.overLimit.check(keys.state, cost);
    if (known) {
      this.counters.shortCircuited++;
      return { allowed: false, limit: resolved.limit, ...known, source: 'short-circuit' };
    }

    const request: RateLimitConsumeRequest = {
      keys,
      algorithm: resolved.algorithm,
      limit: resolved.limit,
      windowMs: resolved.windowMs,
      cost,
      blockMs: resolved.blockMs,
      burst: resolved.burst,
    };
    let result: RateLimitResult;
    try {
      const outcome = await this.breakers.run(keys.state, async () => {
        if (this.config.isReady && !this.config.isReady()) await this.config.ready?.(this.config.readyTimeoutMs);
        return this.config.store.consume(request);
      });
      this.counters.storeChecks++;
      result = { ...outcome, limit: resolved.limit, source: 'store' };
    } catch (error) {
      if (!(error instanceof BreakerOpenError)) this.counters.storeErrors++;
      if (!this.config.failOpen) throw new RateLimitUnavailableError({ cause: error });
      this.counters.insured++;
      result = { ...this.insurance.consumeNow(request), limit: resolved.limit, source: 'insurance' };
    }
    if (!result.allowed)
      this.overLimit.remember(keys.state, cost, result.retryAfterMs, result.resetMs, result.remaining);
    return result;
  }

  /** Like `consume`, but a refusal throws RateLimitExceededError (named after `policy`, default the subject). */
  async consumeOrThrow(
    subject: string,
    rule: RateLimitRule | ResolvedRateLimitRule,
    options: ConsumeOptions & { policy?: string } = {},
  ): Promise<RateLimitResult> {
    const result = await this.consume(subject, rule, options);
    if (!result.allowed) throw new RateLimitExceededError(options.policy ?? subject, result.retryAfterMs);
    return result;
  }

  /** Gives `subject` its whole quota back and lifts any block (e.g. after a successful login). */
  async reset(subject: string, rule: RateLimitRule | ResolvedRateLimitRule): Promise<void> {
    assertSubject(subject);
    const keys = this.keySpace.rateLimit(resolveRateLimitRule(rule).algorithm, subject);
    this.overLimit.forget(keys.state);
    await this.insurance.reset(keys);
    await this.config.store.reset(keys);
  }

  stats(): RateLimiterStats {
    return { ...this.counters };
  }
}

function assertSubject(subject: unknown): asserts subject is string {
  if (typeof subject !== 'string' || subject === '') {
    throw new CacheKeyError(subject, 'a rate-limit subject must be a non-empty string');
  }
}
