// Cache
export { createCache } from './cache/create-cache.js';
export type {
  Cache,
  CacheOptions,
  CacheFetchResult,
  CacheOutcome,
  CacheStats,
  GetOrSetOptions,
  MsetEntry,
  ReadOptions,
  SetOptions,
  TtlOption,
} from './cache/cache.types.js';
export { CACHE_DEFAULTS } from './cache/cache-options.js';
export { assertValidKey, assertValidTag, stableHash } from './cache/cache-key.js';
export { assertEntryOptions } from './cache/ttl-policy.js';
export { ENTRY_FORMAT, EntryFlags, decodeEntry } from './cache/entry-codec.js';
export type { Serializer } from './cache/serializer.js';
export { msgpackSerializer, jsonSerializer } from './cache/serializers.js';

// Store
export type { Store, MessageBus, MessageHandler } from './store/store.js';
export type { EntryStore } from './store/entry.store.js';
export { RedisStore } from './store/redis.store.js';
export { MemoryStore } from './store/memory.store.js';
export { RedisConnection, type RedisInput, type RedisClient, type LuaScript } from './store/redis-connection.js';
export { KeySpace, type EntryKeys } from './store/key-space.js';

// Resilience & telemetry
export { CircuitBreaker, BreakerOpenError, type BreakerState } from './resilience/circuit-breaker.js';
export { consoleLogger, type CacheLogger } from './telemetry/logger.js';

// Shared
export { toMs, toOptionalMs, type Duration, type DurationUnit } from './shared/duration.js';
export {
  CachetError,
  CacheConfigError,
  CacheKeyError,
  SerializationError,
  LockTimeoutError,
  WriteBehindError,
  ErrorCodes,
  type ErrorCode,
} from './shared/errors.js';
