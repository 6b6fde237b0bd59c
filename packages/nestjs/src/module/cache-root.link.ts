import { Module, type DynamicModule, type InjectionToken } from '@nestjs/common';
import {
  CACHE_INSTANCE,
  CACHE_LOCK_MANAGER,
  CACHE_MODULE_OPTIONS,
  CACHE_REDIS,
  CACHE_RUNTIME,
  CACHE_STORE,
} from '../cache.constants.js';
import { CacheRuntime } from '../binding/cache.runtime.js';
import { CacheInterceptor } from '../http/cache.interceptor.js';
import { RATE_LIMIT_OPTIONS, RATE_LIMITER } from '../rate-limit/rate-limit.constants.js';
import { RateLimitEnforcer } from '../rate-limit/rate-limit.enforcer.js';
import { RateLimitGuard } from '../rate-limit/rate-limit.guard.js';
import { CacheService } from '../service/cache.service.js';
import { CACHE_WRITE_BEHIND } from '../write-behind/write-behind.constants.js';

/**
 * What `CacheModule.forFeature()` makes injectable in its module: the root's
 * own instances, never copies, so a feature shares the root's connection and
 * engines. `WriteBehindOrchestrator` is left out: Nest runs lifecycle hooks
 * once per provider of each module, and the orchestrator's (start flushing,
 * drain on shutdown) must run once; features reach queues through
 * `CacheService` and `@InjectWriteBehind()`.
 */
export const SHARED_WITH_FEATURES: readonly InjectionToken[] = [
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
  RATE_LIMITER,
  RATE_LIMIT_OPTIONS,
  RateLimitEnforcer,
  RateLimitGuard,
];

/** The root module's shared instances, by token (hook-free, so it can sit in any module). */
export class CacheRootInstances {
  private readonly byToken: ReadonlyMap<InjectionToken, unknown>;

  constructor(instances: readonly unknown[]) {
    this.byToken = new Map(SHARED_WITH_FEATURES.map((token, index) => [token, instances[index]]));
  }

  get(token: InjectionToken): unknown {
    return this.byToken.get(token);
  }
}

/** The one token the root makes visible app-wide, whatever `isGlobal` says; only forFeature reads it. */
export const CACHE_ROOT = Symbol('CacheModule root instances');

/** Holds CACHE_ROOT; global, so a feature module finds the root without being told where it is. */
@Module({})
export class CacheRootLinkModule {}

/**
 * Adds to the root module the global link forFeature reads: a module that
 * imports the root (seeing its exports, global or not) and exports only
 * CACHE_ROOT. The root imports it, so it is part of every app that imports
 * the root; the two import each other, which Nest resolves by reference.
 */
export function linkRootToFeatures(root: DynamicModule): DynamicModule {
  const linked: DynamicModule = { ...root };
  const link: DynamicModule = {
    module: CacheRootLinkModule,
    global: true,
    imports: [linked],
    providers: [
      {
        provide: CACHE_ROOT,
        inject: [...SHARED_WITH_FEATURES],
        useFactory: (...instances: unknown[]) => new CacheRootInstances(instances),
      },
    ],
    exports: [CACHE_ROOT],
  };
  linked.imports = [...(root.imports ?? []), link];
  return linked;
}
