import type { CacheEngine } from '../cache/cache-engine.js';
import type { CacheFetchResult } from '../cache/cache.types.js';
import { readEntry, type ReadOutcome } from '../cache/entry-reader.js';
import { EntryWriter } from '../cache/entry-writer.js';
import type { KeySpace } from '../store/key-space.js';
import { LoadClaim } from './load-claim.js';
import { fenceHoldMs, type LoadPlan } from './load-plan.js';
import { SHARED, soloFlight, type Flight, type FlightControl } from './single-flight.js';
import { shouldRefreshEarly } from './xfetch.js';

/** Rounds a caller goes through joining flights that cannot vouch for it, before it reads on its own. */
const MAX_ROUNDS = 3;

/**
 * The read-through path with every stampede defence, in order of cost:
 * in-process single-flight → one Redis read that also takes the lease on a
 * miss → waiters woken by the landing value (bounded by `lock.wait`, taking
 * over when the holder's lease lapses) → the loader, whose result is written
 * only if no write, delete or invalidation of the key happened meanwhile.
 * Early refresh (XFetch) and stale-while-revalidate refresh in the
 * background under the same lease; stale-if-error serves the old value when
 * the loader fails, and takes the lease like any refresh.
 *
 * Every result a flight shares comes from a read sent, or a loader started,
 * after the callers that receive it started (see SingleFlight), so a call
 * that starts after a change resolved — here or on another instance — never
 * gets the value from before it.
 */
export class LoadCoordinator {
  private readonly writer: EntryWriter;

  constructor(
    private readonly engine: CacheEngine,
    private readonly keySpace: KeySpace,
  ) {
    this.writer = new EntryWriter(engine, keySpace);
  }

  /** Joiners a flight cannot vouch for go round again, a bounded number of times, then read on their own. */
  fetch<T>(plan: LoadPlan<T>, round = 0): Promise<CacheFetchResult<T>> {
    const local = this.engine.l1Get(this.keySpace.namespace, plan.key, plan.options.l1);
    if (local) {
      this.engine.counters.increment(this.keySpace.namespace, 'hits', 1, { key: plan.key });
      return Promise.resolve({ value: local.value as T, outcome: 'hit' });
    }
    if (round >= MAX_ROUNDS) return this.resolve(plan, soloFlight()).then((flight) => flight.result);
    return this.engine.singleFlight.run(
      this.flightKey(plan.key),
      (control) => this.resolve(plan, control),
      () => this.fetch(plan, round + 1),
    );
  }

  private async resolve<T>(plan: LoadPlan<T>, control: FlightControl): Promise<Flight<CacheFetchResult<T>>> {
    const { engine } = this;
    const namespace = this.keySpace.namespace;
    const locking = plan.options.lock !== false;
    const token = this.engine.leaseToken();
    if (!engine.available(this.route(plan.key))) return this.withoutStore(plan, control);
    const generation = engine.l1Generation(namespace);
    const vouched = control.validating();
    let outcome: ReadOutcome;
    try {
      outcome = await engine.guard(
        namespace,
        () =>
          readEntry(engine, this.keySpace, plan.key, plan.tags, {
            peekFirst: plan.peekFirst,
            // A stale entry is refreshed under the lease whatever this call's own options: the stale window may
            // come from another caller of the key, and a refresh is a load like any other.
            lease: locking ? { token, ttlMs: plan.leaseTtlMs, whenStale: true } : undefined,
          }),
        this.route(plan.key),
      );
    } catch (error) {
      return this.withoutStore(plan, control, error);
    }

    if (outcome.state === 'fresh') {
      engine.counters.increment(namespace, 'hits', 1, { key: plan.key });
      engine.l1Fill(namespace, outcome, plan.options.l1, generation);
      this.maybeRefreshEarly(plan, outcome);
      return { result: { value: outcome.value as T, outcome: 'hit' }, validatedAt: vouched };
    }
    if (outcome.state === 'stale') {
      const staleAge = outcome.read.now - outcome.entry!.logicalExpireAt;
      if (staleAge < plan.swrMs) {
        engine.counters.increment(namespace, 'staleServes', 1, { key: plan.key });
        if (outcome.read.lease === 0 || !locking)
          this.refreshInBackground(plan, outcome, outcome.read.lease === 0 ? token : undefined);
        return { result: { value: outcome.value as T, outcome: 'stale' }, validatedAt: vouched };
      }
      if (staleAge < plan.sieMs && (engine.errorBackoffUntil.get(this.backoffKey(plan.key)) ?? 0) > Date.now()) {
        engine.counters.increment(namespace, 'staleServes', 1, { key: plan.key });
        // backing off: the lease this read took is not needed, and others must not wait on it
        if (outcome.read.lease === 0) void this.writer.releaseLease(outcome.keys, token).catch(() => undefined);
        return { result: { value: outcome.value as T, outcome: 'stale' }, validatedAt: vouched };
      }
    }
    engine.counters.increment(namespace, 'misses', 1, { key: plan.key });
    try {
      outcome = await this.leased(plan, outcome, token);
    } catch (error) {
      return this.withoutStore(plan, control, error);
    }
    return this.loadUnderLease(plan, outcome, token, control, vouched);
  }

  /**
   * An entry still in Redis that its tags or the namespace generation
   * invalidated (or that cannot be decoded) is a miss the read script could
   * not see, so it took no lease: take it now, so one instance loads.
   */
  private async leased<T>(plan: LoadPlan<T>, outcome: ReadOutcome, token: string): Promise<ReadOutcome> {
    if (plan.options.lock === false || outcome.read.lease >= 0) return outcome;
    const lease = await this.engine.guard(
      this.keySpace.namespace,
      () => this.engine.store.entries.acquireLease(outcome.keys.lease, token, plan.leaseTtlMs),
      this.route(plan.key),
    );
    return { ...outcome, read: { ...outcome.read, lease } };
  }

  /** Waits while another instance holds the lease, then loads (with the lease if it came to us). */
  private async loadUnderLease<T>(
    plan: LoadPlan<T>,
    first: ReadOutcome,
    token: string,
    control: FlightControl,
    firstVouched: number,
  ): Promise<Flight<CacheFetchResult<T>>> {
    const { engine } = this;
    const namespace = this.keySpace.namespace;
    let outcome = first;
    let vouched = firstVouched;
    let lease = first.read.lease;
    let wokenByTimer = false;
    const deadline = Date.now() + plan.waitMs;
    if (lease > 0) engine.counters.increment(namespace, 'leaseWaits');
    // Waiting: whatever this flight serves comes from a read or a load still to come, so callers may join.
    control.reopen();
    while (lease > 0 && Date.now() < deadline) {
      const registry = engine.wakeRegistry(this.keySpace);
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
            readEntry(engine, this.keySpace, plan.key, plan.tags, {
              lease: { token, ttlMs: plan.leaseTtlMs, whenStale: true },
            }),
          this.route(plan.key),
        );
        if (outcome.state === 'fresh') {
          return { result: { value: outcome.value as T, outcome: 'hit' }, validatedAt: vouched };
        }
        if (outcome.state === 'stale' && outcome.read.now - outcome.entry!.logicalExpireAt < plan.swrMs) {
          if (outcome.read.lease === 0) this.refreshInBackground(plan, outcome, token);
          return { result: { value: outcome.value as T, outcome: 'stale' }, validatedAt: vouched };
        }
        outcome = await this.leased(plan, outcome, token);
        lease = outcome.read.lease;
        if (lease === 0) break;
        control.reopen();
        const woken = await waiter.wait(Math.min(deadline - Date.now(), lease + 5));
        if (woken) engine.counters.increment(namespace, 'wakeUps');
        wokenByTimer = !woken;
      } catch (error) {
        return this.withoutStore(plan, control, error);
      } finally {
        waiter.cancel();
      }
    }
    if (lease === 0 && wokenByTimer) engine.counters.increment(namespace, 'takeovers');
    return this.load(plan, outcome, lease === 0 ? token : undefined, control, vouched);
  }

  /**
   * Runs the loader and writes its value, conditionally on the fence the load
   * claimed before it started. Callers that joined before the loader started
   * share its value; later joiners only once a read sent after the write
   * shows that nothing moved since the claim.
   */
  private async load<T>(
    plan: LoadPlan<T>,
    before: ReadOutcome,
    leaseToken: string | undefined,
    control: FlightControl,
    vouched: number,
  ): Promise<Flight<CacheFetchResult<T>>> {
    const { engine } = this;
    const namespace = this.keySpace.namespace;
    // Callers that join from here on get a value loaded after they started, or one confirmed after the write.
    control.reopen();
    const holdMs = fenceHoldMs(plan);
    const lease = leaseToken ? { token: leaseToken, ttlMs: plan.leaseTtlMs } : undefined;
    const claim = await LoadClaim.begin(engine, this.writer, before.keys, plan.tags, holdMs, lease);
    claim.hold(leaseToken, plan.leaseTtlMs, holdMs);
    const loaderMark = control.mark();
    const started = performance.now();
    let value: T;
    try {
      value = await plan.loader();
      engine.counters.increment(namespace, 'loads', 1, { key: plan.key, durationMs: performance.now() - started });
    } catch (error) {
      claim.release();
      engine.counters.increment(namespace, 'loadErrors', 1, {
        key: plan.key,
        durationMs: performance.now() - started,
        error,
      });
      if (leaseToken) void this.writer.releaseLease(before.keys, leaseToken).catch(() => undefined);
      return { result: this.staleIfError(plan, before, error), validatedAt: vouched };
    }
    claim.release();
    const result: CacheFetchResult<T> = { value, outcome: 'miss' };
    const shared: Flight<CacheFetchResult<T>> = { result, validatedAt: loaderMark };
    try {
      const recordable = await claim.recordable();
      if (!recordable) {
        if (leaseToken) void this.writer.releaseLease(before.keys, leaseToken).catch(() => undefined);
        return shared;
      }
      const { fence, versions } = recordable;
      const deltaMs = performance.now() - started;
      const write = await this.writer.writeLoaded(
        plan.key,
        value,
        plan.options,
        plan.tags,
        versions,
        before,
        fence,
        leaseToken,
        deltaMs,
      );
      if (write === 'superseded') return shared;
      if (write === 'written') engine.changed(namespace, { op: 'set', keys: [plan.key] });
      // Callers that joined while the loader ran may have started after a change that landed meanwhile.
      if (control.joinedSince(loaderMark)) {
        const confirmed = control.validating();
        if (await this.writer.unchangedSince(before.keys, fence, versions, plan.tags)) {
          return { result, validatedAt: confirmed };
        }
      }
    } catch (error) {
      engine.warnOnce(
        `write:${namespace}`,
        `cache "${namespace}": could not store "${plan.key}": ${(error as Error).message}`,
      );
    }
    return shared;
  }

  private staleIfError<T>(plan: LoadPlan<T>, before: ReadOutcome, error: unknown): CacheFetchResult<T> {
    const entry = before.entry;
    if (before.state === 'stale' && entry && before.read.now - entry.logicalExpireAt < plan.sieMs) {
      this.engine.errorBackoffUntil.set(this.backoffKey(plan.key), Date.now() + Math.min(5_000, plan.sieMs));
      if (this.engine.errorBackoffUntil.size > 10_000) this.engine.errorBackoffUntil.clear();
      this.engine.counters.increment(this.keySpace.namespace, 'staleServes');
      return { value: before.value as T, outcome: 'stale' };
    }
    throw error;
  }

  /**
   * Redis is unavailable: the loader answers (fail-open), or the error
   * surfaces when failOpen is off. Only callers that started before the
   * loader share its value.
   */
  private async withoutStore<T>(
    plan: LoadPlan<T>,
    control: FlightControl,
    error?: unknown,
  ): Promise<Flight<CacheFetchResult<T>>> {
    if (!this.engine.options.failOpen && error !== undefined) throw error;
    const loaderMark = control.validating();
    const value = await plan.loader();
    this.engine.counters.increment(this.keySpace.namespace, 'loads');
    return { result: { value, outcome: 'miss' }, validatedAt: loaderMark };
  }

  private maybeRefreshEarly<T>(plan: LoadPlan<T>, outcome: ReadOutcome): void {
    const early = plan.options.earlyRefresh;
    const entry = outcome.entry!;
    if (!early || !shouldRefreshEarly(outcome.read.now, entry.logicalExpireAt, entry.deltaMs, early.beta ?? 1)) return;
    this.engine.counters.increment(this.keySpace.namespace, 'earlyRefreshes', 1, { key: plan.key });
    this.refreshInBackground(plan, outcome, undefined);
  }

  /** One background refresh per key and process, under the lease (taken here unless already held). */
  private refreshInBackground<T>(plan: LoadPlan<T>, outcome: ReadOutcome, heldToken: string | undefined): void {
    const { engine } = this;
    const namespace = this.keySpace.namespace;
    const refresh = async (): Promise<Flight<void>> => {
      let token = heldToken;
      if (!token && plan.options.lock !== false) {
        token = this.engine.leaseToken();
        const state = await engine.guard(
          namespace,
          () => engine.store.entries.acquireLease(outcome.keys.lease, token!, plan.leaseTtlMs),
          outcome.keys.lease,
        );
        if (state !== 0) return { result: undefined, validatedAt: SHARED }; // another instance is refreshing it
      }
      const solo = soloFlight();
      await this.load(plan, outcome, token, solo, solo.mark());
      return { result: undefined, validatedAt: SHARED };
    };
    void engine.singleFlight
      .run(`${namespace}\0refresh\0${plan.key}`, refresh, async () => undefined)
      .catch((error) =>
        engine.warnOnce(
          `refresh:${namespace}`,
          `cache "${namespace}": background refresh of "${plan.key}" failed: ${(error as Error).message}`,
        ),
      );
  }

  /** The Redis key whose node serves `key`'s calls (its breaker guards them). */
  private route(key: string): string {
    return this.keySpace.entry(key).entry;
  }

  private flightKey(key: string): string {
    return `${this.keySpace.namespace}\0${key}`;
  }

  private backoffKey(key: string): string {
    return `${this.keySpace.namespace}\0${key}`;
  }
}
