/**
 * Injection tokens of the cache module. Symbols, so two copies of the package
 * can never answer for each other by accident; `@InjectRedis()` and
 * `CacheService` spare users from touching them.
 */

/** The validated, defaulted module options (`ResolvedCacheModuleOptions`). */
export const CACHE_MODULE_OPTIONS = Symbol('CACHE_MODULE_OPTIONS');

/** The core `Cache` the module created (the engine behind `CacheService`). */
export const CACHE_INSTANCE = Symbol('CACHE_INSTANCE');

/** The module's `RedisConnection`, or `null` with `store: 'memory'`. */
export const CACHE_REDIS_CONNECTION = Symbol('CACHE_REDIS_CONNECTION');

/** The core `Store` (Redis or memory) under the cache, the locks and the rate limiter. */
export const CACHE_STORE = Symbol('CACHE_STORE');

/** The core `LockManager` behind `CacheService.withLock`. */
export const CACHE_LOCK_MANAGER = Symbol('CACHE_LOCK_MANAGER');

/** The ioredis client (`Redis` or `Cluster`) the module uses, or `null` with `store: 'memory'`. */
export const CACHE_REDIS = Symbol('CACHE_REDIS');

/**
 * The app-scoped runtime that decorated methods reach through DI. Its
 * description reads well in Nest's "can't resolve dependencies" message.
 */
export const CACHE_RUNTIME = Symbol(
  'CacheRuntime (with isGlobal: false, import CacheModule.forFeature() in this module)',
);

/** The decorator kinds (`CacheMethodKind[]`) the scanner and runtime act on; the module hands them in. */
export const CACHE_METHOD_KINDS = Symbol('CACHE_METHOD_KINDS');
