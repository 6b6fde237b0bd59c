import { CachetError, ErrorCodes } from '../shared/errors.js';
import type { CacheLogger } from '../telemetry/logger.js';
import { failureKind } from './failure-kind.js';

export type BreakerState = 'closed' | 'open' | 'half-open';

/** Raised instead of calling Redis while the breaker is open. */
export class BreakerOpenError extends CachetError {
  readonly code = ErrorCodes.breakerOpen;

  constructor() {
    super('Circuit breaker open: Redis is skipped until a probe succeeds');
  }
}

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the breaker. */
  threshold: number;
  /** How long it stays open before one probe is let through. */
  resetMs: number;
  logger: CacheLogger;
  name: string;
  /** Told of every state change (closed → open, open → closed), for telemetry. */
  onStateChange?: (previous: BreakerState, state: BreakerState) => void;
}

/**
 * Stops sending commands to a Redis that keeps failing, so each call pays at
 * most one command timeout and then nothing at all; one probe at a time
 * decides when it is back. Logs once per state change, never per call.
 */
export class CircuitBreaker {
  private current: BreakerState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private probing = false;

  constructor(private readonly options: CircuitBreakerOptions) {}

  get state(): BreakerState {
    if (this.current === 'open' && Date.now() - this.openedAt >= this.options.resetMs) return 'half-open';
    return this.current;
  }

  /** True when a call may go to Redis now (claims the probe slot when half-open). */
  allow(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'half-open' && !this.probing) {
      this.probing = true;
      return true;
    }
    return false;
  }

  /** Runs `operation` if the breaker allows it, and learns from how it ends. Adds no async frame of its own. */
  run<T>(operation: () => Promise<T>): Promise<T> {
    if (!this.allow()) return Promise.reject(new BreakerOpenError());
    let pending: Promise<T>;
    try {
      pending = operation();
    } catch (error) {
      this.failed(error);
      return Promise.reject(error);
    }
    return pending.then(this.succeeded as (result: T) => T, this.rejected);
  }

  private readonly succeeded = (result: unknown): unknown => {
    this.success();
    return result;
  };

  private readonly rejected = (error: unknown): never => {
    this.failed(error);
    throw error;
  };

  private failed(error: unknown): void {
    // Only unreachable Redis opens the breaker; a refusal of this call's arguments proves Redis is up.
    const kind = failureKind(error);
    if (kind === 'unavailable') this.failure(error);
    else if (kind === 'rejected') this.success();
    else this.probing = false;
  }

  /** An open breaker lets its probe through now rather than after `resetMs` (the topology changed). */
  probeNow(): void {
    if (this.current === 'open') this.openedAt = Date.now() - this.options.resetMs;
  }

  success(): void {
    this.failures = 0;
    this.probing = false;
    if (this.current !== 'closed') {
      const previous = this.current;
      this.current = 'closed';
      this.options.onStateChange?.(previous, 'closed');
      this.options.logger.log(`${this.options.name}: Redis answered again, circuit breaker closed`);
    }
  }

  failure(error: unknown): void {
    this.probing = false;
    this.failures++;
    const reopening = this.current === 'open';
    if (reopening || this.failures >= this.options.threshold) {
      this.openedAt = Date.now();
      if (!reopening) {
        this.current = 'open';
        this.options.onStateChange?.('closed', 'open');
        this.options.logger.warn(
          `${this.options.name}: circuit breaker opened after ${this.failures} consecutive Redis failures ` +
            `(last: ${(error as Error)?.message ?? String(error)}); cached calls go straight to their source ` +
            `and Redis is probed every ${this.options.resetMs} ms`,
        );
      }
    }
  }
}
