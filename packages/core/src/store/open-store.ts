import { CacheConfigError } from '../shared/errors.js';
import type { CacheLogger } from '../telemetry/logger.js';
import { MemoryStore } from './memory/memory.store.js';
import type { RedisInput } from './redis/redis-connection.js';
import { RedisStore } from './redis/redis.store.js';
import type { Store } from './store.js';

/** The `store` and `redis` options every engine takes. `Given` is what it accepts instead of a name. */
export interface StoreChoice<Given extends object = Store> {
  /** `'redis'` (default), `'memory'` (one process), or a store you already have (never closed for you). */
  store?: 'redis' | 'memory' | Given;
  /** A URL, ioredis options, `{ cluster }`, `{ sentinels, name }`, or a client you own (never closed for you). */
  redis?: RedisInput;
}

export type OpenedStore<Given extends object> = { store: Store; owned: true } | { store: Given; owned: false };

/**
 * The one place an engine's `store`/`redis` options become a store: the one
 * you gave (yours to close), a `MemoryStore`, or a `RedisStore` on a
 * connection tuned for a cache (the engine closes it).
 * @param given how the accepted instance is described in an error, e.g. "a Store instance"
 */
export function openStore<Given extends object = Store>(
  options: StoreChoice<Given>,
  tuning: { commandTimeoutMs: number; logger?: CacheLogger },
  given = 'a Store instance',
): OpenedStore<Given> {
  const kind = options.store ?? 'redis';
  if (typeof kind === 'object' && kind !== null) return { store: kind, owned: false };
  if (kind === 'memory') return { store: new MemoryStore(), owned: true };
  if (kind !== 'redis') throw new CacheConfigError('store', kind, `'redis', 'memory' or ${given}`);
  if (options.redis === undefined) {
    throw new CacheConfigError(
      'redis',
      undefined,
      "a Redis URL, ioredis options, { cluster }, { sentinels, name } or a Redis/Cluster instance (or store: 'memory' to run without Redis)",
    );
  }
  const store = RedisStore.connect(
    options.redis,
    { commandTimeoutMs: tuning.commandTimeoutMs },
    { logger: tuning.logger },
  );
  return { store, owned: true };
}
