/** What one operation of a history does (generated from the seed, before it runs). */
export type OpKind = 'getOrSet' | 'get' | 'set' | 'delete' | 'invalidateTags' | 'clear' | 'writeBehind';

export const MUTATIONS: ReadonlySet<OpKind> = new Set(['set', 'delete', 'invalidateTags', 'clear', 'writeBehind']);

export interface OpSpec {
  id: number;
  kind: OpKind;
  /** Index of the cache instance that runs it (instance 0 is the one behind the fault proxy). */
  instance: number;
  /** The key (every kind but `invalidateTags` and `clear`). */
  key?: string;
  /** The tag (`invalidateTags`). */
  tag?: string;
  /** Start `at` ms after the history began, or as soon as op `after` has settled. */
  at: number;
  after?: number;
  /** getOrSet: how long the loader takes, and whether it throws. */
  loaderMs?: number;
  loaderFails?: boolean;
  /** getOrSet / set: entry TTL in ms. */
  ttlMs?: number;
  staleIfErrorMs?: number;
  staleWhileRevalidateMs?: number;
  earlyRefresh?: boolean;
}

export type Profile = 'default' | 'short-fence';

/** A generated history: everything needed to run it again. */
export interface HistorySpec {
  /** The seed this history was generated from; `checkConsistency({ replay })` runs it alone. */
  seed: number;
  profile: Profile;
  /** Keys of the history and the tag each one carries. */
  keys: Array<{ key: string; tag: string; writeBehind: boolean }>;
  ops: OpSpec[];
}

/** What a loader call saw: the source version it read, and when. */
export interface LoadRecord {
  op: number;
  instance: number;
  key: string;
  start: number;
  end: number;
  version: number;
  failed: boolean;
}

/** One operation as it ran. Times are `performance.now()` ms. */
export interface OpRecord {
  spec: OpSpec;
  start: number;
  end: number;
  ok: boolean;
  /** Source version returned by a read (undefined for a miss). */
  version?: number;
  /** The key the returned value was written for (to catch a value served under the wrong key). */
  valueKey?: string;
  error?: string;
  /** The error was the loader's own (expected), not the cache's. */
  loaderError?: boolean;
  /** Versions the mutation wrote to the source, per key. */
  wrote?: Record<string, number>;
  /** Versions it was about to write (set even when the call then rejected). */
  issued?: Record<string, number>;
  /** The cache may or may not have applied this write (its instance saw a Redis error or an open breaker meanwhile). */
  indeterminate?: boolean;
  /** Per other instance: when the invalidation bus delivered this mutation there. */
  delivered?: Record<number, number>;
}

export type ViolationKind =
  | 'stale-read'
  | 'wrong-key'
  | 'stampede'
  | 'lost-write-behind'
  | 'store-error'
  | 'unexpected-error'
  | 'unhandled-rejection'
  | 'checker-error';

export interface Violation {
  kind: ViolationKind;
  /** Matrix cell, e.g. `cluster l1 faults`. */
  mode: string;
  historySeed: number;
  /** `short-fence`: the history ran with a 1 s write fence and a load outliving it. */
  profile: Profile;
  key?: string;
  message: string;
  /** The operations that show it, in start order, as replay lines. */
  history: string[];
  /** Their ids: `checkConsistency({ replay, replayOps })` runs only these (and the ops they follow). */
  ops: number[];
}

/** One fault window on instance 0's link. */
export interface FaultWindow {
  kind: 'delay' | 'stall' | 'drop';
  start: number;
  end: number;
  delayMs?: number;
}
