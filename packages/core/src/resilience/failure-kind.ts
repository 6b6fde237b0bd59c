import { CachetError, ErrorCodes } from '../shared/errors.js';

/**
 * Why a call to Redis failed, as far as a circuit breaker is concerned:
 *
 * - `unavailable`: Redis could not be reached or could not serve anyone
 *   (timeouts, closed connections, cluster down, loading, out of memory…).
 *   Only these count toward opening a breaker.
 * - `rejected`: Redis answered, refusing this call's own arguments
 *   (`ERR invalid expire time`, a script error on a bad key, `WRONGTYPE`…).
 *   Redis is up; other keys are fine.
 * - `caller`: the call failed in this process before or after Redis (a bad
 *   option, a key, serialization, a bug): says nothing about Redis.
 */
export type FailureKind = 'unavailable' | 'rejected' | 'caller';

/** Error replies that mean the server (or cluster) cannot serve anyone right now, whatever the arguments. */
const SERVER_TROUBLE = [
  'LOADING',
  'BUSY',
  'MASTERDOWN',
  'CLUSTERDOWN',
  'TRYAGAIN',
  'READONLY',
  'OOM',
  'MISCONF',
  'NOREPLICAS',
  'NOAUTH',
  'NOPERM',
  'WRONGPASS',
  'ERR max number of clients reached',
];

/** Cachet's own errors that mean Redis was skipped or unreachable (every other CachetError is the caller's). */
const UNAVAILABLE_CODES: readonly string[] = [ErrorCodes.breakerOpen, ErrorCodes.storeUnavailable];

export function failureKind(error: unknown): FailureKind {
  if (error instanceof CachetError && UNAVAILABLE_CODES.includes(error.code)) return 'unavailable';
  if (error instanceof CachetError || error instanceof TypeError || error instanceof RangeError) return 'caller';
  if (error instanceof Error && error.name === 'ReplyError') {
    const message = error.message;
    return SERVER_TROUBLE.some((prefix) => message.startsWith(prefix)) ? 'unavailable' : 'rejected';
  }
  return 'unavailable';
}
