import type { Serializer } from '../cache/serializer.js';
import { resolveSerializer } from '../cache/serializers.js';
import { MAX_TIMER_MS, toMs, type Duration } from '../shared/duration.js';
import { CacheConfigError } from '../shared/errors.js';
import { MemoryQueueStore } from '../store/memory/memory-queue.store.js';
import type { QueueStore } from '../store/queue.store.js';
import { RedisConnection, type RedisInput } from '../store/redis/redis-connection.js';
import { RedisQueueStore } from '../store/queues/redis-queue.store.js';
import { consoleLogger, type CacheLogger } from '../telemetry/logger.js';
import { resolveTelemetryOptions, type TelemetryOptions } from '../telemetry/open-telemetry/telemetry-options.js';
import { WriteBehind } from './write-behind.js';
import type { WriteBehindQueueOptions } from './write-behind.types.js';

export interface CreateWriteBehindOptions extends WriteBehindQueueOptions {
  /** A URL, ioredis options, `{ cluster }`, `{ sentinels, name }`, or a client you own (never closed for you). */
  redis?: RedisInput;
  /** `'redis'` (default), `'memory'` (not durable: for tests), or a store whose `queues` to use. */
  store?: 'redis' | 'memory' | { queues: QueueStore };
  /** Key prefix: queues live at `<namespace>:wb:{<hash of queue>}:<queue>:*`. Default `'cachet'`. */
  namespace?: string;
  /** How recorded arguments and values are stored. Default `'msgpack'` (Date, Map, Set, BigInt, Buffer survive). */
  serializer?: 'msgpack' | 'json' | Serializer;
  logger?: CacheLogger;
  /** Longest `close()` spends flushing what is queued. Default `'10s'`. */
  drainTimeout?: Duration;
  /** Per-command timeout of a connection opened here. Default `'2s'`. */
  commandTimeout?: Duration;
  /** Shorthand for `batch.interval`. */
  flushInterval?: Duration;
  /** Shorthand for `batch.size`. */
  batchSize?: number;
  /** OpenTelemetry spans and metrics of every flush (`@opentelemetry/api`, an optional peer). Default off. */
  telemetry?: TelemetryOptions;
}

/**
 * Durable write-behind outside a Nest module: register a persister per queue,
 * `start()`, `append(...)` from the write path, `close()` on shutdown.
 */
export function createWriteBehind(options: CreateWriteBehindOptions = {}): WriteBehind {
  const {
    redis,
    store,
    namespace,
    serializer,
    logger,
    drainTimeout,
    commandTimeout,
    flushInterval,
    batchSize,
    telemetry,
    ...queueDefaults
  } = options;
  const defaults: WriteBehindQueueOptions = {
    ...queueDefaults,
    batch: { size: batchSize, interval: flushInterval, ...queueDefaults.batch },
  };
  const settings = {
    namespace: namespace ?? 'cachet',
    serializer: resolveSerializer(serializer).serializer,
    logger: logger ?? consoleLogger,
    defaults,
    drainTimeoutMs: toMs(drainTimeout ?? '10s', 'writeBehind.drainTimeout', { allowZero: true, max: MAX_TIMER_MS }),
    telemetry: resolveTelemetryOptions(telemetry),
  };
  const kind = store ?? 'redis';
  if (typeof kind === 'object') return new WriteBehind(kind.queues, settings);
  if (kind === 'memory') return new WriteBehind(new MemoryQueueStore(), settings);
  if (kind !== 'redis') throw new CacheConfigError('store', kind, "'redis', 'memory' or a store with `queues`");
  if (redis === undefined) {
    throw new CacheConfigError('redis', undefined, "a Redis URL, options or client (or store: 'memory')");
  }
  const connection = RedisConnection.from(redis, {
    commandTimeoutMs: toMs(commandTimeout ?? '2s', 'commandTimeout', { max: MAX_TIMER_MS }),
  });
  return new WriteBehind(new RedisQueueStore(connection), settings, connection);
}
