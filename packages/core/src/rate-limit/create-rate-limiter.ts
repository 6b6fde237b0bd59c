import { MAX_TIMER_MS, toMs, type Duration } from '../shared/duration.js';
import { CacheConfigError } from '../shared/errors.js';
import { MemoryStore } from '../store/memory/memory.store.js';
import type { RedisInput } from '../store/redis/redis-connection.js';
import { RedisStore } from '../store/redis/redis.store.js';
import type { Store } from '../store/store.js';
import { consoleLogger, type CacheLogger } from '../telemetry/logger.js';
import type { TelemetryOptions } from '../telemetry/open-telemetry/telemetry-options.js';
import { RateLimiter } from './rate-limiter.js';

export interface RateLimiterOptions {
  /** Where to connect (URL, ioredis options, { cluster }, { sentinels, name }, or a client you keep owning). */
  redis?: RedisInput;
  /** 'redis' (default), 'memory', or a Store you already have (e.g. the cache's). */
  store?: 'redis' | 'memory' | Store;
  /** Every key starts with `<namespace>:rl:` (default 'cachet'). */
  namespace?: string;
  /** Redis trouble: admit through the in-process insurance limiter (default true) or throw. */
  failOpen?: boolean;
  commandTimeout?: Duration;
  /** Subjects remembered as over their limit, to refuse them without a round trip (default 10 000; 0 disables). */
  overLimitCacheSize?: number;
  breaker?: { threshold?: number; resetAfter?: Duration };
  logger?: CacheLogger;
  /** OpenTelemetry spans and metrics of every check (`@opentelemetry/api`, an optional peer). Default off. */
  telemetry?: TelemetryOptions;
}

/** A limiter and the means to close what it opened. */
export interface OwnedRateLimiter extends RateLimiter {
  close(): Promise<void>;
}

/**
 * Creates a rate limiter outside Nest.
 *
 * ```ts
 * const limiter = createRateLimiter({ redis: 'redis://localhost:6379', namespace: 'api' });
 * const result = await limiter.consume(`login:${ip}`, { limit: 5, window: '1m', algorithm: 'sliding-log' });
 * if (!result.allowed) reply.header('Retry-After', Math.ceil(result.retryAfterMs / 1000)).code(429);
 * ```
 */
export function createRateLimiter(options: RateLimiterOptions = {}): OwnedRateLimiter {
  const commandTimeoutMs = toMs(options.commandTimeout ?? '250ms', 'commandTimeout', { max: MAX_TIMER_MS });
  const { store, owned } = openStore(options, commandTimeoutMs);
  const overLimitCacheSize = options.overLimitCacheSize ?? 10_000;
  if (!Number.isInteger(overLimitCacheSize) || overLimitCacheSize < 0) {
    throw new CacheConfigError('overLimitCacheSize', overLimitCacheSize, 'a non-negative integer');
  }
  const threshold = options.breaker?.threshold ?? 5;
  if (!Number.isInteger(threshold) || threshold < 1) {
    throw new CacheConfigError('breaker.threshold', threshold, 'a positive integer');
  }
  const limiter = new RateLimiter({
    store: store.rateLimits,
    namespace: options.namespace ?? 'cachet',
    failOpen: options.failOpen ?? true,
    overLimitCacheSize,
    breaker: { threshold, resetMs: toMs(options.breaker?.resetAfter ?? '5s', 'breaker.resetAfter') },
    router: store.router,
    logger: options.logger ?? consoleLogger,
    isReady: () => store.isReady(),
    ready: (timeoutMs) => store.ready(timeoutMs),
    readyTimeoutMs: commandTimeoutMs,
    telemetry: options.telemetry,
  });
  return Object.assign(limiter, { close: () => (owned ? store.close() : Promise.resolve()) });
}

function openStore(options: RateLimiterOptions, commandTimeoutMs: number): { store: Store; owned: boolean } {
  const kind = options.store ?? 'redis';
  if (typeof kind === 'object') return { store: kind, owned: false };
  if (kind === 'memory') return { store: new MemoryStore(), owned: true };
  if (kind !== 'redis') throw new CacheConfigError('store', kind, "'redis', 'memory' or a Store instance");
  if (options.redis === undefined) {
    throw new CacheConfigError('redis', undefined, "a Redis URL, options or client (or store: 'memory')");
  }
  return { store: RedisStore.connect(options.redis, { commandTimeoutMs }), owned: true };
}
