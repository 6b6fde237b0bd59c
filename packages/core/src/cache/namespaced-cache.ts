import { ReadThrough } from './read-through/read-through.js';
import { planLoad } from './read-through/load-plan.js';
import type { KeySpace } from '../store/key-space.js';
import { assertValidKey, assertValidTag } from './cache-key.js';
import type { CacheEngine } from './cache-engine.js';
import type {
  Cache,
  CacheFetchResult,
  CacheStats,
  GetOrSetOptions,
  MsetEntry,
  ReadOptions,
  SetOptions,
} from './cache.types.js';
import type { CacheEvents } from '../telemetry/cache-events.js';
import type { ReadTrace } from '../telemetry/open-telemetry/read-trace.js';
import { readEntry } from './entry-reader.js';
import { EntryWriter } from './entry-writer.js';
import { assertEntryOptions } from './ttl-policy.js';

/**
 * The `Cache` API over one namespace. Views made by `withNamespace` share the
 * engine (connection, breaker, single-flight), so they cost nothing to create.
 *
 * Reads and cache fills fail open: with Redis away, `get` misses, `set` is
 * skipped and `getOrSet` returns the loader's value. Invalidations (`delete`,
 * `invalidateTags`, `clear`) reject instead: an invalidation that did not
 * happen must never look as if it had.
 */
export class NamespacedCache implements Cache {
  private readonly keySpace: KeySpace;
  private readonly writer: EntryWriter;
  private readonly readThrough: ReadThrough;

  constructor(
    private readonly engine: CacheEngine,
    namespace: string,
  ) {
    this.keySpace = engine.keySpace(namespace);
    this.writer = new EntryWriter(engine, this.keySpace);
    this.readThrough = new ReadThrough(engine, this.keySpace);
  }

  get namespace(): string {
    return this.keySpace.namespace;
  }

  get events(): CacheEvents {
    return this.engine.counters.events;
  }

  get<T = unknown>(key: string, options: ReadOptions = {}): Promise<T | undefined> {
    const telemetry = this.engine.telemetry;
    if (!telemetry) return this.read<T>(key, options);
    return telemetry.read(
      'get',
      this.namespace,
      key,
      (trace) => this.read<T>(key, options, trace),
      (value) => (value === undefined ? 'miss' : 'hit'),
    );
  }

  private async read<T>(key: string, options: ReadOptions, trace?: ReadTrace): Promise<T | undefined> {
    assertValidKey(key);
    const tags = options.tags ?? [];
    tags.forEach(assertValidTag);
    const local = this.engine.l1Get(this.namespace, key, options.l1);
    if (local) {
      trace?.l1Hit();
      this.engine.counters.increment(this.namespace, 'hits');
      return local.value as T;
    }
    const route = this.keySpace.entry(key).entry;
    if (!this.engine.available(route)) return this.unavailable(undefined);
    const generation = this.engine.l1Generation(this.namespace);
    try {
      const outcome = await this.engine.guard(
        this.namespace,
        () => readEntry(this.engine, this.keySpace, key, tags, { peekFirst: !this.engine.fillsL1(options.l1) }),
        route,
      );
      this.engine.counters.increment(this.namespace, outcome.state === 'fresh' ? 'hits' : 'misses');
      this.engine.l1Fill(this.namespace, outcome, options.l1, generation);
      return outcome.state === 'fresh' ? (outcome.value as T) : undefined;
    } catch (error) {
      return this.unavailable(undefined, error);
    }
  }

  async set<T>(key: string, value: T, options: SetOptions = {}): Promise<void> {
    assertValidKey(key);
    assertEntryOptions(options, `set("${key}")`);
    (options.tags ?? []).forEach(assertValidTag);
    this.engine.codec.encode(key, value); // a SerializationError surfaces even when Redis is away
    const route = this.keySpace.entry(key).entry;
    if (!this.engine.available(route)) return this.unavailable(undefined);
    try {
      await this.engine.guard(
        this.namespace,
        () => this.writer.write(key, value, { ...options, cacheNull: true }),
        route,
      );
      this.engine.changed(this.namespace, { op: 'set', keys: [key] });
    } catch (error) {
      return this.unavailable(undefined, error);
    }
  }

  async getOrSet<T>(key: string, loader: () => Promise<T>, options: GetOrSetOptions<T> = {}): Promise<T> {
    return (await this.fetch(key, loader, options)).value;
  }

  async fetch<T>(
    key: string,
    loader: () => Promise<T>,
    options: GetOrSetOptions<T> = {},
  ): Promise<CacheFetchResult<T>> {
    assertValidKey(key);
    assertEntryOptions(options, `getOrSet("${key}")`);
    (options.tags ?? []).forEach(assertValidTag);
    const plan = planLoad(this.engine, key, loader, options);
    const telemetry = this.engine.telemetry;
    if (!telemetry) return this.readThrough.fetch(plan);
    return telemetry.read(
      'getOrSet',
      this.namespace,
      key,
      (trace) => this.readThrough.fetch(trace ? { ...plan, trace } : plan),
      (result) => result.outcome,
    );
  }

  async delete(...keys: string[]): Promise<void> {
    keys.forEach((key) => assertValidKey(key));
    if (keys.length === 0) return;
    await this.engine.guard(
      this.namespace,
      () =>
        this.engine.store.entries.delete(
          keys.map((key) => this.keySpace.entry(key)),
          this.engine.options.fenceTtlMs,
        ),
      this.keySpace.entry(keys[0]!).entry,
    );
    this.engine.changed(this.namespace, { op: 'delete', keys });
  }

  async invalidateTags(...tags: string[]): Promise<void> {
    tags.forEach(assertValidTag);
    if (tags.length === 0) return;
    await this.engine.guard(
      this.namespace,
      () =>
        this.engine.store.entries.bumpTags(
          tags.map((tag) => this.keySpace.tag(tag)),
          this.writer.tagTtlMs(),
        ),
      this.keySpace.tag(tags[0]!),
    );
    this.engine.counters.increment(this.namespace, 'tagInvalidations', tags.length, { tags });
    this.engine.changed(this.namespace, { op: 'tags', tags });
  }

  async clear(namespace = this.namespace): Promise<void> {
    const target = this.engine.keySpace(namespace);
    await this.engine.guard(
      this.namespace,
      () => this.engine.store.entries.bumpTags([target.generation], this.writer.tagTtlMs()),
      target.generation,
    );
    this.engine.changed(namespace, { op: 'clear' });
  }

  async deleteMatching(pattern: string): Promise<number> {
    if (typeof pattern !== 'string' || pattern.length === 0) assertValidKey(pattern);
    let deleted = 0;
    await this.engine.guard(this.namespace, () =>
      this.engine.store.entries.scan(this.keySpace.entryPattern(pattern), async (entryKeys) => {
        const userKeys = entryKeys.map((entryKey) => this.keySpace.userKey(entryKey));
        const keys = userKeys.map((userKey) => this.keySpace.entry(userKey));
        deleted += await this.engine.store.entries.delete(keys, this.engine.options.fenceTtlMs);
        this.engine.changed(this.namespace, { op: 'delete', keys: userKeys });
      }),
    );
    return deleted;
  }

  mget<T = unknown>(keys: readonly string[], options: ReadOptions = {}): Promise<Array<T | undefined>> {
    return Promise.all(keys.map((key) => this.get<T>(key, options)));
  }

  async mset(entries: readonly MsetEntry[]): Promise<void> {
    await Promise.all(entries.map(({ key, value, ...options }) => this.set(key, value, options)));
  }

  withNamespace(namespace: string): Cache {
    return new NamespacedCache(this.engine, namespace);
  }

  stats(): CacheStats {
    return this.engine.counters.snapshot(
      this.namespace,
      this.engine.breakers.state,
      this.engine.invalidationBus?.lastLagMs ?? 0,
      this.engine.breakers.nodeStates(),
    );
  }

  close(): Promise<void> {
    return this.engine.close();
  }

  private unavailable<R>(fallback: R, error?: unknown): R {
    if (error !== undefined && !this.engine.options.failOpen) throw error;
    return fallback;
  }
}
