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
export {
  CACHE_DEFAULTS,
  resolveCacheOptions,
  resolveTtlBounds,
  type ResolvedCacheOptions,
} from './cache/cache-options.js';
export { assertValidKey, assertValidTag, stableHash } from './cache/cache-key.js';
export { assertEntryOptions } from './cache/ttl-policy.js';
export { ENTRY_FORMAT, EntryFlags, decodeEntry } from './cache/entry-codec.js';
export type { Serializer } from './cache/serializer.js';
export { msgpackSerializer, jsonSerializer } from './cache/serializers.js';

// Store
export type { Store, MessageBus, MessageHandler, BusSubscription } from './store/store.js';
export type { EntryStore } from './store/entry.store.js';
export { RedisStore } from './store/redis/redis.store.js';
export { MemoryStore } from './store/memory/memory.store.js';
export { RedisConnection, type RedisInput, type RedisClient, type LuaScript } from './store/redis/redis-connection.js';
export { KeySpace, slotTag, type EntryKeys } from './store/key-space.js';

// Rate limits
export { createRateLimiter, type RateLimiterOptions, type OwnedRateLimiter } from './rate-limit/create-rate-limiter.js';
export {
  RateLimiter,
  type RateLimiterConfig,
  type RateLimiterStats,
  type ConsumeOptions,
} from './rate-limit/rate-limiter.js';
export { resolveRateLimitRule, assertCost, RATE_LIMIT_ALGORITHMS } from './rate-limit/rate-limit-rule.js';
export type {
  RateLimitRule,
  ResolvedRateLimitRule,
  RateLimitResult,
  RateLimitSource,
  RateLimitCheck,
  RateLimitBatchResult,
} from './rate-limit/rate-limit.types.js';
export type {
  RateLimitAlgorithm,
  RateLimitStore,
  RateLimitKeys,
  RateLimitConsumeRequest,
  RateLimitOutcome,
  RateLimitBatchOutcome,
} from './store/rate-limit.store.js';
export { RedisRateLimitStore } from './store/rate-limits/redis-rate-limit.store.js';
export { MemoryRateLimitStore } from './store/memory/memory-rate-limit.store.js';

// Locks
export { LockManager, LOCK_DEFAULTS, type LockManagerOptions } from './lock/lock-manager.js';
export { createLockManager, type CreateLockManagerOptions } from './lock/create-lock-manager.js';
export type { LockContext, LockOptions, LockStats } from './lock/lock.types.js';
export type { LockStore, LockKeys, LockAcquireResult } from './store/lock.store.js';
export { RedisLockStore } from './store/locks/redis-lock.store.js';
export { MemoryLockStore } from './store/memory/memory-lock.store.js';

// Write-behind
export { createWriteBehind, type CreateWriteBehindOptions } from './write-behind/create-write-behind.js';
export { WriteBehind, type WriteBehindSettings } from './write-behind/write-behind.js';
export { WRITE_BEHIND_DEFAULTS, resolveQueueOptions } from './write-behind/write-behind-options.js';
export type {
  WriteBehindQueueOptions,
  ResolvedQueueOptions,
  WriteBehindItem,
  WriteBehindHandler,
  WriteBehindItemHandler,
  WriteBehindBatchHandler,
  WriteBehindAppend,
  WriteBehindQueueStats,
  PendingRead,
  DeadLetterView,
  DeadLetterReplay,
  SupersededDeadLetter,
} from './write-behind/write-behind.types.js';
export type {
  QueueStore,
  QueueKeys,
  QueueEntry,
  QueueAppend,
  DeadLetter,
  PendingValue,
  QueueDepth,
  AppendResult,
} from './store/queue.store.js';
export { RedisQueueStore } from './store/queues/redis-queue.store.js';
export { MemoryQueueStore } from './store/memory/memory-queue.store.js';

// Resilience & telemetry
export { CircuitBreaker, BreakerOpenError, type BreakerState } from './resilience/circuit-breaker.js';
export { NodeBreakers, type BreakerRouter, type NodeBreakersOptions } from './resilience/node-breakers.js';
export { consoleLogger, type CacheLogger } from './telemetry/logger.js';
export {
  resolveTelemetryOptions,
  TELEMETRY_DEFAULTS,
  type TelemetryOptions,
  type ResolvedTelemetryOptions,
  type TracerProviderLike,
  type MeterProviderLike,
  INSTRUMENTATION_SCOPE,
} from './telemetry/open-telemetry/telemetry-options.js';
export {
  CacheEvents,
  type CacheEvent,
  type CacheEventBase,
  type CacheEventMap,
  type CacheEventType,
  type CacheEventListener,
  type CacheEventInput,
} from './telemetry/cache-events.js';

// Operations
export { inspectRedis, warnAboutRedis } from './ops/inspect-redis.js';
export type {
  InspectRedisOptions,
  RedisInspection,
  RedisNodeFacts,
  RedisWarning,
  RedisWarningCode,
} from './ops/redis-inspection.types.js';

// Shared
export {
  toMs,
  toOptionalMs,
  MAX_DURATION_MS,
  MAX_TIMER_MS,
  type Duration,
  type DurationBounds,
  type DurationUnit,
} from './shared/duration.js';
export {
  CachetError,
  CacheConfigError,
  CacheKeyError,
  SerializationError,
  LockTimeoutError,
  LockLostError,
  RateLimitExceededError,
  RateLimitUnavailableError,
  WriteBehindError,
  WriteBehindNotReplicatedError,
  ErrorCodes,
  type ErrorCode,
} from './shared/errors.js';
