import { MAX_TIMER_MS, toMs } from '@cachet/core';
import { Logger, type DynamicModule, type Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CACHE_MODULE_OPTIONS, CACHE_STORE } from '../cache.constants.js';
import { rateLimitProviders } from '../rate-limit/rate-limit.providers.js';
import type { CacheModuleOptions, ResolvedCacheModuleOptions } from './cache-module.options.js';

/** The `rateLimit` options once the module options are known (forRootAsync). */
export const CACHE_RATE_LIMIT_OPTIONS = Symbol('CACHE_RATE_LIMIT_OPTIONS');
/** The module's namespace once the module options are known (forRootAsync): rate-limit keys live under it too. */
export const CACHE_RATE_LIMIT_NAMESPACE = Symbol('CACHE_RATE_LIMIT_NAMESPACE');
/** The module's `telemetry` option once the module options are known (forRootAsync). */
export const CACHE_RATE_LIMIT_TELEMETRY = Symbol('CACHE_RATE_LIMIT_TELEMETRY');

/** Rate limiting on the module's connection and namespace, options known up front (`forRoot`). */
export function staticRateLimitProviders(options: CacheModuleOptions): Provider[] {
  return rateLimitProviders(options.rateLimit ?? {}, {
    store: CACHE_STORE,
    namespace: options.namespace,
    commandTimeoutMs: toMs(options.commandTimeout ?? '250ms', 'commandTimeout', { max: MAX_TIMER_MS }),
    logger: new Logger('Cachet'),
    telemetry: options.telemetry,
  });
}

/** Rate limiting whose options arrive with the module options (`forRootAsync`). */
export function asyncRateLimitProviders(): Provider[] {
  return [
    {
      provide: CACHE_RATE_LIMIT_OPTIONS,
      inject: [CACHE_MODULE_OPTIONS],
      useFactory: (options: ResolvedCacheModuleOptions) => options.rateLimit,
    },
    {
      provide: CACHE_RATE_LIMIT_NAMESPACE,
      inject: [CACHE_MODULE_OPTIONS],
      useFactory: (options: ResolvedCacheModuleOptions) => options.namespace,
    },
    {
      provide: CACHE_RATE_LIMIT_TELEMETRY,
      inject: [CACHE_MODULE_OPTIONS],
      useFactory: (options: ResolvedCacheModuleOptions) => options.cache.telemetry,
    },
    ...rateLimitProviders(
      {},
      {
        store: CACHE_STORE,
        optionsToken: CACHE_RATE_LIMIT_OPTIONS,
        namespaceToken: CACHE_RATE_LIMIT_NAMESPACE,
        telemetryToken: CACHE_RATE_LIMIT_TELEMETRY,
        logger: new Logger('Cachet'),
      },
    ),
  ];
}

/** Adds providers to a dynamic module and exports them (all but APP_GUARD, which Nest applies app-wide). */
export function withProviders(module: DynamicModule, providers: Provider[]): DynamicModule {
  const tokens = providers
    .map((provider) => (typeof provider === 'function' ? provider : provider.provide))
    .filter((token) => token !== APP_GUARD);
  return {
    ...module,
    providers: [...(module.providers ?? []), ...providers],
    exports: [...(module.exports ?? []), ...tokens],
  };
}
