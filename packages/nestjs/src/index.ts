// Module
export { CacheModule } from './module/cache.module.js';
export type {
  CacheModuleOptions,
  CacheModuleRateLimitOptions,
  CacheModuleWriteBehindOptions,
  ResolvedCacheModuleOptions,
} from './module/cache-module.options.js';
export type {
  CacheModuleAsyncOptions,
  CacheModuleForRootOptions,
  CacheOptionsFactory,
} from './module/cache.module-definition.js';
export { resolveCacheModuleOptions } from './module/resolve-cache-module-options.js';
export type { CacheFeatureOptions } from './module/cache-feature.options.js';
export { CacheModuleSetupError } from './module/cache-module-setup.error.js';
export { getCacheToken } from './module/cache.token.js';
export { InjectRedis } from './module/inject-redis.decorator.js';
export {
  InjectCache,
  InjectCacheModuleOptions,
  InjectCacheStore,
  InjectLockManager,
  InjectRateLimiter,
  InjectWriteBehind,
} from './module/inject-engine.decorators.js';
export {
  CACHE_INSTANCE,
  CACHE_LOCK_MANAGER,
  CACHE_MODULE_OPTIONS,
  CACHE_REDIS,
  CACHE_RUNTIME,
  CACHE_STORE,
} from './cache.constants.js';

// Programmatic API
export { CacheService } from './service/cache.service.js';

// Decorators
export { Cacheable, type CacheableOptions } from './decorators/cacheable.decorator.js';
export { CacheEvict, type CacheEvictOptions } from './decorators/cache-evict.decorator.js';
export { WriteThrough, type WriteThroughOptions } from './decorators/write-through.decorator.js';
export { WriteBehind, type WriteBehindOptions } from './write-behind/write-behind.decorator.js';
export { WriteBehindBatch } from './write-behind/write-behind-batch.decorator.js';
export { WriteBehindOrchestrator } from './write-behind/write-behind.orchestrator.js';
export { CACHE_WRITE_BEHIND } from './write-behind/write-behind.constants.js';
export type { WriteBehindItem, DeadLetterView, WriteBehindQueueStats } from '@cachet/core';
export { WriteBehindError, LockTimeoutError } from '@cachet/core';
export type { AsyncMethodOf, CacheMethodDecorator, ValueOrArgsFn } from './decorators/cache-method.decorator.js';

// Binder (for decorator kinds built on it)
export { CacheRuntime } from './binding/cache.runtime.js';
export { CacheBindingError } from './binding/cache-binding.error.js';
export { copyMethodMetadata } from './binding/copy-method-metadata.js';
export type {
  CacheMethodContext,
  CacheMethodKind,
  MethodInterceptor,
  MethodInvocation,
} from './binding/cache-method-kind.js';
export type { MethodBinding } from './binding/method-binding.js';
export type { ClassSite, MethodRole, MethodSite } from './binding/method-site.js';

// HTTP
export { CacheInterceptor } from './http/cache.interceptor.js';
export { HttpCache, type HttpCacheOptions, type HttpCacheRequest } from './http/http-cache.decorator.js';

// Rate limits
export { RateLimit, SkipRateLimit, type RateLimitSkip } from './rate-limit/rate-limit.decorator.js';
export type {
  RateLimitPolicy,
  RateLimitBy,
  RateLimitKey,
  ResolvedRateLimitPolicy,
} from './rate-limit/rate-limit.policy.js';
export type { PerCall } from './rate-limit/rate-limit-call-rule.js';
export type { RateLimitErrorMessage, RateLimitRefusal } from './rate-limit/rate-limit-refusal.js';
export { RateLimitRefusalHeaders } from './rate-limit/rate-limit-refusal.interceptor.js';
export { RateLimitGuard, GlobalRateLimitGuard } from './rate-limit/rate-limit.guard.js';
export { RateLimitEnforcer, type RateLimitVerdict } from './rate-limit/rate-limit.enforcer.js';
export {
  RateLimitExceededException,
  type RateLimitExceededBody,
  type RateLimitExceededDetails,
} from './rate-limit/rate-limit-exceeded.exception.js';
export { RateLimitUnavailableException } from './rate-limit/rate-limit-unavailable.exception.js';
export {
  RateLimitExceededGraphqlError,
  type RateLimitExceededExtensions,
} from './graphql/rate-limit-exceeded.graphql-error.js';
export {
  rateLimitProviders,
  type RateLimitProviderDeps,
  type RateLimiterSettings,
} from './rate-limit/rate-limit.providers.js';
export {
  resolveRateLimitModuleOptions,
  type RateLimitModuleOptions,
  type ResolvedRateLimitModuleOptions,
  type RateLimitHeaders,
} from './rate-limit/rate-limit-module.options.js';
export { ClientAddressResolver, type TrustProxy } from './rate-limit/client-address.js';
export { clientSubnet, type Ipv6Subnet } from './rate-limit/client-subnet.js';
export { RATE_LIMITER, RATE_LIMIT_OPTIONS } from './rate-limit/rate-limit.constants.js';

// Operations
export {
  CacheHealthIndicator,
  type CacheHealthOptions,
  type CacheHealthResult,
} from './health/cache-health.indicator.js';
export { CacheMetricsModule, type CacheMetricsModuleOptions } from './metrics/cache-metrics.module.js';
export { CacheMetrics } from './metrics/cache-metrics.js';
