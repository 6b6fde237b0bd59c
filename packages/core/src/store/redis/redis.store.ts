import type { BreakerRouter } from '../../resilience/node-breakers.js';
import type { CacheLogger } from '../../telemetry/logger.js';
import { RedisBus } from './redis-bus.js';
import { RedisConnection, type ConnectionTuning, type RedisInput } from './redis-connection.js';
import { RedisEntryStore } from '../entries/redis-entry.store.js';
import { RedisLockStore } from '../locks/redis-lock.store.js';
import { RedisQueueStore } from '../queues/redis-queue.store.js';
import { RedisRateLimitStore } from '../rate-limits/redis-rate-limit.store.js';
import type { Store } from '../store.js';

/** The Store on Redis: standalone, Sentinel or Cluster. */
export class RedisStore implements Store {
  readonly kind = 'redis' as const;
  readonly entries: RedisEntryStore;
  readonly bus: RedisBus;
  readonly rateLimits: RedisRateLimitStore;
  readonly locks: RedisLockStore;
  readonly queues: RedisQueueStore;

  /** @param options.logger hears the message bus's state changes (console by default). */
  constructor(
    readonly connection: RedisConnection,
    options: { logger?: CacheLogger } = {},
  ) {
    this.entries = new RedisEntryStore(connection);
    this.bus = new RedisBus(connection, { logger: options.logger, attemptTimeoutMs: connection.commandTimeoutMs });
    this.rateLimits = new RedisRateLimitStore(connection);
    this.locks = new RedisLockStore(connection, this.bus);
    this.queues = new RedisQueueStore(connection, this.locks);
  }

  static connect(input: RedisInput, tuning: ConnectionTuning, options: { logger?: CacheLogger } = {}): RedisStore {
    return new RedisStore(RedisConnection.from(input, tuning), options);
  }

  get router(): BreakerRouter | undefined {
    return this.connection.router;
  }

  isReady(): boolean {
    return this.connection.client.status === 'ready';
  }

  ready(timeoutMs: number): Promise<void> {
    return this.connection.ready(timeoutMs);
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}
