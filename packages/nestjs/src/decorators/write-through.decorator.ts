import type { Duration } from '@cachet/core';
import { bindCacheMethod } from '../binding/cache-method.binder.js';
import type { CacheMethodDecorator, ValueOrArgsFn } from './cache-method.decorator.js';

export const WRITE_THROUGH_METADATA = Symbol('cachet:write-through');

/** Options of `@WriteThrough`. */
export interface WriteThroughOptions<Args extends unknown[] = unknown[], Result = unknown> {
  /** Where the result is cached: the same key the reading `@Cacheable` uses. */
  key: (...args: Args) => string;
  /** Default: the module's `ttl`. */
  ttl?: Duration | ((result: Result, ...args: Args) => Duration);
  /** Tags of the cached result. */
  tags?: ValueOrArgsFn<readonly string[], Args>;
  /** Tags invalidated once the write succeeded (lists, aggregates the write changed). */
  evictTags?: ValueOrArgsFn<readonly string[], Args>;
  /** The sub-namespace of the key (as in `@Cacheable({ namespace })`). */
  namespace?: string;
}

/**
 * The method is the write to the source of truth. When it resolves, its
 * result is cached under `key` and `evictTags` are invalidated; when it
 * throws, the entry under `key` is evicted and the very same error propagates.
 *
 * ```ts
 * @WriteThrough({ key: (id: string) => `user:${id}`, evictTags: ['users:list'] })
 * async update(id: string, patch: Partial<User>): Promise<User> { ... }
 * ```
 */
export function WriteThrough<Args extends unknown[] = unknown[], Result = unknown>(
  options: WriteThroughOptions<Args, Result>,
): CacheMethodDecorator<Args, Result> {
  return bindCacheMethod('@WriteThrough', WRITE_THROUGH_METADATA, options) as CacheMethodDecorator<Args, Result>;
}
