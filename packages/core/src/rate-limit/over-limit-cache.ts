/**
 * Process-local memory of subjects known to be over their limit, so repeated
 * requests from a flooding client are refused without a Redis round trip
 * until their retry time. Sound because quota only ever comes back with time:
 * whatever other instances do meanwhile can only make a refusal last longer,
 * never shorter, and a request costing less than the refused one still goes
 * to Redis. Bounded: the oldest entry makes room for a new one. Timings use
 * the local monotonic clock as durations only, never as shared timestamps.
 */
export class OverLimitCache {
  private readonly refusals = new Map<string, { until: number; resetAt: number; cost: number; remaining: number }>();

  constructor(
    private readonly maxEntries: number,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  get size(): number {
    return this.refusals.size;
  }

  /** The refusal still standing for this subject and cost, if any (ms values relative to now). */
  check(key: string, cost: number): { retryAfterMs: number; resetMs: number; remaining: number } | undefined {
    // Nobody refused lately (the usual case): no key to hash.
    if (this.refusals.size === 0) return undefined;
    const refusal = this.refusals.get(key);
    if (!refusal) return undefined;
    const now = this.clock();
    if (refusal.until <= now) {
      this.refusals.delete(key);
      return undefined;
    }
    if (cost < refusal.cost) return undefined;
    return {
      retryAfterMs: Math.ceil(refusal.until - now),
      resetMs: Math.max(Math.ceil(refusal.resetAt - now), 0),
      remaining: refusal.remaining,
    };
  }

  remember(key: string, cost: number, retryAfterMs: number, resetMs: number, remaining: number): void {
    if (this.maxEntries <= 0 || retryAfterMs <= 0) return;
    this.refusals.delete(key);
    if (this.refusals.size >= this.maxEntries) this.refusals.delete(this.refusals.keys().next().value!);
    const now = this.clock();
    this.refusals.set(key, { until: now + retryAfterMs, resetAt: now + resetMs, cost, remaining });
  }

  forget(key: string): void {
    this.refusals.delete(key);
  }
}
