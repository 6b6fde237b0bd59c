import { randomUUID } from 'node:crypto';
import { assertValidKey } from '../cache/cache-key.js';
import { WakeRegistry } from '../stampede/wake-registry.js';
import type { Duration } from '../shared/duration.js';
import { LockTimeoutError } from '../shared/errors.js';
import { KeySpace } from '../store/key-space.js';
import type { LockKeys, LockStore } from '../store/lock.store.js';
import { consoleLogger, type CacheLogger } from '../telemetry/logger.js';
import { HeldLock } from './held-lock.js';
import { lockTtlMs, lockWaitMs } from './lock-options.js';
import type { LockContext, LockOptions, LockStats } from './lock.types.js';

export interface LockManagerOptions {
  /** Key prefix, as for the cache: locks live at `<namespace>:lk:{<hash of name>}:<name>`. */
  namespace: string;
  /** Default lock validity (extended while `fn` runs). Default `'10s'`. */
  ttl?: Duration;
  /** Default time to wait for a busy lock. Default `'5s'`. */
  wait?: Duration;
  logger?: CacheLogger;
}

/** The fencing counter outlives any lock by far; after it expires, server time keeps tokens increasing. */
const FENCE_TTL_MS = 7 * 86_400_000;

/**
 * `withLock` for one namespace. A busy lock is waited for through a release
 * message (one subscription per manager), each wait bounded by the holder's
 * remaining TTL so a holder that died without releasing is replaced as soon
 * as Redis expires its lock. Waiting is not fair: whoever asks first after a
 * release wins.
 */
export class LockManager {
  private readonly keySpace: KeySpace;
  private readonly ttlMs: number;
  private readonly waitMs: number;
  private readonly logger: CacheLogger;
  private readonly wakeRegistry: WakeRegistry;
  private readonly counters: LockStats = { acquired: 0, waits: 0, wakeUps: 0, timeouts: 0, lost: 0 };

  /** @param owned what `close()` closes: the connection a factory opened for this manager, if any. */
  constructor(
    private readonly store: LockStore,
    options: LockManagerOptions,
    private readonly owned?: { close(): Promise<void> },
  ) {
    this.keySpace = new KeySpace(options.namespace);
    this.ttlMs = lockTtlMs(options.ttl);
    this.waitMs = lockWaitMs(options.wait);
    this.logger = options.logger ?? consoleLogger;
    this.wakeRegistry = new WakeRegistry(store.bus, this.channel);
  }

  /** Channel on which releases of this namespace's locks are announced (the message is the lock name). */
  get channel(): string {
    return this.keySpace.lockChannel;
  }

  keys(name: string): LockKeys {
    return this.keySpace.lock(name);
  }

  /**
   * Runs `fn` while holding the lock `name` in every process that shares the
   * store, and releases it afterwards (even when `fn` throws).
   *
   * ```ts
   * await locks.withLock(`invoice:${id}`, async ({ fencingToken, signal }) => {
   *   await db.invoices.update(id, changes, { ifTokenAbove: fencingToken, signal });
   * }, { ttl: '30s', wait: '2s' });
   * ```
   * @throws LockTimeoutError when the lock stayed busy for `wait`.
   */
  async withLock<T>(name: string, fn: (lock: LockContext) => Promise<T> | T, options: LockOptions = {}): Promise<T> {
    assertValidKey(name);
    const ttlMs = options.ttl === undefined ? this.ttlMs : lockTtlMs(options.ttl);
    const waitMs = options.wait === undefined ? this.waitMs : lockWaitMs(options.wait);
    const held = await this.acquire(name, ttlMs, waitMs);
    try {
      return await fn({ name, fencingToken: held.fencingToken, signal: held.signal });
    } finally {
      held.stop();
      if (held.lost) this.counters.lost++;
      else await this.release(held);
    }
  }

  /**
   * Takes the lock, waiting up to `waitMs`; the caller must `release` it.
   * Prefer `withLock`, which cannot forget to.
   */
  async acquire(name: string, ttlMs: number, waitMs: number): Promise<HeldLock> {
    const keys = this.keys(name);
    const token = randomUUID();
    const deadline = performance.now() + waitMs;
    let attempt = await this.store.acquire(keys, token, ttlMs, FENCE_TTL_MS);
    if (!attempt.acquired && waitMs > 0) {
      this.counters.waits++;
      await this.wakeRegistry.ready(deadline - performance.now()); // never past `wait`, however slow the bus
      while (!attempt.acquired) {
        // Register before trying again: a release between the try and the wait still wakes us.
        const waiter = this.wakeRegistry.register(name);
        try {
          attempt = await this.store.acquire(keys, token, ttlMs, FENCE_TTL_MS);
          if (attempt.acquired) break;
          const left = deadline - performance.now();
          if (left <= 0) break;
          // The holder's remaining TTL bounds the wait: a holder that died never publishes.
          if (await waiter.wait(Math.min(left, attempt.remainingMs + 1))) this.counters.wakeUps++;
        } finally {
          waiter.cancel();
        }
        if (performance.now() >= deadline) {
          attempt = await this.store.acquire(keys, token, ttlMs, FENCE_TTL_MS);
          break;
        }
      }
    }
    if (!attempt.acquired) {
      this.counters.timeouts++;
      throw new LockTimeoutError(name, waitMs);
    }
    this.counters.acquired++;
    return new HeldLock(this.store, name, keys, token, attempt.fencingToken, ttlMs, this.logger);
  }

  /** Gives the lock back (compare-and-delete) and wakes its waiters. A failure leaves it to its TTL. */
  async release(held: HeldLock): Promise<void> {
    held.stop();
    try {
      await this.store.release(held.keys, held.token, this.channel, held.name);
    } catch (error) {
      this.logger.warn(
        `Lock "${held.name}" not released (${(error as Error).message}); it frees itself when its TTL runs out.`,
      );
    }
  }

  stats(): LockStats {
    return { ...this.counters };
  }

  /** Closes the connection this manager opened (never one it was given). */
  async close(): Promise<void> {
    await this.owned?.close();
  }
}
