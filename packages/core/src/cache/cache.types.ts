import type { Duration } from '../shared/duration.js';
import type { RedisInput } from '../store/redis/redis-connection.js';
import type { Store } from '../store/store.js';
import type { CacheEvents } from '../telemetry/cache-events.js';
import type { CacheStats } from '../telemetry/cache-stats.types.js';
import type { CacheLogger } from '../telemetry/logger.js';
import type { TelemetryOptions } from '../telemetry/open-telemetry/telemetry-options.js';
import type { Serializer } from './serializer.js';

/** Counters of one namespace (defined with the counters that fill it). */
export type { CacheStats };

/** Options of `createCache`; the Nest module passes its validated options through. */
export interface CacheOptions {
  /** Where Redis is; required unless `store` is `'memory'` or a Store. */
  redis?: RedisInput;
  /** `'redis'` (default), `'memory'` (in process, for tests), or a Store instance. */
  store?: 'redis' | 'memory' | Store;
  /** Every key starts with `namespace:`. Default `'cachet'`. */
  namespace?: string;
  /** Default TTL. Default `'1h'`. */
  ttl?: Duration;
  /** No entry lives longer than this, sliding included. Default `'7d'`. */
  maxTtl?: Duration;
  serializer?: 'msgpack' | 'json' | Serializer;
  /** Compress serialized values of at least `threshold` bytes; `false` disables. Default `{ threshold: 1024 }`. */
  compression?: false | { threshold: number };
  /** Values larger than this (bytes, after compression) are not cached: one warning, the call still succeeds. Default 1 MiB. */
  maxValueSize?: number;
  /** Redis trouble never fails a cached call (the loader's value is returned). Default `true`. */
  failOpen?: boolean;
  /** Per-command timeout. Default `'250ms'`. */
  commandTimeout?: Duration;
  /** Stampede lease defaults. Default `{ ttl: '10s', wait: '5s' }`. */
  lock?: { ttl?: Duration; wait?: Duration };
  /**
   * In-process tier in front of Redis: a hit costs no round trip. Kept coherent across instances by an
   * invalidation bus on Redis pub/sub. `ttl` bounds how stale a copy can be if a message is lost. Default off.
   */
  l1?: false | { maxEntries?: number; maxBytes?: number; ttl?: Duration };
  /** Circuit breaker: open after `threshold` consecutive failures, probe after `resetAfter`. */
  breaker?: { threshold?: number; resetAfter?: Duration };
  logger?: CacheLogger;
  /** OpenTelemetry spans and metrics (`@opentelemetry/api`, an optional peer). Default off. */
  telemetry?: TelemetryOptions;
}

/** What a caller may say about one entry when writing it. */
export interface SetOptions {
  ttl?: Duration;
  tags?: readonly string[];
  /** 0..1: the TTL is shortened by up to this fraction at random, spreading expiry. */
  jitter?: number;
  /** Each hit resets the TTL; `maxAge` caps the absolute lifetime. */
  sliding?: boolean;
  maxAge?: Duration;
}

export type TtlOption<T> = Duration | ((value: T) => Duration);

/** Options of `getOrSet` / `fetch`: what to store and how to protect the loader. */
export interface GetOrSetOptions<T> extends Omit<SetOptions, 'ttl'> {
  /** A duration, or a function of the loaded value (conditional TTL). */
  ttl?: TtlOption<T>;
  /** Cache `null`/`undefined` results (negative caching), optionally with their own TTL. Default off. */
  cacheNull?: boolean | { ttl: Duration };
  /** `true`: do not store this value (it is still returned). */
  unless?: (value: T) => boolean;
  /** Distributed lease on a miss (stampede protection). Default on. */
  lock?: false | { ttl?: Duration; wait?: Duration };
  /** Probabilistic early refresh (XFetch). Default off. */
  earlyRefresh?: false | { beta?: number };
  /** Serve a stale value this long past expiry while one refresh runs. */
  staleWhileRevalidate?: Duration;
  /** Serve a stale value this long past expiry when the loader throws. */
  staleIfError?: Duration;
  /** Use the in-process tier for this entry (default: on when the cache has `l1`; never for sliding entries). */
  l1?: boolean;
}

/** How a `fetch` was answered. */
export type CacheOutcome = 'hit' | 'miss' | 'stale';

export interface CacheFetchResult<T> {
  value: T;
  outcome: CacheOutcome;
}

export interface ReadOptions {
  /** The entry's tags, when the caller knows them: validation then costs no extra round trip. */
  tags?: readonly string[];
  /** Use the in-process tier (default: on when the cache has `l1`). */
  l1?: boolean;
}

export interface MsetEntry<T = unknown> extends SetOptions {
  key: string;
  value: T;
}

/** The programmatic API. */
export interface Cache {
  readonly namespace: string;
  get<T = unknown>(key: string, options?: ReadOptions): Promise<T | undefined>;
  set<T>(key: string, value: T, options?: SetOptions): Promise<void>;
  getOrSet<T>(key: string, loader: () => Promise<T>, options?: GetOrSetOptions<T>): Promise<T>;
  /** `getOrSet` that also says how it was answered (HIT / MISS / STALE). */
  fetch<T>(key: string, loader: () => Promise<T>, options?: GetOrSetOptions<T>): Promise<CacheFetchResult<T>>;
  delete(...keys: string[]): Promise<void>;
  invalidateTags(...tags: string[]): Promise<void>;
  /** O(1): every entry of `namespace` (default: this one) becomes a miss. */
  clear(namespace?: string): Promise<void>;
  /** SCAN on every master, deletes matching entries; O(keys in the namespace). Returns the count. */
  deleteMatching(pattern: string): Promise<number>;
  mget<T = unknown>(keys: readonly string[], options?: ReadOptions): Promise<Array<T | undefined>>;
  mset(entries: readonly MsetEntry[]): Promise<void>;
  /** Every hit, miss, load (with its duration), stale serve, error and breaker change, as events. */
  readonly events: CacheEvents;
  /** A view of the same store and connection under another namespace. */
  withNamespace(namespace: string): Cache;
  stats(): CacheStats;
  close(): Promise<void>;
}
