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
  };
}
