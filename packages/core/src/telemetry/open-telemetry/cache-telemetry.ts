import type { Attributes, BatchObservableCallback, Histogram, Observable } from '@opentelemetry/api';
import type { CacheCounters } from '../cache-stats.js';
import type { CacheStats } from '../cache-stats.types.js';
import { ReadTrace, type ReadOutcomeName, type ReadTelemetry } from './read-trace.js';
import type { ResolvedTelemetryOptions } from './telemetry-options.js';
import { inSpan, openTelemetry, secondsSince, type OpenTelemetry } from './tracing.js';

/** Which API call a read span stands for. */
export type ReadOperation = 'get' | 'getOrSet';

/** `stats()` counters reported as OpenTelemetry counters `cachet.cache.<name>{cachet.namespace}`. */
const STATS_COUNTERS: Array<[Exclude<keyof CacheStats, 'namespace' | 'breaker' | 'breakerNodes'>, string, string]> = [
  ['hits', 'hits', 'Reads answered from Redis or the L1 tier'],
  ['l1Hits', 'l1_hits', 'Reads answered from the in-process L1 tier'],
  ['misses', 'misses', 'Reads that found no usable entry'],
  ['staleServes', 'stale_serves', 'Stale values served (stale-while-revalidate, stale-if-error)'],
  ['loads', 'loads', 'Loader runs that resolved'],
  ['loadErrors', 'load_errors', 'Loader runs that threw'],
  ['errors', 'errors', 'Redis commands that failed or were skipped by the breaker'],
  ['skippedWrites', 'skipped_writes', 'Values not cached (unserializable, oversize, unless)'],
  ['leaseWaits', 'lease_waits', 'Callers that waited for another instance to load'],
  ['wakeUps', 'wake_ups', 'Waiters woken by the value landing'],
  ['takeovers', 'takeovers', 'Loads taken over after a holder lease expired'],
  ['earlyRefreshes', 'early_refreshes', 'Probabilistic early refreshes (XFetch)'],
  ['tagInvalidations', 'tag_invalidations', 'Tags invalidated'],
];

/**
 * OpenTelemetry for one cache: a span per read (`cachet.cache.read`) with its
 * loads (`cachet.cache.load`) and lease waits (`cachet.cache.lease_wait`) as
 * children, request and duration metrics recorded as they happen, and the
 * `stats()` counters observed at collection time (nothing per call). Exists
 * only while telemetry is on.
 */
export class CacheTelemetry implements ReadTelemetry {
  readonly readDuration: Histogram;
  readonly loadDuration: Histogram;
  readonly leaseWaitDuration: Histogram;
  private readonly stopObserving: () => void;

  private constructor(
    readonly otel: OpenTelemetry,
    counters: CacheCounters,
    breaker: () => CacheStats['breaker'],
  ) {
    const { meter } = otel;
    // One histogram per step, as OpenTelemetry's semantic conventions do: its count is the number of reads.
    this.readDuration = meter.createHistogram('cachet.cache.read.duration', {
      description: 'Cache reads by operation and outcome (hit, l1-hit, miss, stale, error): duration, loads included',
      unit: 's',
    });
    this.loadDuration = meter.createHistogram('cachet.cache.load.duration', {
      description: 'Loader (source) duration, by outcome (ok, error)',
      unit: 's',
    });
    this.leaseWaitDuration = meter.createHistogram('cachet.cache.lease_wait.duration', {
      description: 'Time spent waiting for another instance holding the lease to load',
      unit: 's',
    });
    this.stopObserving = observeStats(otel, counters, breaker);
  }

  /** Telemetry of an engine's cache, or `undefined` when telemetry is off. */
  static create(
    options: ResolvedTelemetryOptions | undefined,
    counters: CacheCounters,
    breaker: () => CacheStats['breaker'],
  ): CacheTelemetry | undefined {
    return options ? new CacheTelemetry(openTelemetry(options), counters, breaker) : undefined;
  }

  /**
   * Runs one read in its span. `outcomeOf` names what the result was (the
   * trace says when the L1 tier answered); a throw is the outcome `error`.
   */
  read<T>(
    operation: ReadOperation,
    namespace: string,
    key: string,
    run: (trace?: ReadTrace) => Promise<T>,
    outcomeOf: (result: T) => Exclude<ReadOutcomeName, 'l1-hit'>,
  ): Promise<T> {
    if (!this.otel.active()) return run();
    return this.traced(operation, namespace, key, run, outcomeOf);
  }

  private async traced<T>(
    operation: ReadOperation,
    namespace: string,
    key: string,
    run: (trace: ReadTrace) => Promise<T>,
    outcomeOf: (result: T) => Exclude<ReadOutcomeName, 'l1-hit'>,
  ): Promise<T> {
    const started = performance.now();
    let outcome: ReadOutcomeName | 'error' = 'error';
    try {
      return await inSpan(
        this.otel,
        'cachet.cache.read',
        { ...this.attributes(namespace, key), 'cachet.operation': operation },
        async (span, spanContext) => {
          const trace = new ReadTrace(this, namespace, key, spanContext);
          const result = await run(trace);
          outcome = trace.fromL1 ? 'l1-hit' : outcomeOf(result);
          span.setAttribute('cachet.outcome', outcome);
          return result;
        },
      );
    } finally {
      const attributes = { 'cachet.namespace': namespace, 'cachet.operation': operation, 'cachet.outcome': outcome };
      this.readDuration.record(secondsSince(started), attributes);
    }
  }

  /** Span attributes naming a key's namespace, and the key itself only when `recordKeys` is on. */
  attributes(namespace: string, key: string): Attributes {
    return this.otel.recordKeys
      ? { 'cachet.namespace': namespace, 'cachet.key': key }
      : { 'cachet.namespace': namespace };
  }

  close(): void {
    this.stopObserving();
  }
}

/** Registers the `stats()` counters (and the breaker state) as observed instruments; returns the unregister. */
function observeStats(otel: OpenTelemetry, counters: CacheCounters, breaker: () => CacheStats['breaker']): () => void {
  const { meter } = otel;
  const observed = STATS_COUNTERS.map(
    ([field, name, description]) =>
      [field, meter.createObservableCounter(`cachet.cache.${name}`, { description, unit: '{event}' })] as const,
  );
  const breakerOpen = meter.createObservableGauge('cachet.cache.breaker.open', {
    description: '1 while the circuit breaker skips Redis (open or half-open), 0 when closed',
  });
  const callback: BatchObservableCallback = (result) => {
    const state = breaker();
    for (const namespace of counters.namespaces()) {
      const stats = counters.snapshot(namespace, state);
      const attributes = { 'cachet.namespace': namespace };
      for (const [field, instrument] of observed) result.observe(instrument, stats[field], attributes);
      result.observe(breakerOpen, state === 'closed' ? 0 : 1, attributes);
    }
  };
  const instruments: Observable[] = [...observed.map(([, instrument]) => instrument), breakerOpen];
  meter.addBatchObservableCallback(callback, instruments);
  return () => meter.removeBatchObservableCallback(callback, instruments);
}
