import { randomUUID } from 'node:crypto';
import type { Serializer } from '../cache/serializer.js';
import { HeldLock } from '../lock/held-lock.js';
import type { QueueEntry, QueueKeys, QueueStore } from '../store/queue.store.js';
import { compareStreamIds, streamIdVersion } from '../store/queues/stream-id.js';
import type { CacheLogger } from '../telemetry/logger.js';
import { planFlush, type FlushUnit, type HeldEntry } from './flush-plan.js';
import { runHandler } from './run-handler.js';
import { retryDelayMs } from './write-behind-options.js';
import type { ResolvedQueueOptions, WriteBehindHandler, WriteBehindItem } from './write-behind.types.js';
import { sleep } from '../shared/sleep.js';

export interface QueueFlusherDeps {
  queue: string;
  keys: QueueKeys;
  store: QueueStore;
  options: ResolvedQueueOptions;
  handler: WriteBehindHandler;
  /** This instance's consumer name in the group. */
  consumer: string;
  serializer: Serializer;
  logger: CacheLogger;
  /** Where the ownership lease announces its release. */
  releaseChannel: string;
}

export interface FlusherCounters {
  flushed: number;
  retried: number;
  deadLettered: number;
  handlerCalls: number;
}

const FENCE_TTL_MS = 7 * 86_400_000;

/** Thrown instead of calling the handler once the lease is lost; never leaves the flusher. */
const LEASE_LOST = new Error('the flusher lease was lost');

/**
 * The flusher of one queue in one instance. At most one instance flushes a
 * queue at a time (an ownership lease, extended while it lives), which is
 * what keeps writes of a key in order and stops two instances from
 * persisting the same entry. The others stand by and take over when the
 * lease runs out; the new owner first claims everything the old one had
 * been handed and not acknowledged, so nothing is left behind and older
 * entries still go first. Every read, claim, acknowledgement and dead-letter
 * move carries the lease token and is refused once it no longer holds the
 * lease, so an owner that stalled past it cannot take or settle entries
 * behind its successor's back; and the owner claims idle entries again every
 * visibility timeout, so nothing handed to anyone else stays stuck.
 */
export class QueueFlusher {
  readonly counters: FlusherCounters = { flushed: 0, retried: 0, deadLettered: 0, handlerCalls: 0 };
  private owner: HeldLock | undefined;
  private held: HeldEntry[] = [];
  /** Persisted, but the acknowledgement did not reach Redis: acknowledge again before anything else. */
  private persistedUnacked: Array<Pick<QueueEntry, 'id' | 'key'>> = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<boolean> = Promise.resolve(false);
  private started = false;
  private readUpToDate = false;
  private lastReclaimAt = 0;
  /** The error of the first failed pass in a row, until one succeeds: one log line per change. */
  private failing: string | undefined;

  constructor(private readonly deps: QueueFlusherDeps) {}

  get flushing(): boolean {
    return this.owner !== undefined && !this.owner.lost;
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
    while (performance.now() < deadline) {
      let more: boolean;
      try {
        more = await this.flushOnce();
      } catch {
        more = false; // logged once by the pass itself
      }
      if (!this.flushing) return this.held.length;
      if (this.held.length === 0 && this.readUpToDate && this.persistedUnacked.length === 0) return 0;
      if (!more) await sleep(Math.min(this.nextRetryIn(), deadline - performance.now(), 100));
    }
    return this.held.length;
  }

  /** Stops flushing and gives the ownership lease back, so a standby takes over at once. */
  async stop(): Promise<void> {
    this.started = false;
    clearTimeout(this.timer);
    await this.running.catch(() => false);
    const owner = this.owner;
    this.owner = undefined;
    if (owner && !owner.lost) {
      owner.stop();
      await this.deps.store.locks
        .release(owner.keys, owner.token, this.deps.releaseChannel, owner.name)
        .catch(() => undefined);
    }
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
    for (const item of this.held) if (item.retryAt > now) next = Math.min(next, item.retryAt - now);
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

  private async passUnlogged(): Promise<boolean> {
    const { store, keys, options, consumer } = this.deps;
    if (this.owner?.lost) this.dropOwnership();
    if (!this.owner && !(await this.takeOwnership())) return false;
    const token = this.owner!.token;
    if (this.persistedUnacked.length > 0) {
      if (!(await store.ack(keys, this.persistedUnacked, token))) return this.lostLease();
      this.persistedUnacked = [];
    }
    if (performance.now() - this.lastReclaimAt >= options.visibilityTimeoutMs && !(await this.reclaim(token))) {
      return this.lostLease();
    }
    let readFull = false;
    if (this.held.length < options.batchSize * 4) {
      const read = await store.readNew(keys, consumer, options.batchSize, token);
      if (!read) return this.lostLease();
      for (const entry of read.entries) this.held.push({ entry, attempts: 0, retryAt: 0 });
      readFull = read.entries.length === options.batchSize;
      this.readUpToDate = read.entries.length === 0;
      // Orphans of another consumer may be older writes of the keys just read: take them first, in order.
      if (read.othersPending && !(await this.reclaim(token, 0))) return this.lostLease();
    }
    const units = planFlush(this.held, performance.now(), options.batchSize, options.coalesce);
    if (units.length > 0) await this.execute(units);
    if (!this.owner) return false; // the lease was lost during the pass
    return readFull || (units.length > 0 && planFlush(this.held, performance.now(), 1, false).length > 0);
  }

  private async takeOwnership(): Promise<boolean> {
    const { store, keys, options, queue, logger } = this.deps;
    const token = randomUUID();
    const lease = await store.locks.acquire(keys.owner, token, options.visibilityTimeoutMs, FENCE_TTL_MS);
    if (!lease.acquired) return false;
    this.owner = new HeldLock(
      store.locks,
      `write-behind:${queue}`,
      keys.owner,
      token,
      lease.fencingToken,
      options.visibilityTimeoutMs,
      logger,
    );
    this.held = [];
    if (!(await this.reclaim(token, 0))) {
      this.dropOwnership();
      return false;
    }
    if (this.held.length > 0) {
      logger.log(
        `Write-behind queue "${queue}": took over flushing and reclaimed ${this.held.length} unacknowledged entries.`,
      );
    }
    return true;
  }

  /**
   * Claims what sits idle in any consumer's pending list (ours included: an
   * entry held here is never idle that long unless it was dropped) and merges
   * it into the held entries in stream order, so per-key order holds. False
   * when the lease is no longer ours.
   */
  private async reclaim(token: string, minIdleMs = this.deps.options.visibilityTimeoutMs): Promise<boolean> {
    const { store, keys, consumer } = this.deps;
    const claimed = await store.claim(keys, consumer, token, minIdleMs);
    if (!claimed) return false;
    this.lastReclaimAt = performance.now();
    const known = new Set(this.held.map((item) => item.entry.id));
    const added = claimed.filter((entry) => !known.has(entry.id));
    if (added.length > 0) {
      this.held.push(...added.map((entry) => ({ entry, attempts: 0, retryAt: 0 })));
      this.held.sort((a, b) => compareStreamIds(a.entry.id, b.entry.id));
    }
    return true;
  }

  /** A fenced call was refused: another instance holds the lease now. */
  private lostLease(): false {
    this.owner?.stop();
    this.deps.logger.warn(
      `Write-behind queue "${this.deps.queue}": another instance took over flushing (this one stalled past ` +
        `visibilityTimeout); what it held here is the new owner's now.`,
    );
    this.dropOwnership();
    return false;
  }

  private dropOwnership(): void {
    // Whatever we held is now the next owner's to claim; it may persist some of it again (at-least-once).
    this.owner = undefined;
    this.held = [];
    this.persistedUnacked = [];
  }

  private async execute(units: FlushUnit[]): Promise<void> {
    const decoded: Array<{ unit: FlushUnit; item: WriteBehindItem }> = [];
    for (const unit of units) {
      try {
        decoded.push({ unit, item: this.toItem(unit) });
      } catch (error) {
        // An entry that cannot be read back will never succeed: dead-letter it now, keep the rest going.
        await this.deadLetter(unit, `cannot deserialize the recorded call: ${(error as Error).message}`);
      }
    }
    if (decoded.length === 0) return;
    const succeeded = await runHandler(this.deps.handler, decoded, {
      call: (run, items) => this.call(run, items),
      fail: (unit, error) => this.fail(unit, error),
    });
    await this.acknowledge(succeeded);
  }

  private async call(run: () => Promise<void>, items: Array<{ item: WriteBehindItem }>): Promise<void> {
    // Once the lease is gone, persisting more would race the new owner: leave the rest to it.
    if (!this.owner || this.owner.lost) throw LEASE_LOST;
    this.counters.handlerCalls++;
    for (const { item } of items) if (item.attempts > 0) this.counters.retried++;
    await run();
  }

  private async acknowledge(units: FlushUnit[]): Promise<void> {
    if (units.length === 0) return;
    const done = new Set(units.flatMap((unit) => unit.covered));
    this.held = this.held.filter((item) => !done.has(item));
    const entries = [...done].map((item) => ({ id: item.entry.id, key: item.entry.key }));
    this.counters.flushed += entries.length;
    const owner = this.owner;
    if (!owner) return;
    try {
      if (!(await this.deps.store.ack(this.deps.keys, entries, owner.token))) this.lostLease();
    } catch (error) {
      this.persistedUnacked.push(...entries);
      throw error;
    }
  }

  private async fail(unit: FlushUnit, error: unknown): Promise<void> {
    if (error === LEASE_LOST) return;
    const attempts = unit.attempts + 1;
    const message = error instanceof Error ? error.message : String(error);
    if (attempts >= this.deps.options.maxAttempts) {
      await this.deadLetter(unit, message, attempts);
      return;
    }
    const retryAt = performance.now() + retryDelayMs(this.deps.options, attempts);
    for (const item of unit.covered) {
      item.attempts = attempts;
      item.retryAt = retryAt;
    }
    if (attempts === 1) {
      this.deps.logger.warn(
        `Write-behind queue "${this.deps.queue}": persisting key "${unit.entry.key}" failed (${message}); retrying with backoff.`,
      );
    }
  }

  private async deadLetter(unit: FlushUnit, error: string, attempts = unit.attempts + 1): Promise<void> {
    const owner = this.owner;
    if (!owner) return;
    const covered = new Set(unit.covered);
    this.held = this.held.filter((item) => !covered.has(item));
    for (const item of unit.covered) {
      const move = await this.deps.store.deadLetter(this.deps.keys, item.entry, error, attempts, owner.token);
      if (move === 'not-owner') {
        this.lostLease();
        return;
      }
      if (move === 'moved') this.counters.deadLettered++;
    }
    this.deps.logger.error(
      `Write-behind queue "${this.deps.queue}": key "${unit.entry.key}" moved to the dead-letter stream after ` +
        `${attempts} attempt(s): ${error}. List and replay it with deadLetters()/replayDeadLetters().`,
    );
  }

  private toItem(unit: FlushUnit): WriteBehindItem {
    const { entry } = unit;
    const { serializer } = this.deps;
    const args = serializer.deserialize(entry.args);
    if (!Array.isArray(args)) throw new Error('recorded arguments are not an array');
    return {
      queue: this.deps.queue,
      id: entry.id,
      key: entry.key,
      op: entry.op,
      args,
      value: entry.value ? serializer.deserialize(entry.value) : undefined,
      version: streamIdVersion(entry.version),
      attempts: unit.attempts,
      coalesced: unit.covered.length,
      fencingToken: this.owner?.fencingToken ?? 0,
    };
  }
}
