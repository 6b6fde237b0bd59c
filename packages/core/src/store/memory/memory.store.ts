import { MemoryBus } from './memory-bus.js';
import { MemoryEntryStore } from './memory-entry.store.js';
import { MemoryKeyValue } from './memory-kv.js';
import { MemoryLockStore } from './memory-lock.store.js';
import { MemoryQueueStore } from './memory-queue.store.js';
import { MemoryRateLimitStore } from './memory-rate-limit.store.js';
import type { Store } from '../store.js';

/**
 * The Store in process: users' unit tests, the demo's no-Redis fallback. Two
 * caches given the same MemoryStore share entries, like two instances on one
 * Redis.
 */
export class MemoryStore implements Store {
  readonly kind = 'memory' as const;
  readonly kv = new MemoryKeyValue();
  readonly bus = new MemoryBus();
  readonly entries = new MemoryEntryStore(this.kv, this.bus);
  readonly rateLimits = new MemoryRateLimitStore();
  readonly locks = new MemoryLockStore(this.kv, this.bus);
  readonly queues = new MemoryQueueStore(this.locks);

  isReady(): boolean {
    return true;
  }

  async ready(): Promise<void> {}

  async close(): Promise<void> {
    this.kv.clear();
    this.rateLimits.clear();
  }
}
