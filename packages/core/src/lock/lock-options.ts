import { MAX_TIMER_MS, toMs, type Duration } from '../shared/duration.js';

/** The lock a cached load takes and `withLock` uses, unless told otherwise. */
export const LOCK_DEFAULTS = { ttl: '10s', wait: '5s' } as const;

/** A held lock is extended by a timer and a waiter sleeps on one: both bounded by what a timer can run. */
const LOCK_TIMER = { max: MAX_TIMER_MS };
const LOCK_WAIT = { allowZero: true, max: MAX_TIMER_MS };

/** A lock's validity in ms (`lock.ttl`, default 10 s). */
export function lockTtlMs(ttl: Duration | undefined, option = 'lock.ttl'): number {
  return toMs(ttl ?? LOCK_DEFAULTS.ttl, option, LOCK_TIMER);
}

/** How long to wait for a busy lock, in ms (`lock.wait`, default 5 s; 0 does not wait). */
export function lockWaitMs(wait: Duration | undefined, option = 'lock.wait'): number {
  return toMs(wait ?? LOCK_DEFAULTS.wait, option, LOCK_WAIT);
}
