import type {
  Cache,
  CacheEvents,
  CacheFetchResult,
  CacheStats,
  GetOrSetOptions,
  MsetEntry,
  ReadOptions,
  SetOptions,
} from '@cachet/core';
import type { WriteBehindOrchestrator } from './write-behind.orchestrator.js';

/**
 * The module's cache, made to read its own write-behind writes. A
 * `@WriteBehind` call caches the new value, but that entry can expire or be
 * evicted before the flusher has persisted the write; a read-through would
 * then load the old row. So on a miss — and only then — the pending overlay of
 * the app's queues is asked first: an unpersisted write answers the read (and
 * refills the entry), otherwise the loader runs as usual.
 *
 * Apps without `@WriteBehind` pay nothing; with it, a miss costs one more
 * round trip (one per queue, in parallel), inside the stampede lease.
 * Sub-namespaces are not overlaid: `@WriteBehind` keys live in the module's
 * namespace.
 */
export class PendingWritesCache implements Cache {
  constructor(
    private readonly inner: Cache,
    private readonly writeBehind: WriteBehindOrchestrator,
  ) {}

  get namespace(): string {
    return this.inner.namespace;
  }

  get events(): CacheEvents {
    return this.inner.events;
  }

  async get<T = unknown>(key: string, options?: ReadOptions): Promise<T | undefined> {
    const cached = await this.inner.get<T>(key, options);
    if (cached !== undefined || !this.overlaid()) return cached;
    return this.pendingWrite<T>(key);
  }

  set<T>(key: string, value: T, options?: SetOptions): Promise<void> {
    return this.inner.set(key, value, options);
  }

  async getOrSet<T>(key: string, loader: () => Promise<T>, options?: GetOrSetOptions<T>): Promise<T> {
    return (await this.fetch(key, loader, options)).value;
  }

  fetch<T>(key: string, loader: () => Promise<T>, options?: GetOrSetOptions<T>): Promise<CacheFetchResult<T>> {
    if (!this.overlaid()) return this.inner.fetch(key, loader, options);
    return this.inner.fetch(key, () => this.loadPendingFirst(key, loader), options);
  }

  delete(...keys: string[]): Promise<void> {
    return this.inner.delete(...keys);
  }

  invalidateTags(...tags: string[]): Promise<void> {
    return this.inner.invalidateTags(...tags);
  }

  clear(namespace?: string): Promise<void> {
    return this.inner.clear(namespace);
  }

  deleteMatching(pattern: string): Promise<number> {
    return this.inner.deleteMatching(pattern);
  }

  async mget<T = unknown>(keys: readonly string[], options?: ReadOptions): Promise<Array<T | undefined>> {
    const values = await this.inner.mget<T>(keys, options);
    if (!this.overlaid()) return values;
    return Promise.all(
      values.map(async (value, index) => (value !== undefined ? value : this.pendingWrite<T>(keys[index]!))),
    );
  }

  mset(entries: readonly MsetEntry[]): Promise<void> {
    return this.inner.mset(entries);
  }

  withNamespace(namespace: string): Cache {
    return namespace === this.inner.namespace ? this : this.inner.withNamespace(namespace);
  }

  stats(): CacheStats {
    return this.inner.stats();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private overlaid(): boolean {
    return this.writeBehind.queueNames.length > 0;
  }

  private async loadPendingFirst<T>(key: string, loader: () => Promise<T>): Promise<T> {
    const pending = await this.pendingWrite<T>(key);
    // `@WriteBehind` records writes only; a delete recorded through the engine falls through to the source.
    return pending !== undefined ? pending : loader();
  }

  /**
   * The unpersisted value written under `key`, if any. The overlay lives in Redis, so it shares the cache's
   * fate: while the breaker is open it is not asked at all, and a failed lookup counts as "none pending" —
   * a read never fails because Redis did (guarantee 7); it may then see the source's older row until the
   * queue is flushed.
   */
  private async pendingWrite<T>(key: string): Promise<T | undefined> {
    if (this.inner.stats().breaker === 'open') return undefined;
    try {
      const pending = await this.writeBehind.pendingValue<T>(key);
      return pending?.op === 'write' ? pending.value : undefined;
    } catch {
      return undefined;
    }
  }
}
