import type { WriteBehindItem } from '@cachet/core';
import { CacheBindingError } from '../binding/cache-binding.error.js';
import { WRITE_BEHIND_BATCH_METADATA } from './write-behind.constants.js';

/** What `@WriteBehindBatch` records on its method. */
export interface WriteBehindBatchOptions {
  readonly queue: string;
}

/** A method taking a batch of items, whatever its items' argument types (checked bivariantly, like methods). */
type BatchPersister = {
  persist(items: WriteBehindItem[]): Promise<unknown>;
}['persist'];

/**
 * Marks the method that persists a queue's items in batches: the flusher
 * calls it with up to `batch.size` items (in append order; one per key with
 * `coalesce`) instead of calling each `@WriteBehind` method once per item.
 * `item.args` are the recorded arguments, `item.value` the cached value,
 * `item.version` a per-queue increasing number for idempotent upserts.
 *
 * ```ts
 * @WriteBehindBatch('profiles')
 * async saveMany(items: WriteBehindItem<[Profile]>[]): Promise<void> {
 *   await this.db.profiles.upsertMany(items.map((item) => item.args[0]));
 * }
 * ```
 */
export function WriteBehindBatch(queue: string) {
  return <Method extends BatchPersister>(
    target: object,
    propertyKey: string | symbol,
    descriptor: TypedPropertyDescriptor<Method>,
  ): void => {
    const where = `${typeof target === 'function' ? target.name : target.constructor.name}.${String(propertyKey)}`;
    if (typeof target === 'function') {
      throw new CacheBindingError(where, '@WriteBehindBatch cannot decorate a static method.');
    }
    if (typeof descriptor.value !== 'function') {
      throw new CacheBindingError(where, '@WriteBehindBatch decorates methods only.');
    }
    if (typeof queue !== 'string' || queue.length === 0) {
      throw new CacheBindingError(where, `@WriteBehindBatch needs a queue name, got ${String(queue)}.`);
    }
    const options: WriteBehindBatchOptions = { queue };
    Reflect.defineMetadata(WRITE_BEHIND_BATCH_METADATA, options, descriptor.value);
  };
}
