import { MAX_TIMER_MS, toMs, toOptionalMs } from '../shared/duration.js';
import { CacheConfigError } from '../shared/errors.js';
import type { GetOrSetOptions } from './cache.types.js';

/** The lifetimes of one write, in ms. */
export interface EntryLifetimes {
  /** Fresh until this much time has passed. */
  logicalTtlMs: number;
  /** Kept in Redis this long (logical + stale window), or the sliding TTL. */
  physicalTtlMs: number;
  /** Absolute cap from now: maxTtl, or maxAge for sliding entries. */
  hardTtlMs: number;
  sliding: boolean;
}

export interface TtlDefaults {
  ttlMs: number;
  maxTtlMs: number;
}

/**
 * Turns an entry's options and its value into lifetimes: conditional TTL,
 * jitter (shortens only, so maxTtl still holds), sliding with maxAge, the
 * stale windows of SWR / stale-if-error, all capped by maxTtl.
 */
export function entryLifetimes<T>(value: T, options: GetOrSetOptions<T>, defaults: TtlDefaults): EntryLifetimes {
  let ttlMs: number;
  if (typeof options.ttl === 'function') ttlMs = toMs(options.ttl(value), 'ttl (returned by the ttl function)');
  else ttlMs = options.ttl === undefined ? defaults.ttlMs : toMs(options.ttl, 'ttl');
  if ((value === null || value === undefined) && typeof options.cacheNull === 'object') {
    ttlMs = toMs(options.cacheNull.ttl, 'cacheNull.ttl');
  }
  if (options.jitter) ttlMs = Math.max(1, Math.round(ttlMs * (1 - Math.random() * options.jitter)));
  ttlMs = Math.min(ttlMs, defaults.maxTtlMs);

  if (options.sliding) {
    const maxAgeMs = Math.min(toOptionalMs(options.maxAge, 'maxAge') ?? defaults.maxTtlMs, defaults.maxTtlMs);
    return { logicalTtlMs: ttlMs, physicalTtlMs: ttlMs, hardTtlMs: maxAgeMs, sliding: true };
  }
  const staleMs = Math.max(
    toOptionalMs(options.staleWhileRevalidate, 'staleWhileRevalidate') ?? 0,
    toOptionalMs(options.staleIfError, 'staleIfError') ?? 0,
  );
  const physicalTtlMs = Math.min(ttlMs + staleMs, defaults.maxTtlMs);
  return { logicalTtlMs: ttlMs, physicalTtlMs, hardTtlMs: physicalTtlMs, sliding: false };
}

/**
 * Checks entry options (decoration time, and every `set`/`getOrSet` call), so
 * a typo fails loudly instead of silently caching with defaults, and no value
 * reaches Redis that it would refuse. The one validator of per-entry options:
 * `set`, `getOrSet`, `mset` and the decorators all call it.
 */
export function assertEntryOptions<T>(options: GetOrSetOptions<T>, where = 'cache options'): void {
  const at = (name: string) => `${where}: ${name}`;
  if (typeof options !== 'object' || options === null) throw new CacheConfigError(where, options, 'an options object');
  if (typeof options.ttl !== 'function' && options.ttl !== undefined) toMs(options.ttl, at('ttl'));
  if (options.tags !== undefined && !Array.isArray(options.tags)) {
    throw new CacheConfigError(at('tags'), options.tags, 'an array of tags');
  }
  for (const flag of ['sliding', 'l1'] as const) {
    if (options[flag] !== undefined && typeof options[flag] !== 'boolean') {
      throw new CacheConfigError(at(flag), options[flag], 'true or false');
    }
  }
  if (
    options.jitter !== undefined &&
    !(typeof options.jitter === 'number' && options.jitter >= 0 && options.jitter <= 1)
  ) {
    throw new CacheConfigError(at('jitter'), options.jitter, 'a number between 0 and 1');
  }
  toOptionalMs(options.maxAge, at('maxAge'));
  toOptionalMs(options.staleWhileRevalidate, at('staleWhileRevalidate'));
  toOptionalMs(options.staleIfError, at('staleIfError'));
  if (options.maxAge !== undefined && !options.sliding) {
    throw new CacheConfigError(at('maxAge'), options.maxAge, 'to be used with sliding: true');
  }
  if (options.sliding && (options.staleWhileRevalidate !== undefined || options.earlyRefresh)) {
    throw new CacheConfigError(
      at('sliding'),
      true,
      'not combined with staleWhileRevalidate or earlyRefresh (a sliding entry never goes stale while used)',
    );
  }
  if (
    options.lock !== undefined &&
    options.lock !== false &&
    (typeof options.lock !== 'object' || options.lock === null)
  ) {
    throw new CacheConfigError(at('lock'), options.lock, 'false or { ttl?, wait? }');
  }
  if (options.lock) {
    toOptionalMs(options.lock.ttl, at('lock.ttl'));
    toOptionalMs(options.lock.wait, at('lock.wait'), { allowZero: true, max: MAX_TIMER_MS });
  }
  const early = options.earlyRefresh;
  if (early !== undefined && early !== false && (typeof early !== 'object' || early === null)) {
    throw new CacheConfigError(at('earlyRefresh'), early, 'false or { beta?: number }');
  }
  if (options.earlyRefresh && options.earlyRefresh.beta !== undefined) {
    const beta = options.earlyRefresh.beta;
    if (!(typeof beta === 'number' && beta > 0))
      throw new CacheConfigError(at('earlyRefresh.beta'), beta, 'a positive number (1 is the usual choice)');
  }
  const cacheNull = options.cacheNull;
  if (
    cacheNull !== undefined &&
    typeof cacheNull !== 'boolean' &&
    (typeof cacheNull !== 'object' || cacheNull === null)
  ) {
    throw new CacheConfigError(at('cacheNull'), cacheNull, 'true, false or { ttl }');
  }
  if (typeof cacheNull === 'object') toMs(cacheNull.ttl, at('cacheNull.ttl'));
  if (options.unless !== undefined && typeof options.unless !== 'function') {
    throw new CacheConfigError(at('unless'), options.unless, 'a function (value) => boolean');
  }
}
