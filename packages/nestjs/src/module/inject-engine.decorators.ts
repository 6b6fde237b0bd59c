import { Inject } from '@nestjs/common';
import { CACHE_LOCK_MANAGER, CACHE_MODULE_OPTIONS, CACHE_STORE } from '../cache.constants.js';
import { RATE_LIMITER } from '../rate-limit/rate-limit.constants.js';
import { CACHE_WRITE_BEHIND } from '../write-behind/write-behind.constants.js';
import { getCacheToken } from './cache.token.js';

/**
 * Parameter (or property) decorators for the engines the cache module
 * registers, so an app never names an injection token. `CacheService` covers
 * the usual calls; these give the engines themselves.
 *
 * ```ts
 * constructor(
 *   @InjectRateLimiter() private readonly limiter: RateLimiter,
 *   @InjectLockManager() private readonly locks: LockManager,
 * ) {}
 * ```
 */
type InjectDecorator = () => PropertyDecorator & ParameterDecorator;

/**
 * The module's core `Cache` (`Cache` from `@cachet/core`): the engine behind
 * `CacheService`; with a namespace, the view `CacheModule.forFeature({ namespace })`
 * registers in the injecting module. A bad namespace throws `CacheConfigError`
 * when the class is defined.
 */
export const InjectCache = (namespace?: string): PropertyDecorator & ParameterDecorator =>
  Inject(getCacheToken(namespace));

/** The module's `LockManager` (`withLock`, `stats`), on the module's store and namespace. */
export const InjectLockManager: InjectDecorator = () => Inject(CACHE_LOCK_MANAGER);

/** The module's `RateLimiter`, for limits checked by hand (`consume`, `consumeAll`, `reset`). */
export const InjectRateLimiter: InjectDecorator = () => Inject(RATE_LIMITER);

/** The module's `WriteBehindEngine`: the queues `@WriteBehind` methods append to. */
export const InjectWriteBehind: InjectDecorator = () => Inject(CACHE_WRITE_BEHIND);

/** The store (Redis or memory) under the cache, the locks, the limiter and the queues. */
export const InjectCacheStore: InjectDecorator = () => Inject(CACHE_STORE);

/** The module options, validated and defaulted (`ResolvedCacheModuleOptions`). */
export const InjectCacheModuleOptions: InjectDecorator = () => Inject(CACHE_MODULE_OPTIONS);
