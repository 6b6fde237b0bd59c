import type { CacheStats } from '../cache/cache.types.js';

export type CounterName = Exclude<keyof CacheStats, 'namespace' | 'breaker' | 'busLagMs'>;

/** Per-namespace counters of one cache instance. */
export class CacheCounters {
  private readonly byNamespace = new Map<string, Record<CounterName, number>>();

  increment(namespace: string, counter: CounterName, by = 1): void {
    this.for(namespace)[counter] += by;
  }

  snapshot(namespace: string, breaker: CacheStats['breaker'], busLagMs = 0): CacheStats {
    return { namespace, ...this.for(namespace), busLagMs, breaker };
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
