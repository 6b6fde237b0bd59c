import { CacheConfigError } from '@cachet/core';
import { isValidName, NAME_RULE } from '@cachet/core/store';
import { CACHE_INSTANCE } from '../cache.constants.js';

/**
 * The injection token of a cache view: the module's cache without a
 * namespace, or the view `CacheModule.forFeature({ namespace })` registers.
 * A string, the same for every caller (`overrideProvider(getCacheToken('users'))`),
 * written to read well in Nest's "can't resolve dependencies" message.
 */
export function getCacheToken(namespace?: string): string | symbol {
  return cacheTokenOf(namespace, 'namespace');
}

/** getCacheToken, with the option a bad namespace is reported under. */
export function cacheTokenOf(namespace: string | undefined, option: string): string | symbol {
  if (namespace === undefined) return CACHE_INSTANCE;
  if (!isValidName(namespace)) throw new CacheConfigError(option, namespace, NAME_RULE);
  return `Cache "${namespace}" (import CacheModule.forFeature({ namespace: '${namespace}' }))`;
}
