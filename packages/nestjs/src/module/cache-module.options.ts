import type { CacheLogger, CacheOptions, Duration, RedisInput, TelemetryOptions } from '@cachet/core';
import type { RateLimitModuleOptions } from '../rate-limit/rate-limit-module.options.js';

/** Options of the rate limiter the module registers (see the rate-limiting guide). */
export type CacheModuleRateLimitOptions = RateLimitModuleOptions;

/** Options of the write-behind flusher. */
export interface CacheModuleWriteBehindOptions {
  flushInterval?: Duration;
  batchSize?: number;
  maxAttempts?: number;
  /** How long shutdown waits for queues to drain. Default `'10s'`. */
  drainTimeout?: Duration;
}

/** `CacheModule.forRoot(options)`; every field is optional except `redis` with the Redis store. */
export interface CacheModuleOptions {
  /** A URL, ioredis options, `{ cluster, options? }`, `{ sentinels, name }`, or a Redis/Cluster you own (never closed by the module). */
  redis?: RedisInput;
  /** `'redis'` (default) or `'memory'` (everything in process: unit tests, local runs without Redis). */
  store?: 'redis' | 'memory';
  /** Every key starts with `namespace:`. Default `'cachet'`. */
  namespace?: string;
  /** Default TTL. Default `'1h'`. */
  ttl?: Duration;
  /** No entry lives longer, sliding included. Default `'7d'`. */
  maxTtl?: Duration;
  serializer?: CacheOptions['serializer'];
  compression?: CacheOptions['compression'];
  maxValueSize?: number;
  /** In-process tier in front of Redis, kept coherent across instances by Redis pub/sub. Default `false`. */
  l1?: CacheOptions['l1'];
  /** Redis trouble never fails a cached call. Default `true`. */
  failOpen?: boolean;
  /** Per-command timeout. Default `'250ms'`. */
  commandTimeout?: Duration;
  /** Stampede lease defaults. Default `{ ttl: '10s', wait: '5s' }`. */
  lock?: { ttl?: Duration; wait?: Duration };
  breaker?: CacheOptions['breaker'];
  rateLimit?: CacheModuleRateLimitOptions;
  writeBehind?: CacheModuleWriteBehindOptions;
  /** Where Cachet logs; default: Nest's `Logger` under the context `Cachet`. */
  logger?: CacheLogger;
  /**
   * OpenTelemetry spans and metrics of the cache, rate limits and write-behind
   * (`@opentelemetry/api`, an optional peer). Default off; see docs/observability.md.
   */
  telemetry?: TelemetryOptions;
}

/** The module options after `resolveCacheModuleOptions`: defaults merged, every value checked. */
export interface ResolvedCacheModuleOptions {
  readonly store: 'redis' | 'memory';
  readonly redis: RedisInput | undefined;
  readonly namespace: string;
  readonly failOpen: boolean;
  readonly commandTimeoutMs: number;
  /** Exactly what the engine (`createCache`) receives, minus the store. */
  readonly cache: Omit<CacheOptions, 'store' | 'redis'>;
  readonly rateLimit: CacheModuleRateLimitOptions;
  readonly writeBehind: {
    readonly flushIntervalMs: number;
    readonly batchSize: number;
    readonly maxAttempts: number;
    readonly drainTimeoutMs: number;
  };
}
