import type { BreakerRouter } from '../resilience/node-breakers.js';
import type { EntryStore } from './entry.store.js';
import type { LockStore } from './lock.store.js';
import type { MessageBus } from './message-bus.js';
import type { QueueStore } from './queue.store.js';
import type { RateLimitStore } from './rate-limit.store.js';

/**
 * The port through which every room of the engine reaches its backend. Each
 * concern is a sub-port with its own atomic primitives, implemented once for
 * Redis (standalone, Sentinel, Cluster) and once in memory, and checked by
 * the same contract suite.
 */
export interface Store {
  readonly kind: 'redis' | 'memory';
  /** Cache entries, write fences and tag versions. */
  readonly entries: EntryStore;
  /** Pub/sub used for waking lease waiters and (later) the L1 invalidation bus. */
  readonly bus: MessageBus;
  /** Atomic rate-limit consumes (one round trip each). */
  readonly rateLimits: RateLimitStore;
  /** `withLock`: tokens, extension, compare-and-delete release, fencing tokens. */
  readonly locks: LockStore;
  /** Durable write-behind queues (streams, dead letters, pending overlay). */
  readonly queues: QueueStore;
  /** Resolves once the backend is ready to take commands (rejects after `timeoutMs`). */
  ready(timeoutMs: number): Promise<void>;
  /** True when commands can be sent now (connected); reads skip the store otherwise. */
  isReady(): boolean;
  /** Which server holds a key, when there are several (Redis Cluster): circuit breakers are kept per node. */
  readonly router?: BreakerRouter;
  close(): Promise<void>;
}

export type { BusSubscription, MessageBus, MessageHandler } from './message-bus.js';
