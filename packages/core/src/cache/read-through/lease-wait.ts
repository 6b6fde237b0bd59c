import type { Flight, FlightControl } from '../../stampede/single-flight.js';
import type { CacheFetchResult } from '../cache.types.js';
import { readEntry } from '../entry-reader.js';
import type { ReadOutcome } from '../read-outcome.js';
import { refreshInBackground } from './background-refresh.js';
import { loadAndWrite } from './load.js';
import type { LoadPlan } from './load-plan.js';
import { routeOf, type ReadThroughContext } from './read-through.context.js';
import { loadWithoutStore } from './without-store.js';

/**
 * An entry still in Redis that its tags or the namespace generation
 * invalidated (or that cannot be decoded) is a miss the read script could
 * not see, so it took no lease: take it now, so one instance loads.
 */
export async function ensureLease<T>(
  context: ReadThroughContext,
  plan: LoadPlan<T>,
  outcome: ReadOutcome,
  token: string,
): Promise<ReadOutcome> {
  if (plan.options.lock === false || outcome.read.lease >= 0) return outcome;
  const lease = await context.engine.guard(
    context.keySpace.namespace,
    () => context.engine.store.entries.acquireLease(outcome.keys.lease, token, plan.leaseTtlMs),
    routeOf(context, plan.key),
  );
  return { ...outcome, read: { ...outcome.read, lease } };
}

/**
 * Waits while another instance holds the lease, then loads (with the lease if
 * it came to us). Waiters are woken by the landing value, bounded by
 * `lock.wait`, and take over when the holder's lease lapses.
 */
export async function loadUnderLease<T>(
  context: ReadThroughContext,
  plan: LoadPlan<T>,
  first: ReadOutcome,
  token: string,
  control: FlightControl,
  firstVouched: number,
): Promise<Flight<CacheFetchResult<T>>> {
  const { engine, keySpace } = context;
  const namespace = keySpace.namespace;
  let outcome = first;
  let vouched = firstVouched;
  let lease = first.read.lease;
  let wokenByTimer = false;
  const deadline = Date.now() + plan.waitMs;
  if (lease > 0) engine.counters.increment(namespace, 'leaseWaits');
  const waiting = lease > 0 ? plan.trace?.leaseWait() : undefined;
  // Waiting: whatever this flight serves comes from a read or a load still to come, so callers may join.
  control.reopen();
  while (lease > 0 && Date.now() < deadline) {
    const registry = engine.wakeRegistry(keySpace);
    try {
      await registry.ready();
    } catch {
      break; // no subscription: load rather than sleep blindly
    }
    const waiter = registry.register(plan.key);
    try {
      // Re-check after registering: a value that landed since the first read is seen here, and any later one wakes us.
      vouched = control.validating();
      outcome = await engine.guard(
        namespace,
        () =>
          readEntry(engine, keySpace, plan.key, plan.tags, {
            lease: { token, ttlMs: plan.leaseTtlMs, whenStale: true },
          }),
        routeOf(context, plan.key),
      );
      if (outcome.state === 'fresh') {
        waiting?.end('hit');
        return { result: { value: outcome.value as T, outcome: 'hit' }, validatedAt: vouched };
      }
      if (outcome.state === 'stale' && outcome.read.now - outcome.entry!.logicalExpireAt < plan.swrMs) {
        waiting?.end('stale');
        if (outcome.read.lease === 0) refreshInBackground(context, plan, outcome, token);
        return { result: { value: outcome.value as T, outcome: 'stale' }, validatedAt: vouched };
      }
      outcome = await ensureLease(context, plan, outcome, token);
      lease = outcome.read.lease;
      if (lease === 0) break;
      control.reopen();
      const woken = await waiter.wait(Math.min(deadline - Date.now(), lease + 5));
      if (woken) {
        engine.counters.increment(namespace, 'wakeUps');
        waiting?.wokenUp();
      }
      wokenByTimer = !woken;
    } catch (error) {
      waiting?.end('error');
      return loadWithoutStore(context, plan, control, error);
    } finally {
      waiter.cancel();
    }
  }
  if (lease === 0 && wokenByTimer) engine.counters.increment(namespace, 'takeovers');
  waiting?.end(lease === 0 ? 'takeover' : 'timeout');
  return loadAndWrite(context, plan, outcome, lease === 0 ? token : undefined, control, vouched);
}
