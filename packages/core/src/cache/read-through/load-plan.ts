import type { CacheEngine } from '../cache-engine.js';
import type { GetOrSetOptions } from '../cache.types.js';
import { toMs } from '../../shared/duration.js';
import type { ReadTrace } from '../../telemetry/open-telemetry/read-trace.js';

/** A loader call as the read-through path sees it, with its options resolved to ms. */
export interface LoadPlan<T> {
  key: string;
  loader: () => Promise<T>;
  options: GetOrSetOptions<T>;
  tags: readonly string[];
  leaseTtlMs: number;
  waitMs: number;
  swrMs: number;
  sieMs: number;
  /** Nothing about this call needs the server clock or a script on a hit (nor an L1 fill): try a plain MGET first. */
  peekFirst: boolean;
  /** The read's OpenTelemetry span, when telemetry is on: loads and lease waits report under it. */
  trace?: ReadTrace;
}

/** Resolves a getOrSet call's options to a plan (durations checked and in ms). */
export function planLoad<T>(
  engine: CacheEngine,
  key: string,
  loader: () => Promise<T>,
  options: GetOrSetOptions<T>,
): LoadPlan<T> {
  const lock = options.lock === false ? undefined : options.lock;
  return {
    key,
    loader,
    options,
    tags: options.tags ?? [],
    leaseTtlMs: lock?.ttl === undefined ? engine.options.lockTtlMs : toMs(lock.ttl, 'lock.ttl'),
    waitMs:
      options.lock === false
        ? 0
        : lock?.wait === undefined
          ? engine.options.lockWaitMs
          : toMs(lock.wait, 'lock.wait', { allowZero: true }),
    swrMs: options.staleWhileRevalidate === undefined ? 0 : toMs(options.staleWhileRevalidate, 'staleWhileRevalidate'),
    sieMs: options.staleIfError === undefined ? 0 : toMs(options.staleIfError, 'staleIfError'),
    peekFirst:
      !engine.fillsL1(options.l1) &&
      !options.sliding &&
      !options.earlyRefresh &&
      options.staleWhileRevalidate === undefined &&
      options.staleIfError === undefined,
    trace: undefined,
  };
}

/**
 * How long a load's fence claim lasts between keep-alive ticks: a few ticks
 * of slack, and never so short that a busy event loop lets it lapse (a
 * lapsed claim only drops the load's write, never lets it through).
 */
export function fenceHoldMs(plan: Pick<LoadPlan<unknown>, 'leaseTtlMs'>): number {
  return Math.max(2 * plan.leaseTtlMs, 5_000);
}
