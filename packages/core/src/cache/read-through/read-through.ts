import type { KeySpace } from '../../store/key-space.js';
import { soloFlight, type Flight, type FlightControl } from '../../stampede/single-flight.js';
import type { CacheEngine } from '../cache-engine.js';
import type { CacheFetchResult } from '../cache.types.js';
import { readEntry } from '../entry-reader.js';
import type { ReadOutcome } from '../read-outcome.js';
import { EntryWriter } from '../entry-writer.js';
import { maybeRefreshEarly, refreshInBackground } from './background-refresh.js';
import { ensureLease, loadUnderLease } from './lease-wait.js';
import type { LoadPlan } from './load-plan.js';
import { routeOf, type ReadThroughContext } from './read-through.context.js';
import { backingOff, serveStaleBackingOff } from './stale-if-error.js';
import { loadWithoutStore } from './without-store.js';

/** Rounds a caller goes through joining flights that cannot vouch for it, before it reads on its own. */
const MAX_ROUNDS = 3;

/**
 * The read-through path with every stampede defence, in order of cost:
 * in-process single-flight → one Redis read that also takes the lease on a
 * miss → waiters woken by the landing value (bounded by `lock.wait`, taking
 * over when the holder's lease lapses; `lease-wait.ts`) → the loader, whose
 * result is written only if no write, delete or invalidation of the key
 * happened meanwhile (`load.ts`). Early refresh (XFetch) and
 * stale-while-revalidate refresh in the background under the same lease
 * (`background-refresh.ts`); stale-if-error serves the old value when the
 * loader fails, and takes the lease like any refresh (`stale-if-error.ts`).
 *
 * Every result a flight shares comes from a read sent, or a loader started,
 * after the callers that receive it started (see SingleFlight), so a call
 * that starts after a change resolved — here or on another instance — never
 * gets the value from before it.
 */
export class ReadThrough {
  private readonly context: ReadThroughContext;

  constructor(engine: CacheEngine, keySpace: KeySpace) {
    this.context = { engine, keySpace, writer: new EntryWriter(engine, keySpace) };
  }

  /** Joiners a flight cannot vouch for go round again, a bounded number of times, then read on their own. */
  fetch<T>(plan: LoadPlan<T>, round = 0): Promise<CacheFetchResult<T>> {
    const { engine, keySpace } = this.context;
    const local = engine.l1Get(keySpace.namespace, plan.key, plan.options.l1);
    if (local) {
      plan.trace?.l1Hit();
      engine.counters.increment(keySpace.namespace, 'hits', 1, { key: plan.key });
      return Promise.resolve({ value: local.value as T, outcome: 'hit' });
    }
    if (round >= MAX_ROUNDS) return this.resolve(plan, soloFlight()).then((flight) => flight.result);
    return engine.singleFlight.run(
      `${keySpace.namespace}\0${plan.key}`,
      (control) => this.resolve(plan, control),
      () => this.fetch(plan, round + 1),
    );
  }

  /** The read decision: serve what Redis holds (fresh, or stale within a window), or go on to the lease and load. */
  private async resolve<T>(plan: LoadPlan<T>, control: FlightControl): Promise<Flight<CacheFetchResult<T>>> {
    const { context } = this;
    const { engine, keySpace } = context;
    const namespace = keySpace.namespace;
    const locking = plan.options.lock !== false;
    const token = engine.leaseToken();
    if (!engine.available(routeOf(context, plan.key))) return loadWithoutStore(context, plan, control);
    const generation = engine.l1Generation(namespace);
    const vouched = control.validating();
    let outcome: ReadOutcome;
    try {
      outcome = await engine.guard(
        namespace,
        () =>
          readEntry(engine, keySpace, plan.key, plan.tags, {
            peekFirst: plan.peekFirst,
            // A stale entry is refreshed under the lease whatever this call's own options: the stale window may
            // come from another caller of the key, and a refresh is a load like any other.
            lease: locking ? { token, ttlMs: plan.leaseTtlMs, whenStale: true } : undefined,
          }),
        routeOf(context, plan.key),
      );
    } catch (error) {
      return loadWithoutStore(context, plan, control, error);
    }

    if (outcome.state === 'fresh') {
      engine.counters.increment(namespace, 'hits', 1, { key: plan.key });
      engine.l1Fill(namespace, outcome, plan.options.l1, generation);
      maybeRefreshEarly(context, plan, outcome);
      return { result: { value: outcome.value as T, outcome: 'hit' }, validatedAt: vouched };
    }
    if (outcome.state === 'stale') {
      const staleAge = outcome.read.now - outcome.entry!.logicalExpireAt;
      if (staleAge < plan.swrMs) {
        engine.counters.increment(namespace, 'staleServes', 1, { key: plan.key });
        if (outcome.read.lease === 0 || !locking)
          refreshInBackground(context, plan, outcome, outcome.read.lease === 0 ? token : undefined);
        return { result: { value: outcome.value as T, outcome: 'stale' }, validatedAt: vouched };
      }
      if (staleAge < plan.sieMs && backingOff(context, plan.key)) {
        return serveStaleBackingOff(context, plan, outcome, token, vouched);
      }
    }
    engine.counters.increment(namespace, 'misses', 1, { key: plan.key });
    try {
      outcome = await ensureLease(context, plan, outcome, token);
    } catch (error) {
      return loadWithoutStore(context, plan, control, error);
    }
    return loadUnderLease(context, plan, outcome, token, control, vouched);
  }
}
