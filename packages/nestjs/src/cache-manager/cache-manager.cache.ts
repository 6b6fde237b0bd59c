import { CacheConfigError, createCache, type Cache as CachetCache, type Duration } from '@cachet/core';
import { CACHE_DEFAULTS } from '@cachet/core/store';
import type { CacheModuleOptions } from './cache-manager.options.js';

/** A TTL in milliseconds, or (for `wrap`) a function of the value giving one. */
type Milliseconds<T> = number | ((value: T) => number);

/**
 * The `cache-manager` API that `CACHE_MANAGER` users call, on Cachet's engine. Also an injection token:
 * `constructor(private readonly cache: Cache)` works like `@Inject(CACHE_MANAGER)`.
 */
export abstract class Cache {
  /** The value, or `undefined` when absent or expired. */
  abstract get<T>(key: string): Promise<T | undefined>;
  abstract mget<T>(keys: string[]): Promise<Array<T | undefined>>;
  /** Stores `value` for `ttl` ms (the module's `ttl` when omitted; `0` means the longest allowed, `maxTtl`). */
  abstract set<T>(key: string, value: T, ttl?: number): Promise<T>;
  abstract mset<T>(list: Array<{ key: string; value: T; ttl?: number }>): Promise<Array<{ key: string; value: T }>>;
  abstract del(key: string): Promise<boolean>;
  abstract mdel(keys: string[]): Promise<boolean>;
  /** Removes every entry of this cache (its namespace), nothing else on the server. */
  abstract clear(): Promise<boolean>;
  /**
   * The cached value, or `fn()`'s, stored for `ttl` ms. One load per key across callers and instances
   * (Cachet's stampede lease). `refreshThreshold` is accepted and ignored: Cachet refreshes early with
   * `@Cacheable({ earlyRefresh })` instead.
   */
  abstract wrap<T>(key: string, fn: () => T | Promise<T>, ttl?: Milliseconds<T>, refreshThreshold?: number): Promise<T>;
  /** Closes the Redis connection the module opened (the module does it on shutdown). */
  abstract disconnect(): Promise<undefined>;
}

/** Builds the drop-in's cache from its module options: in memory unless `redis` is given. */
export function createCacheManager(options: CacheModuleOptions): Cache {
  const { ttl, isGlobal: _isGlobal, stores, ...cachet } = options;
  if (stores !== undefined) {
    throw new CacheConfigError(
      'stores',
      stores,
      'no Keyv store: pass redis (a URL, ioredis options or a client) to cache in Redis, or nothing for memory',
    );
  }
  const engine = createCache({ ...cachet, ttl, store: cachet.redis === undefined ? 'memory' : 'redis' });
  return new CachetCacheManager(engine, cachet.maxTtl ?? CACHE_DEFAULTS.maxTtl);
}

class CachetCacheManager extends Cache {
  private closing: Promise<void> | undefined;

  constructor(
    private readonly engine: CachetCache,
    private readonly maxTtl: Duration,
  ) {
    super();
  }

  get<T>(key: string): Promise<T | undefined> {
    return this.engine.get<T>(key);
  }

  mget<T>(keys: string[]): Promise<Array<T | undefined>> {
    return this.engine.mget<T>(keys);
  }

  async set<T>(key: string, value: T, ttl?: number): Promise<T> {
    await this.engine.set(key, value, { ttl: this.duration(ttl) });
    return value;
  }

  async mset<T>(list: Array<{ key: string; value: T; ttl?: number }>): Promise<Array<{ key: string; value: T }>> {
    await this.engine.mset(list.map(({ key, value, ttl }) => ({ key, value, ttl: this.duration(ttl) })));
    return list.map(({ key, value }) => ({ key, value }));
  }

  async del(key: string): Promise<boolean> {
    await this.engine.delete(key);
    return true;
  }

  async mdel(keys: string[]): Promise<boolean> {
    if (keys.length > 0) await this.engine.delete(...keys);
    return true;
  }

  async clear(): Promise<boolean> {
    await this.engine.clear();
    return true;
  }

  wrap<T>(key: string, fn: () => T | Promise<T>, ttl?: Milliseconds<T>, _refreshThreshold?: number): Promise<T> {
    const ttlOption = typeof ttl === 'function' ? (value: T) => this.duration(ttl(value))! : this.duration(ttl);
    return this.engine.getOrSet(key, async () => fn(), { ttl: ttlOption, cacheNull: false });
  }

  async disconnect(): Promise<undefined> {
    await this.close();
    return undefined;
  }

  /** Nest calls this on app.close(); after a disconnect() it has nothing left to do. */
  onModuleDestroy(): Promise<void> {
    return this.close();
  }

  private close(): Promise<void> {
    this.closing ??= this.engine.close();
    return this.closing;
  }

  private duration(ttl: number | undefined): Duration | undefined {
    if (ttl === undefined) return undefined;
    return ttl === 0 ? this.maxTtl : ttl;
  }
}
