import { BreakerOpenError } from '../resilience/circuit-breaker.js';
import { NodeBreakers } from '../resilience/node-breakers.js';
import { CacheConfigError, RateLimitExceededError, RateLimitUnavailableError } from '../shared/errors.js';
import { KeySpace } from '../store/key-space.js';
import { MemoryRateLimitStore } from '../store/memory/memory-rate-limit.store.js';
import type { RateLimitConsumeRequest, RateLimitOutcome } from '../store/rate-limit.store.js';
import { RateLimitTelemetry } from '../telemetry/open-telemetry/rate-limit-telemetry.js';
import { resolveTelemetryOptions } from '../telemetry/open-telemetry/telemetry-options.js';
import { resolveRateLimitRule } from './rate-limit-rule.js';
import { consumeRequest, rateLimitKeys } from './rate-limit-request.js';
import type {
  RateLimitBatchResult,
  RateLimitCheck,
  RateLimitResult,
  RateLimitRule,
  ResolvedRateLimitRule,
} from './rate-limit.types.js';
import { consumeBatch, type RateLimitBatchVerdict } from './rate-limit-batch.js';
import { OverLimitCache } from './over-limit-cache.js';
import { RateLimitKeyCache } from './rate-limit-keys.cache.js';

import type { RateLimiterConfig } from './rate-limiter-config.js';

export type { RateLimiterConfig } from './rate-limiter-config.js';

export interface ConsumeOptions {
  /** Overrides the rule's cost for this request. */
  cost?: number;
  /** Places the subject's keys on Cluster (default: the subject); see `RateLimitCheck.slot`. */
  slot?: string;
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
  private readonly keys: RateLimitKeyCache;
  private readonly overLimit: OverLimitCache;
  private readonly insurance = new MemoryRateLimitStore();
  private readonly breakers: NodeBreakers;
  private readonly counters: RateLimiterStats = { storeChecks: 0, shortCircuited: 0, insured: 0, storeErrors: 0 };
  private readonly telemetry: RateLimitTelemetry | undefined;

  constructor(private readonly config: RateLimiterConfig) {
    this.keySpace = new KeySpace(config.namespace);
    this.keys = new RateLimitKeyCache(this.keySpace);
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
    this.telemetry = RateLimitTelemetry.create(resolveTelemetryOptions(config.telemetry));
  }

  get failOpen(): boolean {
    return this.config.failOpen;
  }

  /**
   * Takes `cost` units (default: the rule's) from `subject`'s quota, atomically.
   * A refused request takes nothing. The path of a single policy: one script
   * of that policy's algorithm, no batch to build.
   */
  consume(
    subject: string,
    rule: RateLimitRule | ResolvedRateLimitRule,
    options?: ConsumeOptions,
  ): Promise<RateLimitResult> {
    if (!this.telemetry) return this.consumeOne(subject, rule, options);
    // Traced, a check is one span whatever its number of policies: the batch path records it.
    const check = { subject, rule, cost: options?.cost, slot: options?.slot };
    return this.consumeAll([check]).then(({ results }) => results[0]!);
  }

  private async consumeOne(
    subject: string,
    rule: RateLimitRule | ResolvedRateLimitRule,
    options: ConsumeOptions | undefined,
  ): Promise<RateLimitResult> {
    const resolved = resolveRateLimitRule(rule);
    const request = consumeRequest(this.keys, subject, resolved, options?.cost, options?.slot);
    const refusal = this.overLimit.check(request.keys.state, request.cost);
    if (refusal) {
      // A flooding client's every request lands here: named fields build the result in one step, no spread.
      this.counters.shortCircuited++;
      const { remaining, resetMs, retryAfterMs } = refusal;
      return { allowed: false, limit: resolved.limit, remaining, resetMs, retryAfterMs, source: 'short-circuit' };
    }
    let outcome: RateLimitOutcome;
    let source: 'store' | 'insurance' = 'store';
    try {
      const send = () => this.config.store.consume(request);
      outcome = await this.breakers.run(request.keys.state, this.isReady() ? send : () => this.whenReady(send));
      this.counters.storeChecks++;
    } catch (error) {
      this.storeFailed(error);
      outcome = this.insurance.consumeNow(request);
      source = 'insurance';
    }
    const { allowed, remaining, resetMs, retryAfterMs } = outcome;
    if (!allowed) this.overLimit.remember(request.keys.state, request.cost, retryAfterMs, resetMs, remaining);
    return { allowed, limit: resolved.limit, remaining, resetMs, retryAfterMs, source };
  }

  /**
   * Checks several policies of one request and takes their units only if
   * every one admits it: admitted by all, or consuming none. One round trip
   * on a single Redis, and on Cluster when the subjects' keys share a slot;
   * otherwise the slots are checked in turn and refunded on refusal (never
   * admitting more than a policy allows). A subject known in this process to
   * be over its limit refuses the whole request without a round trip.
   */
  consumeAll(checks: readonly RateLimitCheck[]): Promise<RateLimitBatchResult> {
    const telemetry = this.telemetry;
    if (!telemetry) return this.check(checks);
    return telemetry.check(this.config.namespace, Array.isArray(checks) ? checks : [], () => this.check(checks));
  }

  private async check(checks: readonly RateLimitCheck[]): Promise<RateLimitBatchResult> {
    if (!Array.isArray(checks) || checks.length === 0) {
      throw new CacheConfigError('consumeAll', checks, 'a non-empty array of { subject, rule, cost? }');
    }
    const rules: ResolvedRateLimitRule[] = [];
    const requests: RateLimitConsumeRequest[] = [];
    const states = new Set<string>();
    for (const { subject, rule, cost, slot } of checks) {
      const resolved = resolveRateLimitRule(rule);
      const request = consumeRequest(this.keys, subject, resolved, cost, slot);
      // Two checks of one counter in one atomic step would each see the other's units as still free.
      if (states.has(request.keys.state)) {
        throw new CacheConfigError('consumeAll', subject, 'distinct subjects (or algorithms) in one request');
      }
      states.add(request.keys.state);
      rules.push(resolved);
      requests.push(request);
    }

    const known = requests.map(({ keys, cost }) => this.overLimit.check(keys.state, cost));
    if (known.some((refusal) => refusal !== undefined)) {
      this.counters.shortCircuited++;
      const results = rules.map((rule, i): RateLimitResult => {
        const refusal = known[i];
        return refusal ? { allowed: false, limit: rule.limit, ...refusal, source: 'short-circuit' } : unchecked(rule);
      });
      const retryAfterMs = Math.max(...known.map((refusal) => refusal?.retryAfterMs ?? 0));
      return { allowed: false, results, retryAfterMs };
    }

    let verdict: RateLimitBatchVerdict;
    let source: 'store' | 'insurance' = 'store';
    try {
      // Routed by the first policy's key: on Cluster, its master's breaker guards the request.
      const send = () => consumeBatch(this.config.store, requests);
      verdict = await this.breakers.run(requests[0]!.keys.state, this.isReady() ? send : () => this.whenReady(send));
      this.counters.storeChecks++;
    } catch (error) {
      this.storeFailed(error);
      verdict = this.insurance.consumeAllNow(requests);
      source = 'insurance';
    }

    let retryAfterMs = 0;
    const results = rules.map((rule, i): RateLimitResult => {
      const outcome = verdict.outcomes[i];
      if (!outcome) return unchecked(rule);
      if (!outcome.allowed) {
        const { keys, cost } = requests[i]!;
        this.overLimit.remember(keys.state, cost, outcome.retryAfterMs, outcome.resetMs, outcome.remaining);
        retryAfterMs = Math.max(retryAfterMs, outcome.retryAfterMs);
      }
      return { ...outcome, limit: rule.limit, source };
    });
    return { allowed: verdict.allowed, results, retryAfterMs };
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
  async reset(
    subject: string,
    rule: RateLimitRule | ResolvedRateLimitRule,
    options: Pick<ConsumeOptions, 'slot'> = {},
  ): Promise<void> {
    const keys = rateLimitKeys(this.keys, subject, resolveRateLimitRule(rule).algorithm, options.slot);
    this.overLimit.forget(keys.state);
    await this.insurance.reset(keys);
    await this.config.store.reset(keys);
  }

  stats(): RateLimiterStats {
    return { ...this.counters };
  }

  /** True when the store can take commands now (nearly always): a check is then sent as it is. */
  private isReady(): boolean {
    return this.config.isReady?.() ?? true;
  }

  /** Gives a store that is not ready `readyTimeoutMs` to become so, then sends (inside the breaker: a timeout counts). */
  private async whenReady<T>(send: () => Promise<T>): Promise<T> {
    if (!this.isReady()) await this.config.ready?.(this.config.readyTimeoutMs);
    return send();
  }

  /** The store failed a check: counted, then answered by the insurance limiter, or thrown with `failOpen: false`. */
  private storeFailed(error: unknown): void {
    if (!(error instanceof BreakerOpenError)) this.counters.storeErrors++;
    if (!this.config.failOpen) throw new RateLimitUnavailableError({ cause: error });
    this.counters.insured++;
  }
}

function unchecked(rule: ResolvedRateLimitRule): RateLimitResult {
  return { allowed: true, limit: rule.limit, remaining: rule.limit, resetMs: 0, retryAfterMs: 0, source: 'unchecked' };
}
