import type { InjectionToken, Provider } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { createRateLimiter, type RateLimiter, type RateLimiterOptions } from '@cachet/core';
import type { Store } from '@cachet/core/store';
import { RATE_LIMIT_OPTIONS, RATE_LIMITER } from './rate-limit.constants.js';
import {
  resolveRateLimitModuleOptions,
  type RateLimitModuleOptions,
  type ResolvedRateLimitModuleOptions,
} from './rate-limit-module.options.js';
import { RateLimitEnforcer } from './rate-limit.enforcer.js';
import { GlobalRateLimitGuard, RateLimitGuard } from './rate-limit.guard.js';
import { RateLimitRefusalHeaders } from './rate-limit-refusal.interceptor.js';

/** The limiter's engine settings, passed to core's `createRateLimiter` as they are (its defaults apply). */
export type RateLimiterSettings = Omit<RateLimiterOptions, 'store' | 'redis' | 'failOpen'>;

/** Where the limiter keeps its counters, and how the module's other settings reach it. */
export interface RateLimitProviderDeps {
  /** Token of a core `Store` (its `rateLimits` are used). */
  store: InjectionToken;
  /** Token of the options when they are only known at runtime (`forRootAsync`); overrides the `options` argument. */
  optionsToken?: InjectionToken;
  /** Namespace, command timeout, logger... (the module's own). */
  limiter?: RateLimiterSettings;
  /** Token of those settings when they are only known at runtime (`forRootAsync`); overrides `limiter`. */
  limiterToken?: InjectionToken;
}

/**
 * The providers the cache module registers for rate limiting: the limiter
 * (under RATE_LIMITER), the resolved options, the guard, the interceptor that
 * puts a refusal's headers on a 429 thrown inside a route, and, when `global` is set (or options arrive at runtime), the
 * guard under APP_GUARD, which Nest runs before controller and route guards.
 */
export function rateLimitProviders(options: RateLimitModuleOptions = {}, deps: RateLimitProviderDeps): Provider[] {
  const optionsProvider: Provider = deps.optionsToken
    ? {
        provide: RATE_LIMIT_OPTIONS,
        useFactory: (runtime: RateLimitModuleOptions | undefined) => resolveRateLimitModuleOptions(runtime ?? {}),
        inject: [deps.optionsToken],
      }
    : { provide: RATE_LIMIT_OPTIONS, useValue: resolveRateLimitModuleOptions(options) };
  const providers: Provider[] = [
    optionsProvider,
    {
      provide: RATE_LIMITER,
      // The limiter core's createRateLimiter builds on the module's store (which the module closes).
      useFactory: (store: Store, resolved: ResolvedRateLimitModuleOptions, settings = deps.limiter): RateLimiter =>
        createRateLimiter({ ...settings, store, failOpen: resolved.failOpen }),
      inject: [deps.store, RATE_LIMIT_OPTIONS, ...(deps.limiterToken ? [deps.limiterToken] : [])],
    },
    RateLimitEnforcer,
    RateLimitGuard,
    // A 429 from a rate-limited method inside a route gets the headers a guard refusal gets.
    { provide: APP_INTERCEPTOR, useClass: RateLimitRefusalHeaders },
  ];
  if (deps.optionsToken || (options.global !== undefined && options.global !== false)) {
    providers.push(GlobalRateLimitGuard, { provide: APP_GUARD, useExisting: GlobalRateLimitGuard });
  }
  return providers;
}
