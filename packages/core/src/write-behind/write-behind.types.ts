import type { Duration } from '../shared/duration.js';

/** How a queue batches, retries and pushes back. Every field has a default (see `WRITE_BEHIND_DEFAULTS`). */
export interface WriteBehindQueueOptions {
  batch?: {
    /** Most entries handed to the handler in one flush. Default 100. */
    size?: number;
    /** How often the flusher looks for entries when the queue is not full of work. Default `'1s'`. */
    interval?: Duration;
  };
  /**
   * Persist only the last write per key within a batch (earlier ones are
   * acknowledged with it). Right for full-state upserts; leave it off for
   * deltas such as counters. Default false.
   */
  coalesce?: boolean;
  /** Failed attempts before an entry moves to the dead-letter stream. Default 5. */
  maxAttempts?: number;
  /** Retry delay: `initial · 2^(attempt-1)`, at most `max`, with jitter (50–100 %). Defaults `'200ms'` and `'30s'`. */
  backoff?: { initial?: Duration; max?: Duration };
  /** Entries the queue may hold before appends push back. Default 10 000. */
  maxPending?: number;
  /** When full: `'wait'` (up to `fullWait`, then `WriteBehindError`) or `'error'` at once. Default `'wait'`. */
  onFull?: 'wait' | 'error';
  /** Longest an append waits for room with `onFull: 'wait'`. Default `'30s'`. */
  fullWait?: Duration;
  /**
   * How long the flusher's ownership lease lives without renewal: a flusher
   * that died is replaced, and its unacknowledged entries reclaimed, after
   * at most this long. Default `'30s'`.
   */
  visibilityTimeout?: Duration;
  /**
   * What a resolved `append` promises. `'primary'` (default): the entry is in
   * the primary's memory (and its AOF, as far as `appendfsync` goes).
   * `'replica'`: also acknowledged by at least one replica (`WAIT 1`, sent in
   * the same round trip), within `replicaTimeout`; otherwise `append` rejects
   * with `WriteBehindNotReplicatedError`. See docs/write-patterns.md.
   */
  durability?: 'primary' | 'replica';
  /** Longest `append` waits for a replica with `durability: 'replica'`; keep it below `commandTimeout`. Default `'1s'`. */
  replicaTimeout?: Duration;
}

export interface ResolvedQueueOptions {
  batchSize: number;
  intervalMs: number;
  coalesce: boolean;
  maxAttempts: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
  maxPending: number;
  onFull: 'wait' | 'error';
  fullWaitMs: number;
  visibilityTimeoutMs: number;
  durability: 'primary' | 'replica';
  replicaTimeoutMs: number;
}

/** One recorded call, as the handler receives it. */
export interface WriteBehindItem<TArgs extends unknown[] = unknown[], TValue = unknown> {
  queue: string;
  /** Stream ID of this entry. */
  id: string;
  key: string;
  op: 'write' | 'delete';
  /** The arguments the call was made with (deserialized). */
  args: TArgs;
  /** The value the cache was given, when one was appended. */
  value: TValue | undefined;
  /**
   * Increases with every append to the queue and survives a dead-letter
   * replay: persist it and refuse older ones (`WHERE stored.version <
   * excluded.version`) to make redelivery and replays harmless.
   */
  version: bigint;
  /** Earlier failed attempts of this entry. */
  attempts: number;
  /** Entries of the same key this one stands for (coalescing); 1 without. */
  coalesced: number;
  /** Fencing token of the flusher's ownership lease. */
  fencingToken: number;
}

/** Persists one item; called in order per key, different keys possibly concurrently. */
export interface WriteBehindItemHandler {
  handle(item: WriteBehindItem): Promise<void>;
}

/**
 * Persists a batch (ideally in one statement or transaction). Items are in
 * append order; without coalescing a key may appear more than once. A batch
 * that throws is retried item by item, so one bad item cannot hold the rest.
 */
export interface WriteBehindBatchHandler {
  handleBatch(items: WriteBehindItem[]): Promise<void>;
}

export type WriteBehindHandler = WriteBehindItemHandler | WriteBehindBatchHandler;

/** What the binder appends for one call. */
export interface WriteBehindAppend {
  key: string;
  /** The call's arguments, serialized with the queue's serializer and handed back to the handler. */
  args: unknown[];
  /** The new value, kept in the pending overlay until persisted (omit for none). */
  value?: unknown;
  /** `'delete'` records a removal: the overlay then reports the key as deleted. Default `'write'`. */
  op?: 'write' | 'delete';
}

/** Until its newest write is persisted, what a key reads as. */
export type PendingRead<TValue = unknown> = { op: 'write'; value: TValue } | { op: 'delete' };

export interface WriteBehindQueueStats {
  queue: string;
  /** Entries appended and not yet persisted or dead-lettered (all instances). */
  depth: number;
  /** Age of the oldest of them, ms (Redis's clock); null when none. */
  oldestPendingAgeMs: number | null;
  deadLetters: number;
  /** Counted in this instance: */
  appended: number;
  flushed: number;
  retried: number;
  deadLettered: number;
  /** Handler calls (a batch call counts once). */
  handlerCalls: number;
  /** True while this instance is the queue's flusher. */
  flushing: boolean;
}

export interface DeadLetterView<TArgs extends unknown[] = unknown[], TValue = unknown> {
  /** Pass to `replayDeadLetters` / `purgeDeadLetters`. */
  deadId: string;
  id: string;
  key: string;
  op: 'write' | 'delete';
  args: TArgs;
  value: TValue | undefined;
  version: bigint;
  error: string;
  attempts: number;
  failedAt: Date;
}

/** What `replayDeadLetters` did: how many went back on the queue, and which a newer write of their key superseded. */
export type { ReplayOutcome as DeadLetterReplay, SupersededDeadLetter } from '../store/queue.store.js';
