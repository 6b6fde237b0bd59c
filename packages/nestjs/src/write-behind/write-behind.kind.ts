import { WriteBehindError, type Cache, type Duration } from '@cachet/core';
import { assertEntryOptions, isValidName, NAME_RULE } from '@cachet/core/store';
import type { LoggerService } from '@nestjs/common';
import { CacheBindingError } from '../binding/cache-binding.error.js';
import type { CacheMethodKind } from '../binding/cache-method-kind.js';
import type { MethodBinding } from '../binding/method-binding.js';
import { DecoratorOptions, resolveKey, resolveStrings } from '../decorators/decorator-options.js';
import { WRITE_BEHIND_METADATA } from './write-behind.constants.js';
import type { WriteBehindOptions } from './write-behind.decorator.js';
import { WriteBehindOrchestrator } from './write-behind.orchestrator.js';
import { WriteBehindQueues } from './write-behind-queues.js';

type Options = WriteBehindOptions<unknown[], unknown>;

/** Decorators that cannot share a method with `@WriteBehind`: each would make the call do something else. */
const EXCLUSIVE_WITH_WRITE_BEHIND = ['@Cacheable', '@WriteThrough'];

const OPTION_NAMES = [
  'queue',
  'key',
  'value',
  'ttl',
  'tags',
  'batch',
  'coalesce',
  'maxAttempts',
  'backoff',
  'maxPending',
  'onFull',
  'fullWait',
  'visibilityTimeout',
  'durability',
  'replicaTimeout',
] as const;

/**
 * `@WriteBehind`: the call is recorded durably in the queue and its value
 * cached; the method itself runs later, in the flusher. The append comes
 * first: a value must never be visible in the cache for a write that was not
 * recorded.
 */
export const writeBehindKind: CacheMethodKind<Options> = {
  decorator: '@WriteBehind',
  metadataKey: WRITE_BEHIND_METADATA,

  validate(options, site) {
    const check = new DecoratorOptions('@WriteBehind', site, options)
      .known(OPTION_NAMES)
      .functionOf('key', "of the method's arguments returning the key, e.g. (user: User) => `user:${user.id}`", {
        required: true,
      })
      .functionOf('value', "of the method's arguments returning the value to cache")
      .stringsOrFunction('tags')
      .boolean('coalesce');
    if (!isValidName(options.queue)) {
      check.fail('queue', options.queue, `a queue name: ${NAME_RULE}`);
    }
    if (options.batch !== undefined && (typeof options.batch !== 'object' || options.batch === null)) {
      check.fail('batch', options.batch, '{ size?: number, interval?: Duration }');
    }
    if (typeof options.ttl !== 'function') {
      assertEntryOptions({ ttl: options.ttl }, `${site.displayName} @WriteBehind`);
    }
    const clashing = site.decorators.filter((decorator) => EXCLUSIVE_WITH_WRITE_BEHIND.includes(decorator));
    if (clashing.length > 0) {
      throw new CacheBindingError(
        site.displayName,
        `@WriteBehind cannot share a method with ${clashing.join(', ')}: the method runs later, in the flusher. ` +
          'Read through a separate @Cacheable method with the same key.',
      );
    }
  },

  compile(options, binding, { cache, logger, moduleRef }) {
    const writeBehind = moduleRef.get(WriteBehindOrchestrator, { strict: false });
    const { queue, ttl } = options;
    return (invocation) => {
      // Key, value and tags are worked out before anything is recorded: a bad key must fail the call cleanly.
      const key = resolveKey(options.key, invocation);
      const value = options.value ? options.value.apply(invocation.instance, invocation.args) : invocation.args[0];
      const tags = resolveStrings(options.tags, invocation, 'tags');
      const entryTtl: Duration | undefined =
        typeof ttl === 'function' ? ttl.call(invocation.instance, value, ...invocation.args) : ttl;
      return writeBehind.inKeyOrder(queue, key, async () => {
        await writeBehind.engine.append(queue, { key, args: invocation.args, value });
        await cacheNewValue(cache, key, value, { ttl: entryTtl, tags }, { binding, logger, queue });
        return value;
      });
    };
  },

  discovered(options, site, { moduleRef }) {
    moduleRef.get(WriteBehindQueues, { strict: false }).addWriter(site, options);
  },

  scanned({ moduleRef }) {
    moduleRef.get(WriteBehindQueues, { strict: false }).registerAll();
  },
};

/**
 * The write is recorded; now the cache. If the cache cannot take the value,
 * the old entry must not stay visible: evict it, and reads fall back to the
 * pending overlay until the flusher persisted the write.
 */
async function cacheNewValue(
  cache: Cache,
  key: string,
  value: unknown,
  entry: { ttl: Duration | undefined; tags: string[] },
  where: { binding: MethodBinding; logger: LoggerService; queue: string },
): Promise<void> {
  try {
    await cache.set(key, value, entry);
    return;
  } catch (error) {
    where.logger.warn(
      `${where.binding.displayName}: the write is queued, but caching "${key}" failed (${(error as Error).message}); evicting it.`,
    );
    try {
      await cache.delete(key);
    } catch (evictError) {
      throw new WriteBehindError(
        where.queue,
        `the write of "${key}" is queued and will be persisted, but the cache still holds an older value: ` +
          `updating and evicting it both failed (${(evictError as Error).message}).`,
        { cause: error },
      );
    }
  }
}
