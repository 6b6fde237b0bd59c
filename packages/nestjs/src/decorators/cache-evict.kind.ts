import type { CacheMethodKind, MethodInvocation } from '../binding/cache-method-kind.js';
import { CACHE_EVICT_METADATA, type CacheEvictOptions } from './cache-evict.decorator.js';
import { DecoratorOptions, resolveStrings, scopedCache } from './decorator-options.js';
import type { Cache } from '@cachet/core';
import { assertValidKey } from '@cachet/core/store';

type Options = CacheEvictOptions<unknown[]>;

/**
 * `@CacheEvict`: after the method succeeds (or before it runs, with
 * `beforeInvocation`), delete keys, invalidate tags, or clear the namespace.
 * An eviction that fails rejects the call: a write whose stale entries may
 * still be served must not look like a clean success.
 */
export const cacheEvictKind: CacheMethodKind<Options> = {
  decorator: '@CacheEvict',
  metadataKey: CACHE_EVICT_METADATA,

  validate(options, site) {
    const check = new DecoratorOptions('@CacheEvict', site, options)
      .known(['keys', 'tags', 'allEntries', 'beforeInvocation', 'namespace'])
      .stringsOrFunction('keys')
      .stringsOrFunction('tags')
      .boolean('allEntries')
      .boolean('beforeInvocation')
      .namespace();
    if (options.keys === undefined && options.tags === undefined && !options.allEntries) {
      check.fail('keys', undefined, 'at least one of keys, tags or allEntries: true');
    }
  },

  compile(options, _binding, { cache }) {
    const target = scopedCache(cache, options.namespace);
    if (options.beforeInvocation) {
      return async (invocation, proceed) => {
        await evict(target, options, invocation);
        return proceed();
      };
    }
    return async (invocation, proceed) => {
      const result = await proceed();
      await evict(target, options, invocation);
      return result;
    };
  },
};

async function evict(cache: Cache, options: Options, invocation: MethodInvocation): Promise<void> {
  const keys = resolveStrings(options.keys, invocation, 'keys');
  keys.forEach((key) => assertValidKey(key));
  const tags = resolveStrings(options.tags, invocation, 'tags');
  await Promise.all([
    keys.length > 0 ? cache.delete(...keys) : undefined,
    tags.length > 0 ? cache.invalidateTags(...tags) : undefined,
    options.allEntries ? cache.clear() : undefined,
  ]);
}
