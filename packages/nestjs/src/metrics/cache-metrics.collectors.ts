import type { Cache, CacheEvent, CacheEvents, CacheStats, RateLimiter } from '@cachet/core';
import type { Registry } from 'prom-client';
import type { WriteBehindOrchestrator } from '../write-behind/write-behind.orchestrator.js';

type PromClient = typeof import('prom-client');

/** `stats()` counters exported as `cachet_cache_<name>_total{namespace}`. */
const CACHE_COUNTERS: Array<[keyof CacheStats, string, string]> = [
  ['hits', 'hits_total', 'Reads answered from Redis'],
  ['l1Hits', 'l1_hits_total', 'Reads answered from the in-process L1 tier'],
  ['misses', 'misses_total', 'Reads that found no usable entry'],
  ['staleServes', 'stale_serves_total', 'Stale values served (stale-while-revalidate, stale-if-error)'],
  ['loads', 'loads_total', 'Loader runs that resolved'],
  ['loadErrors', 'load_errors_total', 'Loader runs that threw'],
  ['errors', 'errors_total', 'Redis commands that failed or were skipped by the breaker'],
  ['skippedWrites', 'skipped_writes_total', 'Values not cached (unserializable, oversize, unless)'],
  ['leaseWaits', 'lease_waits_total', 'Callers that waited for another instance to load'],
  ['wakeUps', 'wake_ups_total', 'Waiters woken by the value landing'],
  ['takeovers', 'takeovers_total', 'Loads taken over after a holder lease expired'],
  ['earlyRefreshes', 'early_refreshes_total', 'Probabilistic early refreshes (XFetch)'],
  ['tagInvalidations', 'tag_invalidations_total', 'Tags invalidated'],
];

export interface CollectorSources {
  cache: Cache;
  writeBehind: WriteBehindOrchestrator;
  rateLimiter: RateLimiter | undefined;
}

/**
 * Registers Cachet's metrics on `registry`. Counters read at scrape time from
 * the figures the engine keeps (so nothing is counted twice and nothing runs
 * per call); per-method figures and load durations come from the event stream.
 * Returns a function that unsubscribes from the events.
 */
export function registerCacheCollectors(prom: PromClient, registry: Registry, sources: CollectorSources): () => void {
  const { cache, writeBehind, rateLimiter } = sources;
  const registers = [registry];

  for (const [field, suffix, help] of CACHE_COUNTERS) {
    let reported = 0;
    new prom.Counter({
      name: `cachet_cache_${suffix}`,
      help,
      labelNames: ['namespace'],
      registers,
      collect() {
        const value = Number(cache.stats()[field] ?? 0);
        // Counters only go up: add what happened since the last scrape.
        if (value > reported) this.inc({ namespace: cache.namespace }, value - reported);
        reported = Math.max(reported, value);
      },
    });
  }
  new prom.Gauge({
    name: 'cachet_cache_breaker_open',
    help: '1 while the circuit breaker skips Redis (open or half-open), 0 when closed',
    labelNames: ['namespace'],
    registers,
    collect() {
      this.set({ namespace: cache.namespace }, cache.stats().breaker === 'closed' ? 0 : 1);
    },
  });

  registerWriteBehind(prom, registers, writeBehind);
  if (rateLimiter) registerRateLimiter(prom, registers, rateLimiter);
  return registerEvents(prom, registers, (cache as { events?: CacheEvents }).events);
}

function registerWriteBehind(prom: PromClient, registers: Registry[], writeBehind: WriteBehindOrchestrator): void {
  const labelNames = ['queue'];
  const queueStats = () => Promise.all(writeBehind.queueNames.map((queue) => writeBehind.stats(queue)));
  new prom.Gauge({
    name: 'cachet_write_behind_depth',
    help: 'Writes appended and not yet persisted or dead-lettered (all instances)',
    labelNames,
    registers,
    async collect() {
      for (const stats of await queueStats().catch(() => [])) this.set({ queue: stats.queue }, stats.depth);
    },
  });
  new prom.Gauge({
    name: 'cachet_write_behind_oldest_pending_seconds',
    help: 'Age of the oldest unpersisted write (0 when the queue is empty)',
    labelNames,
    registers,
    async collect() {
      for (const stats of await queueStats().catch(() => [])) {
        this.set({ queue: stats.queue }, (stats.oldestPendingAgeMs ?? 0) / 1000);
      }
    },
  });
  new prom.Gauge({
    name: 'cachet_write_behind_dead_letters',
    help: 'Writes that failed maxAttempts times, waiting to be replayed or purged',
    labelNames,
    registers,
    async collect() {
      for (const stats of await queueStats().catch(() => [])) this.set({ queue: stats.queue }, stats.deadLetters);
    },
  });
  for (const field of ['flushed', 'retried', 'deadLettered'] as const) {
    const reported = new Map<string, number>();
    new prom.Counter({
      name: `cachet_write_behind_${field === 'deadLettered' ? 'dead_lettered' : field}_total`,
      help: `Writes ${field === 'deadLettered' ? 'moved to the dead-letter stream' : field} by this instance`,
      labelNames,
      registers,
      async collect() {
        for (const stats of await queueStats().catch(() => [])) {
          const previous = reported.get(stats.queue) ?? 0;
          if (stats[field] > previous) this.inc({ queue: stats.queue }, stats[field] - previous);
          reported.set(stats.queue, Math.max(previous, stats[field]));
        }
      },
    });
  }
}

function registerRateLimiter(prom: PromClient, registers: Registry[], limiter: RateLimiter): void {
  const fields = [
    ['storeChecks', 'store_checks_total', 'Rate-limit checks answered by Redis'],
    ['shortCircuited', 'short_circuited_total', 'Refusals answered in process (subject known to be over its limit)'],
    ['insured', 'insured_total', 'Checks answered by the in-process insurance limiter while Redis was unreachable'],
    ['storeErrors', 'store_errors_total', 'Rate-limit store failures'],
  ] as const;
  for (const [field, suffix, help] of fields) {
    let reported = 0;
    new prom.Counter({
      name: `cachet_rate_limit_${suffix}`,
      help,
      registers,
      collect() {
        const value = limiter.stats()[field];
        if (value > reported) this.inc(value - reported);
        reported = Math.max(reported, value);
      },
    });
  }
}

/** The method a default key names (`Class.method:hash`), so the label stays bounded by the code. */
export function methodOfKey(key: string | undefined): string {
  const match = key ? /^([A-Za-z_$][\w$]*\.[A-Za-z_$][\w$]*):/.exec(key) : null;
  return match ? match[1]! : '';
}

function registerEvents(prom: PromClient, registers: Registry[], events: CacheEvents | undefined): () => void {
  if (!events) return () => undefined;
  const requests = new prom.Counter({
    name: 'cachet_cache_method_requests_total',
    help: 'Cached calls by decorated method and result (hit, l1-hit, miss, stale)',
    labelNames: ['namespace', 'method', 'result'],
    registers,
  });
  const loadDuration = new prom.Histogram({
    name: 'cachet_cache_load_duration_seconds',
    help: 'Loader (source) duration on a miss',
    labelNames: ['namespace', 'method'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const onRequest = (event: CacheEvent) =>
    requests.inc({ namespace: event.namespace, method: methodOfKey(event.key), result: event.type }, event.count);
  const stops = [
    events.on('hit', onRequest),
    events.on('l1-hit', onRequest),
    events.on('miss', onRequest),
    events.on('stale', onRequest),
    events.on('load', (event) => {
      if (event.durationMs === undefined) return;
      loadDuration.observe({ namespace: event.namespace, method: methodOfKey(event.key) }, event.durationMs / 1000);
    }),
  ];
  return () => stops.forEach((stop) => stop());
}
