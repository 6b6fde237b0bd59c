import type { CacheEngine } from '../cache/cache-engine.js';
import type { CacheFetchResult, GetOrSetOptions } from '../cache/cache.types.js';
import { readEntry, type ReadOutcome } from '../cache/entry-reader.js';
import { EntryWriter } from '../cache/entry-writer.js';
import { toMs } from '../shared/duration.js';
import type { KeySpace } from '../store/key-space.js';
import type { Flight } from './single-flight.js';
import { shouldRefreshEarly } from './xfetch.js';

/** A loader call as the coordinator sees it, with its options resolved to ms. */
interface LoadPlan<T> {
  key: string;
  loader: () => Promise<T>;
  options: GetOrSetOptions<T>;
  tags: readonly string[];
  leaseTtlMs: number;
  waitMs: number;
  swrMs: number;
  sieMs: number;
  /** Nothing about this call needs the server clock or a script on a hit: try a plain MGET first. */
  peekFirst: boolean;
}

/**
 * The read-through path with every stampede defence, in order of cost:
 * in-process single-flight → one Redis read that also takes the lease on a
 * miss → waiters woken by the landing value (bounded by `lock.wait`, taking
 * over when the holder's lease lapses) → the loader, whose result is written
 * only if no write, delete or invalidation of the key happened meanwhile.
 * Early refresh (XFetch) and stale-while-revalidate refresh in the
 * background under the same lease; stale-if-error serves the old value when
 * the loader fails.
 */
export class LoadCoordinator {
  private readonly writer: EntryWriter;

  constructor(
    private readonly engine: CacheEngine,
    private readonly keySpace: KeySpace,
  ) {
    this.writer = new EntryWriter(engine, keySpace);
  }

  /** Joiners of a superseded flight go round again, a bounded number of times. */
  fetch<T>(plan: LoadPlan<T>, round = 0): Promise<CacheFetchResult<T>> {
    const local = this.engine.l1Get(this.keySpace.namespace, plan.key, plan.options.l1);
    if (local) {
      this.engine.counters.increment(this.keySpace.namespace, 'hits', 1, { key: plan.key });
      return Promise.resolve({ value: local.value as T, outcome: 'hit' });
    }
    return this.engine.singleFlight.run(
      this.flightKey(plan.key),
      () => this.resolve(plan),
      (flight) => (round < 3 ? this.fetch(plan, round + 1) : Promise.resolve(flight.result)),
    );
  }

  static plan<T>(engine: CacheEngine, key: string, loader: () => Promise<T>, options: GetOrSetOptions<T>): LoadPlan<T> {
    const lock = options.lock === false ? undefined : options.lock;
    return {
      key,
      loader,
      options,
      tags: options.tags ?? [],
      leaseTtlMs: lock?.ttl === undefined ? engine.options.lockTtlMs : toMs(lock.ttl, 'lock.ttl'),
      waitMs:
        options.lock === false
          ? 0
          : lock?.wait === undefined
            ? engine.options.lockWaitMs
            : toMs(lock.wait, 'lock.wait', { allowZero: true }),
      swrMs:
        options.staleWhileRevalidate === undefined ? 0 : toMs(options.staleWhileRevalidate, 'staleWhileRevalidate'),
      sieMs: options.staleIfError === undefined ? 0 : toMs(options.staleIfError, 'staleIfError'),
      peekFirst:
        !options.sliding &&
        !options.earlyRefresh &&
        options.staleWhileRevalidate === undefined &&
        options.staleIfError === undefined,
    };
  }

  private async resolve<T>(plan: LoadPlan<T>): Promise<Flight<CacheFetchResult<T>>> {
    const { engine } = this;
    const namespace = this.keySpace.namespace;
    const locking = plan.options.lock !== false;
    const token = this.engine.leaseToken();
    if (!engine.available(this.route(plan.key))) return settled(await this.loadWithoutStore(plan));
    const generation = engine.l1Generation(namespace);
    let outcome: ReadOutcome;
    try {
      outcome = await engine.guard(
        namespace,
        () =>
          readEntry(engine, this.keySpace, plan.key, plan.tags, {
            peekFirst: plan.peekFirst,
            lease: locking ? { token, ttlMs: plan.leaseTtlMs, whenStale: plan.swrMs > 0 } : undefined,
          }),
        this.route(plan.key),
      );
    } catch (error) {
      return settled(await this.loadWithoutStore(plan, error));
    }

    if (outcome.state === 'fresh') {
      engine.counters.increment(namespace, 'hits', 1, { key: plan.key });
      engine.l1Fill(namespace, outcome, plan.options.l1, generation);
      this.maybeRefreshEarly(plan, outcome);
      return settled({ value: outcome.value as T, outcome: 'hit' });
    }
    if (outcome.state === 'stale') {
      const staleAge = outcome.read.now - outcome.entry!.logicalExpireAt;
      if (staleAge < plan.swrMs) {
        engine.counters.increment(namespace, 'staleServes', 1, { key: plan.key });
        if (outcome.read.lease === 0 || !locking)
          this.refreshInBackground(plan, outcome, outcome.read.lease === 0 ? token : undefined);
        return settled({ value: outcome.value as T, outcome: 'stale' });
      }
      if (staleAge < plan.sieMs && (engine.errorBackoffUntil.get(this.backoffKey(plan.key)) ?? 0) > Date.now()) {
        engine.counters.increment(namespace, 'staleServes', 1, { key: plan.key });
        return settled({ value: outcome.value as T, outcome: 'stale' });
      }
    }
    engine.counters.increment(namespace, 'misses', 1, { key: plan.key });
    return this.loadUnderLease(plan, outcome, token);
  }

  /** Waits while another instance holds the lease, then loads (with the lease if it came to us). */
  private async loadUnderLease<T>(
    plan: LoadPlan<T>,
    first: ReadOutcome,
    token: string,
  ): Promise<Flight<CacheFetchResult<T>>> {
    const { engine } = this;
    const namespace = this.keySpace.namespace;
    let outcome = first;
    let lease = first.read.lease;
    let wokenByTimer = false;
    const deadline = Date.now() + plan.waitMs;
    if (lease > 0) engine.counters.increment(namespace, 'leaseWaits');
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
        outcome = await engine.guard(
          namespace,
          () =>
            readEntry(engine, this.keySpace, plan.key, plan.tags, {
              lease: { token, ttlMs: plan.leaseTtlMs, whenStale: false },
            }),
          this.route(plan.key),
        );
        if (outcome.state === 'fresh') return settled({ value: outcome.value as T, outcome: 'hit' });
        if (outcome.state === 'stale' && outcome.read.now - outcome.entry!.logicalExpireAt < plan.swrMs) {
          return settled({ value: outcome.value as T, outcome: 'stale' });
        }
        lease = outcome.read.lease;
        if (lease === 0) break;
        const woken = await waiter.wait(Math.min(deadline - Date.now(), lease + 5));
        if (woken) engine.counters.increment(namespace, 'wakeUps');
        wokenByTimer = !woken;
      } catch (error) {
        return settled(await this.loadWithoutStore(plan, error));
      } finally {
        waiter.cancel();
      }
    }
    if (lease === 0 && wokenByTimer) engine.counters.increment(namespace, 'takeovers');
    return this.load(plan, outcome, lease === 0 ? token : undefined);
  }

  /** Runs the loader and writes its value (conditionally on the fence seen before it started). */
  private async load<T>(
    plan: LoadPlan<T>,
    before: ReadOutcome,
    leaseToken: string | undefined,
  ): Promise<Flight<CacheFetchResult<T>>> {
    const { engine } = this;
    const namespace = this.keySpace.namespace;
    let versions: string[] | undefined;
    try {
      versions = await engine.guard(namespace, () => this.writer.tagVersions(plan.tags), this.route(plan.key));
    } catch {
      versions = undefined; // cannot record tag state, so the value must not be cached
    }
    const extender = leaseToken ? this.keepLease(plan, before, leaseToken) : undefined;
    const started = performance.now();
    let value: T;
    try {
      value = await plan.loader();
      engine.counters.increment(namespace, 'loads', 1, { key: plan.key, durationMs: performance.now() - started });
    } catch (error) {
      clearInterval(extender);
      engine.counters.increment(namespace, 'loadErrors', 1, {
        key: plan.key,
        durationMs: performance.now() - started,
        error,
      });
      if (leaseToken) void this.writer.releaseLease(before.keys, leaseToken).catch(() => undefined);
      return settled(this.staleIfError(plan, before, error));
    }
    clearInterval(extender);
    const result: CacheFetchResult<T> = { value, outcome: 'miss' };
    if (!versions) {
      if (leaseToken) void this.writer.releaseLease(before.keys, leaseToken).catch(() => undefined);
      return settled(result);
    }
    try {
      const deltaMs = performance.now() - started;
      const write = await this.writer.writeLoaded(
        plan.key,
        value,
        plan.options,
        plan.tags,
        versions,
        before,
        leaseToken,
        deltaMs,
      );
      if (write === 'superseded') return { result, superseded: true };
      if (write === 'written') engine.changed(namespace, { op: 'set', keys: [plan.key] });
      // Joiners may have arrived after a change that landed during the load: confirm nothing moved.
      if (engine.singleFlight.hasJoiners(this.flightKey(plan.key))) {
        return { result, superseded: !(await this.writer.unchangedSince(before, versions, plan.tags)) };
      }
    } catch (error) {
      engine.warnOnce(
        `write:${namespace}`,
        `cache "${namespace}": could not store "${plan.key}": ${(error as Error).message}`,
      );
    }
    return settled(result);
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

  /** Redis is unavailable: the loader answers (fail-open), or the error surfaces when failOpen is off. */
  private async loadWithoutStore<T>(plan: LoadPlan<T>, error?: unknown): Promise<CacheFetchResult<T>> {
    if (!this.engine.options.failOpen && error !== undefined) throw error;
    const value = await plan.loader();
    this.engine.counters.increment(this.keySpace.namespace, 'loads');
    return { value, outcome: 'miss' };
  }

  private keepLease<T>(plan: LoadPlan<T>, before: ReadOutcome, token: string): NodeJS.Timeout {
    const timer = setInterval(
      () => {
        void this.engine.store.entries.extendLease(before.keys.lease, token, plan.leaseTtlMs).catch(() => undefined);
      },
      Math.max(50, Math.floor(plan.leaseTtlMs / 3)),
    );
    timer.unref();
    return timer;
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
        if (state !== 0) return settled(undefined); // another instance is refreshing it
      }
      await this.load(plan, outcome, token);
      return settled(undefined);
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

function settled<T>(result: T): Flight<T> {
  return { result, superseded: false };
}
