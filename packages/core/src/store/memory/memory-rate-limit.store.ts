import type { RateLimitAlgorithmStep, StoredState } from '../rate-limits/algorithm.js';
import { fixedWindowStep } from '../rate-limits/fixed-window.algorithm.js';
import { slidingLogStep } from '../rate-limits/sliding-log.algorithm.js';
import { slidingWindowStep } from '../rate-limits/sliding-window.algorithm.js';
import { tokenBucketStep } from '../rate-limits/token-bucket.algorithm.js';
import type {
  RateLimitAlgorithm,
  RateLimitBatchOutcome,
  RateLimitConsumeRequest,
  RateLimitKeys,
  RateLimitOutcome,
  RateLimitStore,
} from '../rate-limit.store.js';

const STEPS: Record<RateLimitAlgorithm, RateLimitAlgorithmStep<unknown>> = {
  'fixed-window': fixedWindowStep as RateLimitAlgorithmStep<unknown>,
  'sliding-window': slidingWindowStep as RateLimitAlgorithmStep<unknown>,
  'sliding-log': slidingLogStep as RateLimitAlgorithmStep<unknown>,
  'token-bucket': tokenBucketStep as RateLimitAlgorithmStep<unknown>,
};

/** Wall clock in whole microseconds. */
export function microsecondClock(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

/**
 * Rate limits in process: users' unit tests, `store: 'memory'`, and the
 * insurance limiter that answers while Redis is unreachable. Same arithmetic
 * as the Lua scripts. Expired subjects are swept as writes go by, so memory
 * stays bounded by the subjects active within one window; no timers.
 */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly slots = new Map<string, { value: unknown; expiresAtUs: number }>();
  private writesSinceSweep = 0;

  /** @param clock microseconds; tests pass a fake one */
  constructor(private readonly clock: () => number = microsecondClock) {}

  /** Subjects currently held (expired ones may linger until the next sweep). */
  get size(): number {
    return this.slots.size;
  }

  async consume(request: RateLimitConsumeRequest): Promise<RateLimitOutcome> {
    return this.consumeNow(request);
  }

  /** Synchronous consume, for callers that must not yield (the insurance path). */
  consumeNow(request: RateLimitConsumeRequest): RateLimitOutcome {
    return this.consumeAllNow([request]).outcomes[0]!;
  }

  async consumeAll(requests: readonly RateLimitConsumeRequest[]): Promise<RateLimitBatchOutcome> {
    return this.consumeAllNow(requests);
  }

  /** Synchronous batch: every request decided on one clock reading, units taken only if all admit. */
  consumeAllNow(requests: readonly RateLimitConsumeRequest[]): RateLimitBatchOutcome {
    const nowUs = this.clock();
    const decisions = requests.map((request) => {
      const blockedFor = this.ttlMs(request.keys.block, nowUs);
      if (blockedFor > 0) return { blockedFor };
      return { decision: STEPS[request.algorithm](this.read(request.keys.state, nowUs), nowUs, request) };
    });
    const allowed = decisions.every(({ decision }) => decision?.allowed === true);
    const outcomes = requests.map((request, i): RateLimitOutcome => {
      const { blockedFor, decision } = decisions[i]!;
      if (!decision) return { allowed: false, remaining: 0, resetMs: blockedFor!, retryAfterMs: blockedFor! };
      if (decision.allowed) {
        if (!allowed) return { allowed: true, retryAfterMs: 0, ...decision.idle! };
        if (decision.next) this.write(request.keys.state, decision.next.value, decision.next.ttlMs, nowUs);
        return { allowed: true, remaining: decision.remaining, resetMs: decision.resetMs, retryAfterMs: 0 };
      }
      let { resetMs, retryAfterMs } = decision;
      if (request.blockMs > 0) {
        retryAfterMs = Math.max(retryAfterMs, request.blockMs);
        resetMs = Math.max(resetMs, retryAfterMs);
        this.write(request.keys.block, 1, retryAfterMs, nowUs);
      }
      return { allowed: false, remaining: Math.max(decision.remaining, 0), resetMs, retryAfterMs };
    });
    return { allowed, outcomes };
  }

  async reset(keys: RateLimitKeys): Promise<void> {
    this.slots.delete(keys.state);
    this.slots.delete(keys.block);
  }

  clear(): void {
    this.slots.clear();
  }

  private read(key: string, nowUs: number): StoredState<unknown> | undefined {
    const slot = this.slots.get(key);
    if (!slot) return undefined;
    if (slot.expiresAtUs <= nowUs) {
      this.slots.delete(key);
      return undefined;
    }
    return { value: slot.value, ttlMs: (slot.expiresAtUs - nowUs) / 1000 };
  }

  private ttlMs(key: string, nowUs: number): number {
    const stored = this.read(key, nowUs);
    return stored ? Math.ceil(stored.ttlMs) : 0;
  }

  private write(key: string, value: unknown, ttlMs: number, nowUs: number): void {
    this.slots.set(key, { value, expiresAtUs: nowUs + ttlMs * 1000 });
    if (++this.writesSinceSweep >= 1000) this.sweep(nowUs);
  }

  private sweep(nowUs: number): void {
    this.writesSinceSweep = 0;
    for (const [key, slot] of this.slots) if (slot.expiresAtUs <= nowUs) this.slots.delete(key);
  }
}
