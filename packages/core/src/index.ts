/**
 * `@cachet/core`: what an application needs. Store authors and adapters (the
 * Nest module) find the engine's parts in `@cachet/core/store`.
 */

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
export type { Serializer } from './cache/serializer.js';

// Rate limits
export { createRateLimiter, type RateLimiterOptions, type OwnedRateLimiter } from './rate-limit/create-rate-limiter.js';
export type { RateLimiter, RateLimiterStats, ConsumeOptions } from './rate-limit/rate-limiter.js';
export type {
  RateLimitRule,
  RateLimitResult,
  RateLimitSource,
  RateLimitCheck,
  RateLimitBatchResult,
} from './rate-limit/rate-limit.types.js';
export type { RateLimitAlgorithm } from './store/rate-limit.store.js';

// Locks
export { createLockManager, type CreateLockManagerOptions } from './lock/create-lock-manager.js';
export type { LockManager } from './lock/lock-manager.js';
export type { LockContext, LockOptions, LockStats } from './lock/lock.types.js';

// Write-behind
export { createWriteBehind, type CreateWriteBehindOptions } from './write-behind/create-write-behind.js';
export type { WriteBehindEngine } from './write-behind/write-behind.js';
export type {
  WriteBehindQueueOptions,
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

// Redis and operations
export type { RedisInput } from './store/redis/redis-connection.js';
export { inspectRedis, warnAboutRedis } from './ops/inspect-redis.js';
export type {
  InspectRedisOptions,
  RedisInspection,
  RedisNodeFacts,
  RedisWarning,
  RedisWarningCode,
} from './ops/redis-inspection.types.js';

// Telemetry
export type { CacheLogger } from './telemetry/logger.js';
export type {
  TelemetryOptions,
  TracerProviderLike,
  MeterProviderLike,
} from './telemetry/open-telemetry/telemetry-options.js';
export type {
  CacheEvents,
  CacheEvent,
  CacheEventMap,
  CacheEventType,
  CacheEventListener,
} from './telemetry/cache-events.js';

// Durations and errors
export type { Duration, DurationUnit } from './shared/duration.js';
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
export { StoreUnavailableError } from './cache/cache-engine.js';
