/** Counters of one namespace. */
export interface CacheStats {
  namespace: string;
  hits: number;
  misses: number;
  staleServes: number;
  loads: number;
  loadErrors: number;
  errors: number;
  skippedWrites: number;
  leaseWaits: number;
  wakeUps: number;
  takeovers: number;
  earlyRefreshes: number;
  tagInvalidations: number;
  /** Hits answered by the in-process tier (included in `hits`). */
  l1Hits: number;
  /** Invalidation-bus delivery lag, last message, ms (sender to receiver clock). */
  busLagMs: number;
  /**
   * `closed`: Redis is used for every key. `open`: skipped for every key. `half-open`: a probe is due, or
   * (on Cluster, where each master has its own breaker) the keys of some masters are skipped.
   */
  breaker: 'closed' | 'open' | 'half-open';
  /** Cluster masters (`host:port`) whose breaker is not closed; empty when every breaker is closed. */
  breakerNodes?: Record<string, 'open' | 'half-open'>;
}
