import { createCache, createLockManager, type Cache, type LockManager } from '@cachet/core';
import { openStore, RedisStore, type RedisClient, type RedisConnection, type Store } from '@cachet/core/store';
import { Logger, type Provider } from '@nestjs/common';
import {
  CACHE_INSTANCE,
  CACHE_LOCK_MANAGER,
  CACHE_MODULE_OPTIONS,
  CACHE_STORE,
  CACHE_REDIS,
  CACHE_REDIS_CONNECTION,
  CACHE_RUNTIME,
} from '../cache.constants.js';
import { CacheRuntime } from '../binding/cache.runtime.js';
import type { CacheModuleOptions, ResolvedCacheModuleOptions } from './cache-module.options.js';
import { CACHE_MODULE_RAW_OPTIONS } from './cache.module-definition.js';
import { resolveCacheModuleOptions } from './resolve-cache-module-options.js';
import { PendingWritesCache } from '../write-behind/pending-writes.cache.js';
import { WriteBehindOrchestrator } from '../write-behind/write-behind.orchestrator.js';

const STARTUP_CONNECT_MS = 3_000;

/**
 * Gives Redis a moment to connect before the app takes traffic, so the first
 * requests are not served around the cache. An unreachable Redis never stops
 * the app from starting (fail-open): one warning, and the cache catches up
 * when Redis answers.
 */
async function connected(connection: RedisConnection): Promise<void> {
  const client = connection.client;
  if (client.status === 'ready') return;
  const ready = new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), STARTUP_CONNECT_MS);
    client.once('ready', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
  if (!(await ready)) {
    new Logger('CacheModule').warn(
      `Redis did not answer within ${STARTUP_CONNECT_MS} ms of startup (status: ${client.status}); ` +
        'starting anyway: cached calls go to their source until Redis is reachable.',
    );
  }
}

/** The engine's providers: options, connection, client, cache and the binder's runtime. */
export const cacheCoreProviders: Provider[] = [
  {
    provide: CACHE_MODULE_OPTIONS,
    inject: [CACHE_MODULE_RAW_OPTIONS],
    useFactory: (options: CacheModuleOptions) => resolveCacheModuleOptions(options),
  },
  {
    provide: CACHE_STORE,
    inject: [CACHE_MODULE_OPTIONS],
    // Opened as createCache opens one; the module, not the cache, closes it.
    useFactory: async (options: ResolvedCacheModuleOptions): Promise<Store> => {
      const { store } = openStore<Store>(options, {
        commandTimeoutMs: options.commandTimeoutMs,
        logger: options.cache.logger,
      });
      if (store instanceof RedisStore) await connected(store.connection);
      return store;
    },
  },
  {
    provide: CACHE_REDIS_CONNECTION,
    inject: [CACHE_STORE],
    useFactory: (store: Store): RedisConnection | null => (store instanceof RedisStore ? store.connection : null),
  },
  {
    provide: CACHE_REDIS,
    inject: [CACHE_REDIS_CONNECTION],
    useFactory: (connection: RedisConnection | null): RedisClient | null => connection?.client ?? null,
  },
  {
    provide: CACHE_INSTANCE,
    inject: [CACHE_MODULE_OPTIONS, CACHE_STORE, WriteBehindOrchestrator],
    // Reads see write-behind writes the flusher has not persisted yet (a no-op without @WriteBehind).
    useFactory: (options: ResolvedCacheModuleOptions, store: Store, writeBehind: WriteBehindOrchestrator): Cache =>
      new PendingWritesCache(createCache({ ...options.cache, store }), writeBehind),
  },
  {
    provide: CACHE_LOCK_MANAGER,
    inject: [CACHE_MODULE_OPTIONS, CACHE_STORE],
    useFactory: (options: ResolvedCacheModuleOptions, store: Store): LockManager =>
      createLockManager({
        store,
        namespace: options.namespace,
        ttl: options.cache.lock?.ttl,
        wait: options.cache.lock?.wait,
        logger: options.cache.logger,
      }),
  },
  CacheRuntime,
  { provide: CACHE_RUNTIME, useExisting: CacheRuntime },
];
