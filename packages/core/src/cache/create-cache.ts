import { MemoryStore } from '../store/memory/memory.store.js';
import { RedisStore } from '../store/redis/redis.store.js';
import type { Store } from '../store/store.js';
import { CacheConfigError } from '../shared/errors.js';
import type { CacheLogger } from '../telemetry/logger.js';
import { CacheEngine } from './cache-engine.js';
import { resolveCacheOptions } from './cache-options.js';
import type { Cache, CacheOptions } from './cache.types.js';
import { NamespacedCache } from './namespaced-cache.js';

/**
 * Creates a cache. With `redis`, it opens (and later closes) its own
 * connection — or uses a Redis/Cluster instance you pass, which it never
 * closes. With `store: 'memory'`, everything runs in process.
 *
 * ```ts
 * const cache = createCache({ redis: 'redis://localhost:6379', namespace: 'app', ttl: '10m' });
 * const user = await cache.getOrSet(`user:${id}`, () => db.users.find(id), { tags: [`user:${id}`] });
 * ```
 */
export function createCache(options: CacheOptions = {}): Cache {
  const resolved = resolveCacheOptions(options);
  const { store, owned } = openStore(options, resolved.commandTimeoutMs, resolved.logger);
  return new NamespacedCache(new CacheEngine(store, resolved, owned), resolved.namespace);
}

function openStore(
  options: CacheOptions,
  commandTimeoutMs: number,
  logger: CacheLogger,
): { store: Store; owned: boolean } {
  const kind = options.store ?? 'redis';
  if (typeof kind === 'object') return { store: kind, owned: false };
  if (kind === 'memory') return { store: new MemoryStore(), owned: true };
  if (kind !== 'redis') throw new CacheConfigError('store', kind, "'redis', 'memory' or a Store instance");
  if (options.redis === undefined) {
    throw new CacheConfigError(
      'redis',
      undefined,
      "a Redis URL, options or client (or store: 'memory' to run without Redis)",
    );
  }
  return { store: RedisStore.connect(options.redis, { commandTimeoutMs }, { logger }), owned: true };
}
