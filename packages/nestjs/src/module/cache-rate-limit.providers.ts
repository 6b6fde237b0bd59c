import { Logger, type DynamicModule, type Provider } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { CACHE_MODULE_OPTIONS, CACHE_STORE } from '../cache.constants.js';
import { rateLimitProviders, type RateLimiterSettings } from '../rate-limit/rate-limit.providers.js';
import type { CacheModuleOptions, ResolvedCacheModuleOptions } from './cache-module.options.js';

/** The `rateLimit` options once the module options are known (forRootAsync). */
export const CACHE_RATE_LIMIT_OPTIONS = Symbol('CACHE_RATE_LIMIT_OPTIONS');
/** The limiter's share of the module options (forRootAsync): its keys live under the module's namespace too. */
export const CACHE_RATE_LIMITER_SETTINGS = Symbol('CACHE_RATE_LIMITER_SETTINGS');

/** Rate limiting on the module's connection and namespace, options known up front (`forRoot`). */
export function staticRateLimitProviders(options: CacheModuleOptions): Provider[] {
  return rateLimitProviders(options.rateLimit ?? {}, {
    store: CACHE_STORE,
    limiter: {
      namespace: options.namespace,
      commandTimeout: options.commandTimeout,
      logger: options.logger ?? new Logger('Cachet'),
      telemetry: options.telemetry,
    },
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
      provide: CACHE_RATE_LIMITER_SETTINGS,
      inject: [CACHE_MODULE_OPTIONS],
      useFactory: (options: ResolvedCacheModuleOptions): RateLimiterSettings => ({
        namespace: options.namespace,
        commandTimeout: options.commandTimeoutMs,
        logger: options.cache.logger,
        telemetry: options.cache.telemetry,
      }),
    },
    ...rateLimitProviders(
      {},
      { store: CACHE_STORE, optionsToken: CACHE_RATE_LIMIT_OPTIONS, limiterToken: CACHE_RATE_LIMITER_SETTINGS },
    ),
  ];
}

/** Adds providers to a dynamic module and exports them (all but the APP_ enhancers, which Nest applies app-wide). */
export function withProviders(module: DynamicModule, providers: Provider[]): DynamicModule {
  const tokens = providers
    .map((provider) => (typeof provider === 'function' ? provider : provider.provide))
    .filter((token) => token !== APP_GUARD && token !== APP_INTERCEPTOR);
  return {
    ...module,
    providers: [...(module.providers ?? []), ...providers],
    exports: [...(module.exports ?? []), ...tokens],
  };
}
