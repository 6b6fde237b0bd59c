import type { CacheModuleOptions } from '@cachet/nestjs';
import type { DemoConfig } from '../config/demo-config.js';

/** The demo's `CacheModule` settings, from its config (tests pass their own). */
export function cacheOptions(config: DemoConfig): CacheModuleOptions {
  return {
    ...(config.store === 'redis' ? { store: 'redis', redis: config.redisUrl } : { store: 'memory' }),
    namespace: config.namespace,
    ttl: '10m',
    maxTtl: '1d',
    lock: { ttl: '5s', wait: '2s' },
    // Activity events are flushed from their Redis stream every 500 ms, up to 100 per INSERT.
    writeBehind: { flushInterval: '500ms', batchSize: 100, maxAttempts: 5 },
    rateLimit: {
      // Every route, per client address; registered as a global guard, so it runs before any route guard.
      global: {
        name: 'global',
        algorithm: 'sliding-window',
        limit: config.globalRateLimit.limit,
        window: config.globalRateLimit.window,
      },
    },
  };
}
