import { CacheConfigError } from '@cachet/core';
import { resolveQueueOptions, type ResolvedQueueOptions } from '@cachet/core/store';
import { CacheBindingError } from '../binding/cache-binding.error.js';
import type { ResolvedCacheModuleOptions } from '../module/cache-module.options.js';
import type { WriteBehindOptions } from './write-behind.decorator.js';

/** The queue options of a `@WriteBehind`, resolved over the module defaults; errors name `Class.method`. */
export function writeBehindQueueOptions(
  options: WriteBehindOptions,
  site: { readonly displayName: string },
  moduleOptions: ResolvedCacheModuleOptions,
): ResolvedQueueOptions {
  const defaults = {
    batch: { size: moduleOptions.writeBehind.batchSize, interval: moduleOptions.writeBehind.flushIntervalMs },
    maxAttempts: moduleOptions.writeBehind.maxAttempts,
  };
  try {
    return resolveQueueOptions(options.queue, options, defaults);
  } catch (error) {
    if (!(error instanceof CacheConfigError)) throw error;
    throw new CacheBindingError(site.displayName, `@WriteBehind ${error.message}`);
  }
}
