import type { LockKeys, LockStore } from './lock.store.js';

/**
 * The keys of one write-behind queue. They share the hash tag `{<queue>}`,
 * so every queue script touches one Cluster slot.
 */
export interface QueueKeys {
  /** Stream of entries not yet persisted (acknowledged entries are deleted from it). */
  stream: string;
  /** Stream of entries that failed `maxAttempts` times, with their error. */
  dead: string;
  /** Hash: item key → newest pending value (the read-your-writes overlay). */
  pending: string;
  /**
   * Hash: item key → stream ID of the key's newest append, kept for keys that
   * have dead letters: a dead letter is replayed only while it is still the
   * newest write of its key. Emptied whenever the dead-letter stream is.
   */
  newest: string;
  /** Lease of the instance that currently flushes the queue. */
  owner: LockKeys;
}

export type QueueOp = 'write' | 'delete';

/** What the binder appends: the call's arguments and the value the cache now holds. */
export interface QueueAppend {
  key: string;
  op: QueueOp;
  args: Buffer;
  /** Serialized new value for the pending overlay; null when there is none. */
  value: Buffer | null;
}

export interface QueueEntry extends QueueAppend {
  /** Stream ID: the append's position (server time + sequence). */
  id: string;
  /** Stream ID of the original append; differs from `id` only for a replayed dead letter. */
  version: string;
}

export interface DeadLetter extends QueueEntry {
  /** Stream ID in the dead-letter stream (what `replay` and `purge` take). */
  deadId: string;
  error: string;
  attempts: number;
  /** Server time when it was dead-lettered, ms. */
  failedAt: number;
}

/** A dead letter not replayed because a newer write of its key was appended after it. */
export interface SupersededDeadLetter {
  deadId: string;
  /** Stream ID the entry had when it was dead-lettered. */
  id: string;
  key: string;
}

export interface ReplayOutcome {
  replayed: number;
  superseded: SupersededDeadLetter[];
}

/** `moved`; `gone` when the entry was no longer pending; `not-owner` when the token lost the lease. */
export type DeadLetterMove = 'moved' | 'gone' | 'not-owner';

export type AppendResult =
  | { accepted: true; id: string; /** Replicas that acknowledged it, when asked to wait for them. */ replicas?: number }
  | { accepted: false; depth: number };

/** The overlay's view of a key with an unpersisted write. */
export type PendingValue = { id: string; op: 'write'; value: Buffer } | { id: string; op: 'delete' };

export interface QueueDepth {
  /** Entries appended and not yet persisted or dead-lettered. */
  depth: number;
  /** Age of the oldest such entry by the server's clock, ms; null when empty. */
  oldestAgeMs: number | null;
  deadLetters: number;
}

/**
 * The durable queue behind write-behind. On Redis: a stream with one
 * consumer group, a dead-letter stream and an overlay hash. Entries leave the
 * stream only when acknowledged (persisted) or dead-lettered, so its length
 * is the backlog and nothing unacknowledged is ever trimmed.
 */
export interface QueueStore {
  /** Backs the flusher's ownership lease. */
  readonly locks: LockStore;
  /**
   * Durable once resolved (XADD returned); refused (not written) when the
   * queue holds `maxPending`. With `replication`, also waits (same round trip)
   * until that many replicas acknowledged it or `timeoutMs` passed, and says
   * how many did in `replicas`.
   */
  append(
    keys: QueueKeys,
    entry: QueueAppend,
    maxPending: number,
    replication?: { replicas: number; timeoutMs: number },
  ): Promise<AppendResult>;
  /*
   * The flusher's calls below take the token of its owner lease (`keys.owner`)
   * and do nothing unless that token still holds it, atomically with the
   * call: a flusher that stalled past its lease can neither take entries nor
   * settle them once another instance took over.
   */
  /**
   * Entries never delivered before, oldest first; they join `consumer`'s
   * pending list. `othersPending`: another consumer still holds entries (the
   * owner must claim them before persisting newer writes). Null: not the owner.
   */
  readNew(
    keys: QueueKeys,
    consumer: string,
    count: number,
    ownerToken: string,
  ): Promise<{ entries: QueueEntry[]; othersPending: boolean } | null>;
  /**
   * Every delivered-but-unacknowledged entry of the group idle for at least
   * `minIdleMs`, now owned by `consumer`, oldest first. Null: not the owner.
   */
  claim(keys: QueueKeys, consumer: string, ownerToken: string, minIdleMs: number): Promise<QueueEntry[] | null>;
  /** Persisted: acknowledge, delete, clear the overlay where it still shows these entries. False: not the owner. */
  ack(keys: QueueKeys, entries: ReadonlyArray<Pick<QueueEntry, 'id' | 'key'>>, ownerToken: string): Promise<boolean>;
  /** Moves one entry to the dead-letter stream with its error, atomically. */
  deadLetter(
    keys: QueueKeys,
    entry: QueueEntry,
    error: string,
    attempts: number,
    ownerToken: string,
  ): Promise<DeadLetterMove>;
  pendingValue(keys: QueueKeys, key: string): Promise<PendingValue | null>;
  depth(keys: QueueKeys): Promise<QueueDepth>;
  listDead(keys: QueueKeys, count: number, after?: string): Promise<DeadLetter[]>;
  /**
   * Re-appends dead letters (those `deadIds`, or the oldest `limit`) that are
   * still the newest write of their key; the others stay dead-lettered and
   * are reported as superseded.
   */
  replayDead(keys: QueueKeys, deadIds: readonly string[] | undefined, limit: number): Promise<ReplayOutcome>;
  purgeDead(keys: QueueKeys, deadIds: readonly string[] | undefined): Promise<number>;
  /** Problems that can lose acknowledged writes (eviction policy, persistence), one sentence each. */
  durabilityWarnings(): Promise<string[]>;
}

/** Consumer group every Cachet flusher joins. */
export const QUEUE_GROUP = 'cachet';
