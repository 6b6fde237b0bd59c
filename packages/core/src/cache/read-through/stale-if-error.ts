import type { Flight } from '../../stampede/single-flight.js';
import type { CacheFetchResult } from '../cache.types.js';
import type { ReadOutcome } from '../read-outcome.js';
import type { LoadPlan } from './load-plan.js';
import type { ReadThroughContext } from './read-through.context.js';

/**
 * Stale-if-error: a loader that fails while the entry is within its
 * stale-if-error window serves the old value, and the key backs off — for a
 * few seconds it serves stale without loading — so a failing backend is not
 * hit by every caller.
 */
export function staleIfError<T>(
  { engine, keySpace }: ReadThroughContext,
  plan: LoadPlan<T>,
  before: ReadOutcome,
  error: unknown,
): CacheFetchResult<T> {
  const entry = before.entry;
  if (before.state === 'stale' && entry && before.read.now - entry.logicalExpireAt < plan.sieMs) {
    engine.errorBackoffUntil.set(backoffKey(keySpace.namespace, plan.key), Date.now() + Math.min(5_000, plan.sieMs));
    if (engine.errorBackoffUntil.size > 10_000) engine.errorBackoffUntil.clear();
    engine.counters.increment(keySpace.namespace, 'staleServes');
    return { value: before.value as T, outcome: 'stale' };
  }
  throw error;
}

/** True while `key`'s loader failed recently (see `staleIfError`). */
export function backingOff({ engine, keySpace }: ReadThroughContext, key: string): boolean {
  return (engine.errorBackoffUntil.get(backoffKey(keySpace.namespace, key)) ?? 0) > Date.now();
}

/** Serves the stale value while the key backs off, without loading. */
export function serveStaleBackingOff<T>(
  { engine, keySpace, writer }: ReadThroughContext,
  plan: LoadPlan<T>,
  outcome: ReadOutcome,
  token: string,
  vouched: number,
): Flight<CacheFetchResult<T>> {
  engine.counters.increment(keySpace.namespace, 'staleServes', 1, { key: plan.key });
  // backing off: the lease this read took is not needed, and others must not wait on it
  if (outcome.read.lease === 0) void writer.releaseLease(outcome.keys, token).catch(() => undefined);
  return { result: { value: outcome.value as T, outcome: 'stale' }, validatedAt: vouched };
}

function backoffKey(namespace: string, key: string): string {
  return `${namespace}\0${key}`;
}
