import type { CacheStats } from './cache-stats.types.js';
import type { BreakerState } from '../resilience/circuit-breaker.js';
import { CacheEvents, type CacheEventType } from './cache-events.js';

export type CounterName = Exclude<keyof CacheStats, 'namespace' | 'breaker' | 'breakerNodes' | 'busLagMs'>;

/** The event each counter emits; a counter missing here only counts. */
export const COUNTER_EVENTS: Partial<Record<CounterName, CacheEventType>> = {
  hits: 'hit',
  l1Hits: 'l1-hit',
  misses: 'miss',
  staleServes: 'stale',
  loads: 'load',
  loadErrors: 'load-error',
  errors: 'error',
  skippedWrites: 'skipped-write',
  leaseWaits: 'lease-wait',
  wakeUps: 'wake-up',
  takeovers: 'takeover',
  earlyRefreshes: 'early-refresh',
  tagInvalidations: 'tag-invalidation',
};

/** What a call site may add to an increment for event listeners (all optional). */
export interface CounterDetail {
  key?: string;
  durationMs?: number;
  error?: unknown;
  tags?: readonly string[];
  reason?: string;
}

/**
 * Per-namespace counters of one cache instance. Every increment is also an
 * event on `events` (see COUNTER_EVENTS), so one call site feeds both `stats()`
 * and subscribers.
 */
export class CacheCounters {
  private readonly byNamespace = new Map<string, Record<CounterName, number>>();

  constructor(readonly events: CacheEvents = new CacheEvents()) {}

  increment(namespace: string, counter: CounterName, by = 1, detail?: CounterDetail): void {
    this.for(namespace)[counter] += by;
    const type = COUNTER_EVENTS[counter];
    if (type && this.events.has(type)) this.events.emit(type, namespace, { ...detail, count: by });
  }

  /** For the breaker's state-change hook: emits a `breaker` event. */
  breakerChanged(namespace: string, previous: BreakerState, state: BreakerState, node?: string): void {
    this.events.emit('breaker', namespace, node === undefined ? { previous, state } : { previous, state, node });
  }

  snapshot(
    namespace: string,
    breaker: CacheStats['breaker'],
    busLagMs = 0,
    breakerNodes: CacheStats['breakerNodes'] = {},
  ): CacheStats {
    return { namespace, ...this.for(namespace), busLagMs, breaker, breakerNodes };
  }

  namespaces(): string[] {
    return [...this.byNamespace.keys()];
  }

  private for(namespace: string): Record<CounterName, number> {
    let counters = this.byNamespace.get(namespace);
    if (!counters) {
      counters = {
        hits: 0,
        misses: 0,
        staleServes: 0,
        loads: 0,
        loadErrors: 0,
        errors: 0,
        skippedWrites: 0,
        leaseWaits: 0,
        wakeUps: 0,
        takeovers: 0,
        earlyRefreshes: 0,
        tagInvalidations: 0,
        l1Hits: 0,
      };
      this.byNamespace.set(namespace, counters);
    }
    return counters;
  }
}
