import { Module, type DynamicModule } from '@nestjs/common';
import { Cache, createCacheManager } from './cache-manager.cache.js';
import { CACHE_MANAGER } from './cache-manager.constants.js';
import { CACHE_MODULE_OPTIONS, ConfigurableCacheManagerModule } from './cache-manager.module-definition.js';
import type { CacheModuleAsyncOptions, CacheModuleOptions } from './cache-manager.options.js';

/**
 * `@nestjs/cache-manager`'s `CacheModule`, on Cachet: `register` / `registerAsync`, `CACHE_MANAGER` and `Cache`
 * injectable, memory unless `redis` is configured.
 */
@Module({
  providers: [
    { provide: CACHE_MANAGER, useFactory: createCacheManager, inject: [CACHE_MODULE_OPTIONS] },
    { provide: Cache, useExisting: CACHE_MANAGER },
  ],
  exports: [CACHE_MANAGER, Cache],
})
export class CacheModule extends ConfigurableCacheManagerModule {
  static override register(options: CacheModuleOptions = {}): DynamicModule {
    return { global: options.isGlobal, ...super.register(options) };
  }

  static override registerAsync(options: CacheModuleAsyncOptions): DynamicModule {
    const definition = super.registerAsync(options);
    return {
      global: options.isGlobal,
      ...definition,
      providers: [...(definition.providers ?? []), ...(options.extraProviders ?? [])],
    };
  }
}
