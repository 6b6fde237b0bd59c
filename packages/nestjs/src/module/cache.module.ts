import type { Cache, LockManager } from '@cachet/core';
import type { Store } from '@cachet/core/store';
import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import {
  CACHE_INSTANCE,
  CACHE_LOCK_MANAGER,
  CACHE_MODULE_OPTIONS,
  CACHE_REDIS,
  CACHE_RUNTIME,
  CACHE_STORE,
} from '../cache.constants.js';
import { CacheMetadataAccessor } from '../binding/cache-metadata.accessor.js';
import { CacheExplorer } from '../binding/cache.explorer.js';
import { CacheRuntime } from '../binding/cache.runtime.js';
import { CacheInterceptor } from '../http/cache.interceptor.js';
import { CacheService } from '../service/cache.service.js';
import {
  ConfigurableCacheModule,
  type CacheModuleAsyncOptions,
  type CacheModuleForRootOptions,
} from './cache.module-definition.js';
import { asyncRateLimitProviders, staticRateLimitProviders, withProviders } from './cache-rate-limit.providers.js';
import { cacheCoreProviders } from './cache.providers.js';
import { cacheFeatureModule } from './cache-feature.module.js';
import type { CacheFeatureOptions } from './cache-feature.options.js';
import { linkRootToFeatures } from './cache-root.link.js';
import { cacheMethodKindsProvider } from './cache-method-kinds.js';
import { RateLimitCoverage } from '../rate-limit/rate-limit-coverage.js';
import { CACHE_WRITE_BEHIND } from '../write-behind/write-behind.constants.js';
import { WriteBehindOrchestrator } from '../write-behind/write-behind.orchestrator.js';
import { writeBehindProviders } from '../write-behind/write-behind.providers.js';

/**
 * Cachet for a Nest app: `CacheModule.forRoot({ redis, namespace, ttl, ... })`
 * or `CacheModule.forRootAsync({ imports, inject, useFactory })`, once, in the
 * root module. Global by default; with `isGlobal: false`, modules that use the
 * cache import `CacheModule.forFeature()`. Closes the Redis connection it opened when the app shuts down
 * (a client you passed in stays open).
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    ...cacheCoreProviders,
    cacheMethodKindsProvider,
    CacheMetadataAccessor,
    CacheExplorer,
    RateLimitCoverage,
    CacheService,
    CacheInterceptor,
    ...writeBehindProviders,
  ],
  exports: [
    CacheService,
    CacheInterceptor,
    CacheRuntime,
    CACHE_RUNTIME,
    CACHE_INSTANCE,
    CACHE_STORE,
    CACHE_LOCK_MANAGER,
    CACHE_REDIS,
    CACHE_MODULE_OPTIONS,
    CACHE_WRITE_BEHIND,
    WriteBehindOrchestrator,
  ],
})
export class CacheModule extends ConfigurableCacheModule implements OnApplicationShutdown {
  constructor(
    @Inject(CACHE_INSTANCE) private readonly cache: Cache,
    @Inject(CACHE_LOCK_MANAGER) private readonly locks: LockManager,
    @Inject(CACHE_STORE) private readonly store: Store,
  ) {
    super();
  }

  /** Registers the cache, the binder's runtime, `CacheInterceptor` and rate limiting. */
  static override forRoot(options: CacheModuleForRootOptions): DynamicModule {
    return linkRootToFeatures(withProviders(super.forRoot(options), staticRateLimitProviders(options)));
  }

  /** Like `forRoot`, with options from `useFactory`, `useClass` or `useExisting`. */
  static override forRootAsync(options: CacheModuleAsyncOptions): DynamicModule {
    return linkRootToFeatures(withProviders(super.forRootAsync(options), asyncRateLimitProviders()));
  }

  /**
   * In a feature module: the root's cache, `CacheService`, `CacheInterceptor`,
   * `RateLimitGuard` and engines (the same instances, one connection), and with
   * `namespace`, a view of the cache under it, injected with `@InjectCache(namespace)`.
   */
  static forFeature(options: CacheFeatureOptions = {}): DynamicModule {
    return cacheFeatureModule(options);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.cache.close();
    await this.locks.close();
    // Closes the subscriber the store made, and the Redis client only if the module created it.
    await this.store.close();
  }
}
