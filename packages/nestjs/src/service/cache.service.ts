import type {
  Cache,
  CacheStats,
  GetOrSetOptions,
  LockContext,
  LockManager,
  LockOptions,
  MsetEntry,
  ReadOptions,
  SetOptions,
} from '@cachet/core';
import { Inject, Injectable } from '@nestjs/common';
import { CACHE_INSTANCE, CACHE_LOCK_MANAGER } from '../cache.constants.js';

/**
 * The programmatic cache API, injectable anywhere the module is visible. Same
 * engine, namespace and options as the decorators.
 *
 * ```ts
 * constructor(private readonly cache: CacheService) {}
 * await this.cache.invalidateTags(`user:${id}`);
 * ```
 */
@Injectable()
export class CacheService {
  constructor(
    @Inject(CACHE_INSTANCE) private readonly cache: Cache,
    @Inject(CACHE_LOCK_MANAGER) private readonly locks: LockManager,
  ) {}

  get namespace(): string {
    return this.cache.namespace;
  }

  get<T = unknown>(key: string, options?: ReadOptions): Promise<T | undefined> {
    return this.cache.get<T>(key, options);
  }

  set<T>(key: string, value: T, options?: SetOptions): Promise<void> {
    return this.cache.set(key, value, options);
  }

  getOrSet<T>(key: string, loader: () => Promise<T>, options?: GetOrSetOptions<T>): Promise<T> {
    return this.cache.getOrSet(key, loader, options);
  }

  /** `getOrSet` that also says whether it was a hit, a miss or a stale serve. */
  fetch<T>(key: string, loader: () => Promise<T>, options?: GetOrSetOptions<T>) {
    return this.cache.fetch(key, loader, options);
  }

  delete(...keys: string[]): Promise<void> {
    return this.cache.delete(...keys);
  }

  invalidateTags(...tags: string[]): Promise<void> {
    return this.cache.invalidateTags(...tags);
  }

  /**
   * O(1): every entry of the module's namespace becomes a miss. Pass the
   * `namespace` option of a decorator to clear that sub-namespace instead.
   */
  clear(namespace?: string): Promise<void> {
    return namespace === undefined ? this.cache.clear() : this.cache.clear(`${this.cache.namespace}:${namespace}`);
  }

  /** Deletes entries whose key matches a glob (`user:*`): a SCAN over every master, O(keys in the namespace). */
  deleteMatching(pattern: string): Promise<number> {
    return this.cache.deleteMatching(pattern);
  }

  mget<T = unknown>(keys: readonly string[], options?: ReadOptions): Promise<Array<T | undefined>> {
    return this.cache.mget<T>(keys, options);
  }

  mset(entries: readonly MsetEntry[]): Promise<void> {
    return this.cache.mset(entries);
  }

  /** The same API over a sub-namespace (what `@Cacheable({ namespace })` uses). */
  withNamespace(namespace: string): Cache {
    return this.cache.withNamespace(`${this.cache.namespace}:${namespace}`);
  }

  /**
   * Runs `fn` while holding the distributed lock `name` (extended while `fn` runs, released after).
   * `fn` gets a fencing token: pass it to the resource you protect. Rejects with `LockTimeoutError`
   * when the lock stays busy longer than `wait`. Defaults: the module's `lock` option.
   */
  withLock<T>(name: string, fn: (lock: LockContext) => Promise<T> | T, options?: LockOptions): Promise<T> {
    return this.locks.withLock(name, fn, options);
  }

  stats(): CacheStats {
    return this.cache.stats();
  }
}
