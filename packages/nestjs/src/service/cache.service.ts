import type {
  Cache,
  CacheStats,
  DeadLetterReplay,
  DeadLetterView,
  GetOrSetOptions,
  LockContext,
  LockManager,
  LockOptions,
  MsetEntry,
  ReadOptions,
  SetOptions,
  WriteBehindQueueStats,
} from '@cachet/core';
import { Inject, Injectable } from '@nestjs/common';
import { CACHE_INSTANCE, CACHE_LOCK_MANAGER } from '../cache.constants.js';
import { WriteBehindOrchestrator } from '../write-behind/write-behind.orchestrator.js';

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
    private readonly writeBehind: WriteBehindOrchestrator,
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

  /** Write-behind items of `queue` that failed `maxAttempts` times, oldest first, with their error. */
  deadLetters(queue: string, options?: { count?: number; after?: string }): Promise<DeadLetterView[]> {
    return this.writeBehind.deadLetters(queue, options);
  }

  countDeadLetters(queue: string): Promise<number> {
    return this.writeBehind.countDeadLetters(queue);
  }

  /**
   * Puts dead letters back on the queue (those `ids` — their `deadId` — or the oldest `limit`, default 1 000)
   * when they are still the newest write of their key, and says how many; those a later write of their key
   * superseded stay dead-lettered and are listed in `superseded`. A replayed item keeps its `version`, so a
   * version-guarded upsert stays idempotent.
   */
  replayDeadLetters(queue: string, options?: { ids?: string[]; limit?: number }): Promise<DeadLetterReplay> {
    return this.writeBehind.replayDeadLetters(queue, options);
  }

  /** Deletes dead letters for good (those `ids`, or all); returns how many. */
  purgeDeadLetters(queue: string, ids?: string[]): Promise<number> {
    return this.writeBehind.purgeDeadLetters(queue, ids);
  }

  /** Depth, oldest pending age and dead letters of a write-behind queue, and this instance's flush counters. */
  writeBehindStats(queue: string): Promise<WriteBehindQueueStats> {
    return this.writeBehind.stats(queue);
  }

  /** Persists what the queues hold now (where this instance is their flusher), up to `timeoutMs`. */
  flushWriteBehind(timeoutMs?: number): Promise<void> {
    return this.writeBehind.drain(timeoutMs);
  }
}
