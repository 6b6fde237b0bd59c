import type { MessageBus } from './message-bus.js';

/** The keys of one lock; they share a hash tag, hence one Cluster slot. */
export interface LockKeys {
  /** Holds the holder's token, with the lock's TTL. */
  lock: string;
  /** Last fencing token handed out for this name. */
  fence: string;
}

export type LockAcquireResult =
  | { acquired: true; fencingToken: number }
  | { acquired: false; /** The holder's remaining TTL, at least 1 ms. */ remainingMs: number };

/**
 * Atomic lock primitives: acquire with a random token (SET NX PX), extend and
 * release only while the token still matches (compare-and-pexpire,
 * compare-and-delete). A release publishes the lock's name on `channel` so
 * waiters wake at once instead of sleeping.
 */
export interface LockStore {
  /** Used by waiters to hear releases. */
  readonly bus: MessageBus;
  /**
   * Fencing tokens are strictly increasing per lock name, across holders and
   * processes: `max(last + 1, server time in µs)`, so they stay monotonic even
   * after the counter key expires (its TTL is `fenceTtlMs`).
   */
  acquire(keys: LockKeys, token: string, ttlMs: number, fenceTtlMs: number): Promise<LockAcquireResult>;
  /** True while `token` still holds the lock (its TTL is reset to `ttlMs`). */
  extend(keys: LockKeys, token: string, ttlMs: number): Promise<boolean>;
  /** True when `token` held the lock and it is now free (waiters were told on `channel`). */
  release(keys: LockKeys, token: string, channel: string, name: string): Promise<boolean>;
}
