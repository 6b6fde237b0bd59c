import { Inject, type InjectionToken, type Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import {
  RateLimiter,
  RedisRateLimitStore,
  MemoryRateLimitStore,
  consoleLogger,
  type BreakerRouter,
  type CacheLogger,
  type RateLimitStore,
  type RedisConnection,
  type Store,
  type TelemetryOptions,
} from '@cachet/core';
import { RATE_LIMIT_OPTIONS, RATE_LIMITER } from './rate-limit.constants.js';
import {
  resolveRateLimitModuleOptions,
  type RateLimitModuleOptions,
  type ResolvedRateLimitModuleOptions,
} from './rate-limit-module.options.js';
import { RateLimitEnforcer } from './rate-limit.enforcer.js';
import { GlobalRateLimitGuard, RateLimitGuard } from './rate-limit.guard.js';
import { RateLimitMethodBinder } from './rate-limit-method.binder.js';

/** Where the limiter keeps its counters, and how the module's other settings reach it. */
export interface RateLimitProviderDeps {
  /** Token of a core `Store` (its `rateLimits` are used) ... */
  store?: InjectionToken;
  /** ... or of a `RedisConnection` (`null` runs in memory). One of the two is required. */
  connection?: InjectionToken;
  /** Token of the options when they are only known at runtime (`forRootAsync`); overrides the `options` argument. */
  optionsToken?: InjectionToken;
  /** Key prefix (the module's namespace). Default 'cachet'. */
  namespace?: string;
  /** Token of the key prefix when it is only known at runtime (`forRootAsync`); overrides `namespace`. */
  namespaceToken?: InjectionToken;
  /** Bounds waiting for a (re)connecting Redis, like the cache's command timeout. Default 250 ms. */
  commandTimeoutMs?: number;
  logger?: CacheLogger;
  /** OpenTelemetry of every check (the module's `telemetry` option) ... */
  telemetry?: TelemetryOptions;
  /** ... or the token of it when it is only known at runtime (`forRootAsync`). */
  telemetryToken?: InjectionToken;
}

/** Stands for a token the caller did not give: injected as `undefined`. */
const NOT_GIVEN = Symbol('NOT_GIVEN');

/**
 * The providers the cache module registers for rate limiting: the limiter
 * (under RATE_LIMITER), the resolved options, the guard, the service-method
 * binder, and, when `global` is set (or options arrive at runtime), the
 * guard under APP_GUARD, which Nest runs before controller and route guards.
 */
export function rateLimitProviders(options: RateLimitModuleOptions = {}, deps: RateLimitProviderDeps): Provider[] {
  const backing = deps.store ?? deps.connection;
  if (backing === undefined) throw new Error('rateLimitProviders needs deps.store or deps.connection');
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
      useFactory: (
        source: Store | RedisConnection | null,
        resolved: ResolvedRateLimitModuleOptions,
        namespace?: string,
        telemetry?: TelemetryOptions,
      ) =>
        createLimiter(source, deps.store !== undefined, resolved, {
          ...deps,
          namespace: namespace ?? deps.namespace,
          telemetry: telemetry ?? deps.telemetry,
        }),
      inject: [
        backing,
        RATE_LIMIT_OPTIONS,
        { token: deps.namespaceToken ?? NOT_GIVEN, optional: true },
        { token: deps.telemetryToken ?? NOT_GIVEN, optional: true },
      ],
    },
    RateLimitEnforcer,
    RateLimitGuard,
    RateLimitMethodBinder,
  ];
  if (deps.optionsToken || (options.global !== undefined && options.global !== false)) {
    providers.push(GlobalRateLimitGuard, { provide: APP_GUARD, useExisting: GlobalRateLimitGuard });
  }
  return providers;
}

/** Injects the module's core `RateLimiter` (for limits checked by hand: `consume`, `reset`). */
export const InjectRateLimiter = (): PropertyDecorator & ParameterDecorator => Inject(RATE_LIMITER);

function createLimiter(
  source: Store | RedisConnection | null,
  isStore: boolean,
  options: ResolvedRateLimitModuleOptions,
  deps: RateLimitProviderDeps,
): RateLimiter {
  const commandTimeoutMs = deps.commandTimeoutMs ?? 250;
  let store: RateLimitStore;
  let isReady: (() => boolean) | undefined;
  let ready: ((ms: number) => Promise<void>) | undefined;
  let router: BreakerRouter | undefined;
  if (source === null) store = new MemoryRateLimitStore();
  else if (isStore) {
    const engine = source as Store;
    store = engine.rateLimits;
    isReady = () => engine.isReady();
    ready = (ms) => engine.ready(ms);
    router = engine.router;
  } else {
    const connection = source as RedisConnection;
    store = new RedisRateLimitStore(connection);
    isReady = () => connection.client.status === 'ready';
    router = connection.router;
  }
  return new RateLimiter({
    store,
    namespace: deps.namespace ?? 'cachet',
    failOpen: options.failOpen,
    overLimitCacheSize: 10_000,
    breaker: { threshold: 5, resetMs: 5_000 },
    router,
    logger: deps.logger ?? consoleLogger,
    isReady,
    ready,
    readyTimeoutMs: commandTimeoutMs,
    telemetry: deps.telemetry,
  });
}
