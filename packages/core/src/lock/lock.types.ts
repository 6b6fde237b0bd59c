import type { Duration } from '../shared/duration.js';

/** Per-call options of `withLock`; each falls back to the manager's defaults. */
export interface LockOptions {
  /**
   * Validity of the lock. It is extended every `ttl / 3` while `fn` runs, so
   * `fn` may run longer than `ttl`; the TTL is how long a holder that died
   * (crash, `kill -9`, partition) blocks the others.
   */
  ttl?: Duration;
  /** How long to wait for a busy lock before `LockTimeoutError`; `0` tries once. */
  wait?: Duration;
}

/** What `fn` receives while it holds the lock. */
export interface LockContext {
  readonly name: string;
  /**
   * Strictly increasing per lock name, across holders and processes. Pass it
   * to the resource you protect and have it refuse a token lower than the
   * last one it saw: that is what keeps a holder that was paused past its TTL
   * (GC, swap, a stalled network) from overwriting its successor's work.
   */
  readonly fencingToken: number;
  /**
   * Aborted (reason: `LockLostError`) when the lock can no longer be
   * confirmed: an extension found another holder, or Redis could not be
   * reached for a whole TTL. Stop writing when it fires.
   */
  readonly signal: AbortSignal;
}

export interface LockStats {
  /** Locks taken. */
  acquired: number;
  /** Calls that found the lock busy and waited. */
  waits: number;
  /** Waits ended by a release message (rather than the holder's TTL running out). */
  wakeUps: number;
  timeouts: number;
  /** Holders whose lock was lost while `fn` ran. */
  lost: number;
}
