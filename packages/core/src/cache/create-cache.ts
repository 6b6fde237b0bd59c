import { openStore } from '../store/open-store.js';
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
  const { store, owned } = openStore(options, resolved);
  return new NamespacedCache(new CacheEngine(store, resolved, owned), resolved.namespace);
}
