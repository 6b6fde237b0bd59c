import { SerializationError } from '@cachet/core';
import type { CacheMethodKind } from '../binding/cache-method-kind.js';
import { DecoratorOptions, resolveKey, resolveStrings, scopedCache } from './decorator-options.js';
import { WRITE_THROUGH_METADATA, type WriteThroughOptions } from './write-through.decorator.js';
import { assertEntryOptions } from '@cachet/core/store';

type Options = WriteThroughOptions<unknown[], unknown>;

/**
 * `@WriteThrough`: the method writes the source of truth; the cache follows
 * only once it succeeded. On failure the entry is evicted (whatever it held may
 * no longer match the source) and the method's own error object is rethrown.
 */
export const writeThroughKind: CacheMethodKind<Options> = {
  decorator: '@WriteThrough',
  metadataKey: WRITE_THROUGH_METADATA,

  validate(options, site) {
    new DecoratorOptions('@WriteThrough', site, options)
      .known(['key', 'ttl', 'tags', 'evictTags', 'namespace'])
      .functionOf('key', "of the method's arguments returning the key, e.g. (id: string) => `user:${id}`", {
        required: true,
      })
      .stringsOrFunction('tags')
      .stringsOrFunction('evictTags')
      .namespace();
    if (typeof options.ttl !== 'function')
      assertEntryOptions({ ttl: options.ttl }, `${site.displayName} @WriteThrough`);
  },

  compile(options, binding, { cache, logger }) {
    const target = scopedCache(cache, options.namespace);
    const { ttl } = options;
    return async (invocation, proceed) => {
      // Keys and tags are worked out before the write: a bad key must not surface after the source changed.
      const key = resolveKey(options.key, invocation);
      const tags = resolveStrings(options.tags, invocation, 'tags');
      const evictTags = resolveStrings(options.evictTags, invocation, 'evictTags');
      let result: unknown;
      try {
        result = await proceed();
      } catch (error) {
        await target.delete(key).catch((evictError: unknown) => {
          logger.error(
            `${binding.displayName}: the write failed and evicting "${key}" failed too: ${String(evictError)}`,
          );
        });
        throw error;
      }
      if (evictTags.length > 0) await target.invalidateTags(...evictTags);
      const entryTtl = typeof ttl === 'function' ? ttl.call(invocation.instance, result, ...invocation.args) : ttl;
      try {
        await target.set(key, result, { ttl: entryTtl, tags });
      } catch (error) {
        if (!(error instanceof SerializationError)) throw error;
        // The write happened; an uncacheable result only means the next read goes to the source.
        logger.warn(`${binding.displayName}: ${error.message}`);
        await target.delete(key);
      }
      return result;
    };
  },
};
