import { sleep } from '../shared/sleep.js';
import { planFlush } from './flush-plan.js';
import { dispatch } from './flush-dispatch.js';
import { dropOwnership, lostLease, reclaim, releaseOwnership, takeOwnership } from './flusher-ownership.js';
import { flusherState, type FlusherCounters, type FlusherState, type QueueFlusherDeps } from './flusher-state.js';

/**
 * The flusher of one queue in one instance. At most one instance flushes a
 * queue at a time (an ownership lease, extended while it lives), which is
 * what keeps writes of a key in order and stops two instances from
 * persisting the same entry. The others stand by and take over when the
 * lease runs out; the new owner first claims everything the old one had
 * been handed and not acknowledged, so nothing is left behind and older
 * entries still go first (`flusher-ownership.ts`). Every read, claim,
 * acknowledgement and dead-letter move carries the lease token and is
 * refused once it no longer holds the lease, so an owner that stalled past it
 * cannot take or settle entries behind its successor's back; and the owner
 * claims idle entries again every visibility timeout, so nothing handed to
 * anyone else stays stuck.
 *
 * This file is the pass loop: each pass acknowledges what is owed, reclaims,
 * reads new entries, plans a batch (`flush-plan.ts`) and dispatches it to the
 * handler (`flush-dispatch.ts`), which settles each unit
 * (`flush-settlement.ts`: acknowledged, retried or dead-lettered).
 */
export class QueueFlusher {
  private readonly state: FlusherState;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<boolean> = Promise.resolve(false);
  private started = false;
  private readUpToDate = false;
  /** The error of the first failed pass in a row, until one succeeds: one log line per change. */
  private failing: string | undefined;

  constructor(private readonly deps: QueueFlusherDeps) {
    this.state = flusherState(deps);
  }

  get counters(): FlusherCounters {
    return this.state.counters;
  }

  get flushing(): boolean {
    return this.state.owner !== undefined && !this.state.owner.lost;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.schedule(0);
  }

  /** Runs one flush pass now (after any pass in progress); true when more work is ready. */
  flushOnce(): Promise<boolean> {
    this.running = this.running.then(
      () => this.pass(),
      () => this.pass(),
    );
    return this.running;
  }

  /**
   * Flushes until the queue is empty, this instance is not its flusher, or
   * `deadline` (performance clock) passes. Returns the entries left held here.
   */
  async drain(deadline: number): Promise<number> {
    const { state } = this;
    while (performance.now() < deadline) {
      let more: boolean;
      try {
        more = await this.flushOnce();
      } catch {
        more = false; // logged once by the pass itself
      }
      if (!this.flushing) return state.held.length;
      if (state.held.length === 0 && this.readUpToDate && state.persistedUnacked.length === 0) return 0;
      if (!more) await sleep(Math.min(this.nextRetryIn(), deadline - performance.now(), 100));
    }
    return state.held.length;
  }

  /** Stops flushing and gives the ownership lease back, so a standby takes over at once. */
  async stop(): Promise<void> {
    this.started = false;
    clearTimeout(this.timer);
    await this.running.catch(() => false);
    await releaseOwnership(this.state);
  }

  private schedule(ms: number): void {
    if (!this.started) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      void this.flushOnce()
        .then((more) => this.schedule(more ? 0 : Math.min(this.deps.options.intervalMs, this.nextRetryIn())))
        .catch(() => this.schedule(this.deps.options.intervalMs));
    }, ms);
  }

  private nextRetryIn(): number {
    const now = performance.now();
    let next = Infinity;
    for (const item of this.state.held) if (item.retryAt > now) next = Math.min(next, item.retryAt - now);
    return Number.isFinite(next) ? Math.max(1, Math.ceil(next)) : this.deps.options.intervalMs;
  }

  private async pass(): Promise<boolean> {
    try {
      const more = await this.passUnlogged();
      if (this.failing !== undefined) {
        this.failing = undefined;
        this.deps.logger.log(`Write-behind queue "${this.deps.queue}": flushing again.`);
      }
      return more;
    } catch (error) {
      if (this.failing === undefined) {
        this.failing = (error as Error).message;
        this.deps.logger.warn(
          `Write-behind queue "${this.deps.queue}": flushing stopped (${this.failing}); entries stay queued in Redis, ` +
            `retrying every ${this.deps.options.intervalMs} ms.`,
        );
      }
      throw error;
    }
  }

  private dispatch(units: ReturnType<typeof planFlush>): Promise<void> {
    const { telemetry, queue } = this.deps;
    if (!telemetry) return dispatch(this.state, units);
    const entries = units.reduce((sum, unit) => sum + unit.covered.length, 0);
    return telemetry.flush(queue, entries, this.state.counters, () => dispatch(this.state, units));
  }

  private async passUnlogged(): Promise<boolean> {
    const { state } = this;
    const { store, keys, options, consumer } = this.deps;
    if (state.owner?.lost) dropOwnership(state);
    if (!state.owner && !(await takeOwnership(state))) return false;
    const token = state.owner!.token;
    if (state.persistedUnacked.length > 0) {
      if (!(await store.ack(keys, state.persistedUnacked, token))) return lostLease(state);
      state.persistedUnacked = [];
    }
    if (performance.now() - state.lastReclaimAt >= options.visibilityTimeoutMs && !(await reclaim(state, token))) {
      return lostLease(state);
    }
    let readFull = false;
    if (state.held.length < options.batchSize * 4) {
      const read = await store.readNew(keys, consumer, options.batchSize, token);
      if (!read) return lostLease(state);
      for (const entry of read.entries) state.held.push({ entry, attempts: 0, retryAt: 0 });
      readFull = read.entries.length === options.batchSize;
      this.readUpToDate = read.entries.length === 0;
      // Orphans of another consumer may be older writes of the keys just read: take them first, in order.
      if (read.othersPending && !(await reclaim(state, token, 0))) return lostLease(state);
    }
    const units = planFlush(state.held, performance.now(), options.batchSize, options.coalesce);
    if (units.length > 0) await this.dispatch(units);
    if (!state.owner) return false; // the lease was lost during the pass
    return readFull || (units.length > 0 && planFlush(state.held, performance.now(), 1, false).length > 0);
  }
}
