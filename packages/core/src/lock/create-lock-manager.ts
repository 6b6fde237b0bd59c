import { MAX_TIMER_MS, toMs, type Duration } from '../shared/duration.js';
import { CacheConfigError } from '../shared/errors.js';
import type { LockStore } from '../store/lock.store.js';
import { MemoryLockStore } from '../store/memory/memory-lock.store.js';
import { RedisConnection, type RedisInput } from '../store/redis/redis-connection.js';
import { RedisBus } from '../store/redis/redis-bus.js';
import { RedisLockStore } from '../store/locks/redis-lock.store.js';
import { LockManager, type LockManagerOptions } from './lock-manager.js';

export interface CreateLockManagerOptions extends Partial<LockManagerOptions> {
  /** A URL, ioredis options, `{ cluster }`, `{ sentinels, name }`, or a client you own (never closed for you). */
  redis?: RedisInput;
  /** `'redis'` (default), `'memory'` (one process only), or a store whose `locks` to use. */
  store?: 'redis' | 'memory' | { locks: LockStore };
  /** Per-command timeout of a connection opened here. Default `'1s'`. */
  commandTimeout?: Duration;
}

/**
 * Distributed locks outside a cache or a Nest module.
 *
 * ```ts
 * const locks = createLockManager({ redis: 'redis://localhost:6379', namespace: 'billing' });
 * await locks.withLock('nightly-invoices', async ({ fencingToken }) => runInvoices(fencingToken), { ttl: '30s' });
 * await locks.close();
 * ```
 */
export function createLockManager(options: CreateLockManagerOptions = {}): LockManager {
  const managerOptions = { ...options, namespace: options.namespace ?? 'cachet' };
  const kind = options.store ?? 'redis';
  if (typeof kind === 'object') return new LockManager(kind.locks, managerOptions);
  if (kind === 'memory') return new LockManager(new MemoryLockStore(), managerOptions);
  if (kind !== 'redis') throw new CacheConfigError('store', kind, "'redis', 'memory' or a store with `locks`");
  if (options.redis === undefined) {
    throw new CacheConfigError('redis', undefined, "a Redis URL, options or client (or store: 'memory')");
  }
  const connection = RedisConnection.from(options.redis, {
    commandTimeoutMs: toMs(options.commandTimeout ?? '1s', 'commandTimeout', { max: MAX_TIMER_MS }),
  });
  const bus = new RedisBus(connection, { logger: options.logger, attemptTimeoutMs: connection.commandTimeoutMs });
  return new LockManager(new RedisLockStore(connection, bus), managerOptions, connection);
}
