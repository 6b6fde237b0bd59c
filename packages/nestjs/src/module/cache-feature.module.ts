import type { Cache } from '@cachet/core';
import { Module, type DynamicModule, type FactoryProvider } from '@nestjs/common';
import { CACHE_INSTANCE } from '../cache.constants.js';
import { CacheModuleSetupError } from './cache-module-setup.error.js';
import { resolveCacheFeatureOptions, type CacheFeatureOptions } from './cache-feature.options.js';
import { CACHE_ROOT, SHARED_WITH_FEATURES, type CacheRootInstances } from './cache-root.link.js';
import { getCacheToken } from './cache.token.js';

/** The module `CacheModule.forFeature()` returns (its providers are the root's instances). */
@Module({})
export class CacheFeatureModule {}

/** The root's instances, or the error that says forRoot is missing. */
const FEATURE_ROOT = Symbol('CacheModule.forFeature root');

const rootOrSetupError: FactoryProvider = {
  provide: FEATURE_ROOT,
  inject: [{ token: CACHE_ROOT, optional: true }],
  useFactory: (root: CacheRootInstances | undefined): CacheRootInstances => {
    if (root !== undefined) return root;
    throw new CacheModuleSetupError(
      'CacheModule.forFeature() found no CacheModule in the app: import CacheModule.forRoot({ ... }) ' +
        '(or forRootAsync) once, in the root module, and forFeature() in the modules that use the cache.',
    );
  },
};

/**
 * `CacheModule.forFeature(options)`: the root's cache, `CacheService`,
 * `CacheInterceptor`, `RateLimitGuard`, the decorators' runtime and the
 * engines, injectable in the importing module even with `isGlobal: false`,
 * plus the view `@InjectCache(namespace)` when a namespace is given. Every
 * one is the root's instance: no second store, no second connection.
 */
export function cacheFeatureModule(options?: CacheFeatureOptions): DynamicModule {
  const { namespace } = resolveCacheFeatureOptions(options);
  const shared = SHARED_WITH_FEATURES.map((token): FactoryProvider => ({
    provide: token,
    inject: [FEATURE_ROOT],
    useFactory: (root: CacheRootInstances) => root.get(token),
  }));
  if (namespace !== undefined) {
    shared.push({
      provide: getCacheToken(namespace),
      inject: [CACHE_INSTANCE],
      // The same keys as @Cacheable({ namespace }) and CacheService.withNamespace(namespace).
      useFactory: (cache: Cache): Cache => cache.withNamespace(`${cache.namespace}:${namespace}`),
    });
  }
  return {
    module: CacheFeatureModule,
    providers: [rootOrSetupError, ...shared],
    exports: shared.map((provider) => provider.provide),
  };
}
