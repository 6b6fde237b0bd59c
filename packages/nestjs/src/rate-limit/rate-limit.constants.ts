/** Metadata keys written by `@RateLimit` and `@SkipRateLimit` (one typed value each). */
export const RATE_LIMIT_POLICIES = Symbol('cachet:rate-limit:policies');
export const RATE_LIMIT_SKIP = Symbol('cachet:rate-limit:skip');

/** The core `RateLimiter` the module registers; `@InjectRateLimiter()` spares users the token. */
export const RATE_LIMITER = Symbol('RateLimiter (import CacheModule.forRoot)');

/** The validated rate-limit options (`ResolvedRateLimitModuleOptions`). */
export const RATE_LIMIT_OPTIONS = Symbol('RateLimitModuleOptions');
