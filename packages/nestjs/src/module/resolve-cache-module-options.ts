import { CacheConfigError } from '@cachet/core';
import { optionsObject, resolveCacheOptions, resolveWriteBehindOptions } from '@cachet/core/store';
import { Logger } from '@nestjs/common';
import { resolveRateLimitModuleOptions } from '../rate-limit/rate-limit-module.options.js';
import type { CacheModuleOptions, ResolvedCacheModuleOptions } from './cache-module.options.js';

const KNOWN_OPTIONS = new Set<string>([
  'redis',
  'store',
  'namespace',
  'ttl',
  'maxTtl',
  'serializer',
  'compression',
  'maxValueSize',
  'l1',
  'failOpen',
  'commandTimeout',
  'lock',
  'breaker',
  'rateLimit',
  'writeBehind',
  'logger',
  'telemetry',
]);

/**
 * Module options checked at bootstrap. The rules and defaults are core's (one
 * resolver per engine: cache, rate limiter, write-behind); the module adds
 * only what is its own: unknown keys are refused, so a typo never turns into
 * a silently different cache, and the options are split among the engines.
 */
export function resolveCacheModuleOptions(options: CacheModuleOptions | undefined): ResolvedCacheModuleOptions {
  if (options === null || typeof options !== 'object') {
    throw new CacheConfigError('CacheModule options', options, 'an options object');
  }
  for (const name of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(name)) {
      throw new CacheConfigError(
        name,
        (options as Record<string, unknown>)[name],
        `one of ${[...KNOWN_OPTIONS].join(', ')}`,
      );
    }
  }
  const { store = 'redis', redis, rateLimit, writeBehind, ...cacheOptions } = options;
  // The module opens its store by name; a Store instance belongs to createCache.
  if (store !== 'redis' && store !== 'memory') throw new CacheConfigError('store', store, "'redis' or 'memory'");
  const cache = { ...cacheOptions, logger: options.logger ?? new Logger('Cachet') };
  const core = resolveCacheOptions(cache);

  optionsObject(rateLimit, 'rateLimit');
  // Checked now, so a bad value fails with the rest of the options; the guard resolves them again for itself.
  resolveRateLimitModuleOptions(rateLimit ?? {});

  optionsObject(writeBehind, 'writeBehind');
  const queues = resolveWriteBehindOptions({ ...writeBehind, namespace: core.namespace });

  return {
    store,
    redis: store === 'redis' ? redis : undefined,
    namespace: core.namespace,
    failOpen: core.failOpen,
    commandTimeoutMs: core.commandTimeoutMs,
    cache,
    rateLimit: { ...rateLimit },
    writeBehind: {
      flushIntervalMs: queues.queueDefaults.intervalMs,
      batchSize: queues.queueDefaults.batchSize,
      maxAttempts: queues.queueDefaults.maxAttempts,
      drainTimeoutMs: queues.drainTimeoutMs,
    },
  };
}
