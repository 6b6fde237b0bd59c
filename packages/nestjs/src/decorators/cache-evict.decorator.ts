import { bindCacheMethod } from '../binding/cache-method.binder.js';
import type { CacheMethodDecorator, ValueOrArgsFn } from './cache-method.decorator.js';

export const CACHE_EVICT_METADATA = Symbol('cachet:cache-evict');

/** Options of `@CacheEvict`; give at least one of `keys`, `tags`, `allEntries`. */
export interface CacheEvictOptions<Args extends unknown[] = unknown[]> {
  /** Entries to delete. */
  keys?: ValueOrArgsFn<readonly string[], Args>;
  /** Tags to invalidate: every entry carrying one becomes a miss (O(1), whatever their number). */
  tags?: ValueOrArgsFn<readonly string[], Args>;
  /** Every entry of the namespace becomes a miss (O(1)). */
  allEntries?: boolean;
  /** Evict before the method runs (and even if it throws). Default: after it succeeds. */
  beforeInvocation?: boolean;
  /** The sub-namespace the keys live in (as in `@Cacheable({ namespace })`). */
  namespace?: string;
}

/**
 * Evicts entries when an async method succeeds (or before it runs, with
 * `beforeInvocation`). A method that throws evicts nothing unless
 * `beforeInvocation` is set.
 *
 * ```ts
 * @CacheEvict({ keys: (id: string) => [`user:${id}`], tags: ['users:list'] })
 * async rename(id: string, name: string): Promise<User> { ... }
 * ```
 */
export function CacheEvict<Args extends unknown[] = unknown[]>(
  options: CacheEvictOptions<Args>,
): CacheMethodDecorator<Args, unknown> {
  return bindCacheMethod('@CacheEvict', CACHE_EVICT_METADATA, options) as CacheMethodDecorator<Args, unknown>;
}
