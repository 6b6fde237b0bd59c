import type { ConfigurableModuleAsyncOptions, Provider } from '@nestjs/common';
import type { CacheOptions as CachetCacheOptions } from '@cachet/core';

/**
 * `CacheModule.register(options)` of the drop-in. `ttl` is in milliseconds, as in `@nestjs/cache-manager`.
 * Without `redis` the cache is in process (that package's default); with it, every Cachet option applies
 * (`namespace`, `maxTtl`, `l1`, `failOpen`, ...).
 */
export interface CacheModuleOptions extends Omit<CachetCacheOptions, 'ttl' | 'store'> {
  /** Default time to live, in milliseconds. Default one hour. */
  ttl?: number;
  /** Register the module globally. */
  isGlobal?: boolean;
  /**
   * Keyv stores are not supported: pass `redis` (a URL, ioredis options or client) instead. Listed only so
   * that a configuration still naming it is refused with that advice rather than silently ignored.
   */
  stores?: unknown;
}

/** What a `useClass` / `useExisting` provider of `registerAsync` implements. */
export interface CacheOptionsFactory {
  createCacheOptions(): CacheModuleOptions | Promise<CacheModuleOptions>;
}

/** `CacheModule.registerAsync(options)`: `imports`, `inject`, `useFactory` | `useClass` | `useExisting`. */
export interface CacheModuleAsyncOptions extends ConfigurableModuleAsyncOptions<
  CacheModuleOptions,
  'createCacheOptions'
> {
  /** Providers registered in the module's scope, e.g. what a `useClass` factory injects. */
  extraProviders?: Provider[];
  /** Register the module globally. */
  isGlobal?: boolean;
}
