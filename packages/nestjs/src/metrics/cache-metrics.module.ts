import type { Cache, RateLimiter } from '@cachet/core';
import {
  Controller,
  Get,
  Inject,
  Module,
  Optional,
  Res,
  type DynamicModule,
  type OnApplicationShutdown,
  type Type,
} from '@nestjs/common';
import type { Registry } from 'prom-client';
import { CACHE_INSTANCE } from '../cache.constants.js';
import { RATE_LIMITER } from '../rate-limit/rate-limit.constants.js';
import { WriteBehindOrchestrator } from '../write-behind/write-behind.orchestrator.js';
import { registerCacheCollectors } from './cache-metrics.collectors.js';
import { CacheMetrics } from './cache-metrics.js';

export interface CacheMetricsModuleOptions {
  /** Route serving the metrics; `false` serves none (inject `CacheMetrics` instead). Default `'metrics'`. */
  path?: string | false;
  /** A prom-client registry to add Cachet's metrics to (e.g. prom-client's global `register`). Default: a new one. */
  registry?: Registry;
  /** Also collect Node's process metrics (`collectDefaultMetrics`) into the registry. Default false. */
  defaultMetrics?: boolean;
}

interface ReplyLike {
  header?(name: string, value: string): unknown;
  setHeader?(name: string, value: string): unknown;
}

/**
 * Prometheus metrics for Cachet: `cachet_cache_*{namespace}`,
 * `cachet_cache_method_requests_total{namespace,method,result}`,
 * `cachet_cache_load_duration_seconds`, `cachet_write_behind_*{queue}` and
 * `cachet_rate_limit_*`. Needs `prom-client` (an optional peer dependency,
 * loaded only when this module is imported) and `CacheModule`.
 *
 * ```ts
 * imports: [CacheModule.forRoot({ redis }), CacheMetricsModule.forRoot({ path: 'metrics' })]
 * ```
 */
@Module({})
export class CacheMetricsModule implements OnApplicationShutdown {
  constructor(private readonly metrics: CacheMetrics) {}

  static forRoot(options: CacheMetricsModuleOptions = {}): DynamicModule {
    const path = options.path ?? 'metrics';
    return {
      module: CacheMetricsModule,
      providers: [
        {
          provide: CacheMetrics,
          inject: [CACHE_INSTANCE, WriteBehindOrchestrator, { token: RATE_LIMITER, optional: true }],
          useFactory: async (cache: Cache, writeBehind: WriteBehindOrchestrator, rateLimiter?: RateLimiter) => {
            const prom = await loadPromClient();
            const registry = options.registry ?? new prom.Registry();
            if (options.defaultMetrics) prom.collectDefaultMetrics({ register: registry });
            const unsubscribe = registerCacheCollectors(prom, registry, { cache, writeBehind, rateLimiter });
            return new CacheMetrics(registry, unsubscribe);
          },
        },
      ],
      controllers: path === false ? [] : [metricsController(path)],
      exports: [CacheMetrics],
    };
  }

  onApplicationShutdown(): void {
    this.metrics.close();
  }
}

/** A controller class per module instance: two apps in one process may serve different paths. */
function metricsController(path: string): Type {
  @Controller(path)
  class CacheMetricsController {
    constructor(@Optional() @Inject(CacheMetrics) private readonly metrics: CacheMetrics) {}

    @Get()
    async scrape(@Res({ passthrough: true }) reply: ReplyLike): Promise<string> {
      const contentType = this.metrics.contentType;
      if (typeof reply.header === 'function') reply.header('Content-Type', contentType);
      else reply.setHeader?.('Content-Type', contentType);
      return this.metrics.metrics();
    }
  }
  return CacheMetricsController;
}

async function loadPromClient(): Promise<typeof import('prom-client')> {
  try {
    // The published build is CommonJS, where require() is the loader every test runner supports
    // (Jest without --experimental-vm-modules refuses a dynamic import() there); sources run as ESM.
    if (typeof require === 'function') {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return require('prom-client') as typeof import('prom-client');
    }
    return await import('prom-client');
  } catch (error) {
    throw new Error(
      'CacheMetricsModule needs prom-client: npm install prom-client (an optional peer dependency of @cachet/nestjs)',
      { cause: error },
    );
  }
}
