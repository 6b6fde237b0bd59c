import { createCache, RedisConnection, RedisStore, type Cache, type RedisClient } from '@cachet/core';
import type { Provider } from '@nestjs/common';
import {
  CACHE_INSTANCE,
  CACHE_MODULE_OPTIONS,
  CACHE_REDIS,
  CACHE_REDIS_CONNECTION,
  CACHE_RUNTIME,
} from '../cache.constants.js';
import { CacheRuntime } from '../binding/cache.runtime.js';
import type { CacheModuleOptions, ResolvedCacheModuleOptions } from './cache-module.options.js';
import { CACHE_MODULE_RAW_OPTIONS } from './cache.module-definition.js';
import { resolveCacheModuleOptions } from './resolve-cache-module-options.js';

/** The engine's providers: options, connection, client, cache and the binder's runtime. */
export const cacheCoreProviders: Provider[] = [
  {
    provide: CACHE_MODULE_OPTIONS,
    inject: [CACHE_MODULE_RAW_OPTIONS],
    useFactory: (options: CacheModuleOptions) => resolveCacheModuleOptions(options),
  },
  {
    provide: CACHE_REDIS_CONNECTION,
    inject: [CACHE_MODULE_OPTIONS],
    useFactory: (options: ResolvedCacheModuleOptions): RedisConnection | null =>
      options.store === 'memory'
        ? null
        : RedisConnection.from(options.redis!, { commandTimeoutMs: options.commandTimeoutMs }),
  },
  {
    provide: CACHE_REDIS,
    inject: [CACHE_REDIS_CONNECTION],
    useFactory: (connection: RedisConnection | null): RedisClient | null => connection?.client ?? null,
  },
  {
    provide: CACHE_INSTANCE,
    inject: [CACHE_MODULE_OPTIONS, CACHE_REDIS_CONNECTION],
    useFactory: (options: ResolvedCacheModuleOptions, connection: RedisConnection | null): Cache =>
      // The store runs on the module's connection; the module, not the cache, closes it.
      createCache({ ...options.cache, store: connection ? new RedisStore(connection) : 'memory' }),
  },
  CacheRuntime,
  { provide: CACHE_RUNTIME, useExisting: CacheRuntime },
];
