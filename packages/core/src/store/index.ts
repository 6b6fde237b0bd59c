/**
 * `@cachet/core/store`: the engine's parts, for store authors (the `Store`
 * port and its sub-ports, the key layout, the Redis connection) and for
 * adapters such as `@cachet/nestjs` (the option resolvers and checks, the
 * engines' constructors, the metadata helpers). Applications use
 * `@cachet/core`; what is here may change in a minor version.
 */

// Store ports and the two backends
export type { Store, MessageBus, MessageHandler, BusSubscription } from './store.js';
export type { EntryStore } from './entry.store.js';
export type { LockStore, LockKeys, LockAcquireResult } from './lock.store.js';
export type {
  QueueStore,
  QueueKeys,
  QueueEntry,
  QueueAppend,
  DeadLetter,
  PendingValue,
  QueueDepth,
  AppendResult,
} from './queue.store.js';
export type {
  RateLimitStore,
  RateLimitKeys,
  RateLimitConsumeRequest,
  RateLimitOutcome,
  RateLimitBatchOutcome,
} from './rate-limit.store.js';
export { KeySpace, slotTag, type EntryKeys } from './key-space.js';
export { openStore, type StoreChoice, type OpenedStore } from './open-store.js';
export { RedisStore } from './redis/redis.store.js';
export { RedisConnection, type RedisClient } from './redis/redis-connection.js';
export type { LuaScript } from './redis/redis-script.js';
export { RedisRateLimitStore } from './rate-limits/redis-rate-limit.store.js';
export { RedisLockStore } from './locks/redis-lock.store.js';
export { RedisQueueStore } from './queues/redis-queue.store.js';
export { MemoryStore } from './memory/memory.store.js';
export { MemoryRateLimitStore } from './memory/memory-rate-limit.store.js';
export { MemoryLockStore } from './memory/memory-lock.store.js';
export { MemoryQueueStore } from './memory/memory-queue.store.js';

// The entry format
export { ENTRY_FORMAT, EntryFlags, decodeEntry } from '../cache/entry-codec.js';
export { msgpackSerializer, jsonSerializer } from '../cache/serializers.js';

// Option resolvers: one per engine, each default and check written once
export {
  CACHE_DEFAULTS,
  resolveCacheOptions,
  resolveTtlBounds,
  type ResolvedCacheOptions,
} from '../cache/cache-options.js';
export {
  RATE_LIMITER_DEFAULTS,
  resolveRateLimiterOptions,
  type ResolvedRateLimiterOptions,
} from '../rate-limit/rate-limiter-options.js';
export { LOCK_DEFAULTS } from '../lock/lock-options.js';
export {
  WRITE_BEHIND_DEFAULTS,
  WRITE_BEHIND_ENGINE_DEFAULTS,
  resolveQueueOptions,
  resolveWriteBehindOptions,
  type ResolvedWriteBehindOptions,
} from '../write-behind/write-behind-options.js';
export type { ResolvedQueueOptions } from '../write-behind/write-behind.types.js';
export { BREAKER_DEFAULTS } from '../resilience/breaker-options.js';
export { DEFAULT_NAMESPACE, NAME_RULE, isValidName, resolveNamespace } from '../shared/namespace.js';
export {
  DEFAULT_COMMAND_TIMEOUT,
  positiveInteger,
  nonNegativeInteger,
  booleanOption,
  optionsObject,
  resolveCommandTimeout,
} from '../shared/option-checks.js';
export { toMs, toOptionalMs, MAX_DURATION_MS, MAX_TIMER_MS, type DurationBounds } from '../shared/duration.js';

// Checks an adapter runs at decoration or call time
export { assertValidKey, assertValidTag, stableHash } from '../cache/cache-key.js';
export { assertEntryOptions } from '../cache/ttl-policy.js';
export { resolveRateLimitRule, assertCost, RATE_LIMIT_ALGORITHMS } from '../rate-limit/rate-limit-rule.js';
export type { ResolvedRateLimitRule } from '../rate-limit/rate-limit.types.js';

// The engines, for building one on a store of your own
export { RateLimiter, type RateLimiterConfig } from '../rate-limit/rate-limiter.js';
export { LockManager, type LockManagerOptions } from '../lock/lock-manager.js';
export { WriteBehindEngine, type WriteBehindSettings } from '../write-behind/write-behind.js';

// Resilience and telemetry
export { CircuitBreaker, BreakerOpenError, type BreakerState } from '../resilience/circuit-breaker.js';
export { NodeBreakers, type BreakerRouter, type NodeBreakersOptions } from '../resilience/node-breakers.js';
export { consoleLogger } from '../telemetry/logger.js';
export {
  resolveTelemetryOptions,
  TELEMETRY_DEFAULTS,
  INSTRUMENTATION_SCOPE,
  type ResolvedTelemetryOptions,
} from '../telemetry/open-telemetry/telemetry-options.js';
export { CacheEvents, type CacheEventBase, type CacheEventInput } from '../telemetry/cache-events.js';
