import { CacheConfigError } from '@cachet/core';
import { optionsObject } from '@cachet/core/store';
import { cacheTokenOf } from './cache.token.js';

/** `CacheModule.forFeature(options)`. */
export interface CacheFeatureOptions {
  /**
   * Registers a view of the root's cache under `<root namespace>:<namespace>`,
   * injectable in this module with `@InjectCache(namespace)` (the same keys as
   * `@Cacheable({ namespace })` and `CacheService.withNamespace(namespace)`).
   */
  namespace?: string;
}

const KNOWN_OPTIONS = new Set<string>(['namespace']);

/** forFeature's options, checked when the module is declared. */
export function resolveCacheFeatureOptions(options: CacheFeatureOptions | undefined): CacheFeatureOptions {
  optionsObject(options, 'CacheModule.forFeature options');
  for (const name of Object.keys(options ?? {})) {
    if (!KNOWN_OPTIONS.has(name)) {
      throw new CacheConfigError(
        `forFeature.${name}`,
        (options as Record<string, unknown>)[name],
        `one of ${[...KNOWN_OPTIONS].join(', ')}`,
      );
    }
  }
  const namespace = options?.namespace;
  cacheTokenOf(namespace, 'forFeature.namespace');
  return { namespace };
}
