import type { EntryKeys } from './key-space.js';

/** -1: not asked; 0: acquired by this caller; n > 0: held by another for n more ms. */
export type LeaseState = number;

export interface EntryReadRequest {
  keys: EntryKeys;
  /** Generation and tag keys whose current versions the caller needs to validate the entry. */
  tagKeys: readonly string[];
  /** Try to take the load lease on a miss (and on a logically stale entry when `whenStale`). */
  lease?: { token: string; ttlMs: number; whenStale: boolean };
}

export interface EntryReadResult {
  raw: Buffer | null;
  /** The entry server's clock, ms. */
  now: number;
  /** The entry's write fence ('' when none): a load must present it when writing. */
  fence: string;
  lease: LeaseState;
  /** Current versions of `tagKeys`, same order; null when unknown or absent. */
  tagVersions: Array<string | null>;
}

export interface EntryWriteRequest {
  keys: EntryKeys;
  /** Envelope body (everything after the server-stamped times). */
  body: Buffer;
  logicalTtlMs: number;
  physicalTtlMs: number;
  /** Absolute cap on the entry's life from now (maxTtl, or maxAge for sliding entries). */
  hardTtlMs: number;
  /** 'load': conditional on `expectedFence`; 'write': authoritative, moves the fence. */
  mode: 'load' | 'write';
  expectedFence: string;
  leaseToken: string;
  fenceTtlMs: number;
  wake: WakeSignal;
}

/** An authoritative write (set) whose versions the store ensures and records itself. */
export interface VersionedWriteRequest {
  keys: EntryKeys;
  /** The body's fields before its versions (`<deltaMs> <flags> `, see entry-codec). */
  head: string;
  /** The serialized value: the body's end, after the versions. */
  payload: Buffer;
  /** The namespace generation's key, then each tag's: ensured (created when missing, kept alive `versionTtlMs`). */
  versionKeys: readonly string[];
  /** The tags' names, in the order of their keys. */
  tags: readonly string[];
  /** Versions already ensured, one per version key: recorded as given, without a call to their keys. */
  versions?: readonly string[];
  versionTtlMs: number;
  logicalTtlMs: number;
  physicalTtlMs: number;
  hardTtlMs: number;
  fenceTtlMs: number;
  wake: WakeSignal;
}

export interface WakeSignal {
  channel: string;
  message: string;
}

/** Atomic primitives of cache entries; implemented by Redis and memory, checked by one contract suite. */
export interface EntryStore {
  read(request: EntryReadRequest): Promise<EntryReadResult>;
  /**
   * The cheapest look at an entry and its tag versions: no script, no side
   * effects, no server time, no fence (`now` is NaN, `fence` ''). Enough to
   * serve a hit of an entry that neither slides nor has a stale window.
   */
  peek(keys: EntryKeys, tagKeys: readonly string[]): Promise<EntryReadResult>;
  /** Resolves true when written, false when dropped because the fence moved. */
  write(request: EntryWriteRequest): Promise<boolean>;
  /**
   * An authoritative write that ensures the generation and tag versions and records them in the body (one
   * command on a single server, whatever the number of tags). Moves the fence like `write` in 'write' mode.
   * Resolves the versions recorded, generation first.
   */
  writeVersioned(request: VersionedWriteRequest): Promise<string[]>;
  /**
   * Claims the write fence for a load about to run its loader: resolves the
   * current fence (a new version when there is none) and makes it live at
   * least `holdMs`. The load presents it when writing.
   */
  claimFence(fenceKey: string, holdMs: number): Promise<string>;
  /** Extends a claimed fence to at least `holdMs` while it is still current; false once it moved. */
  holdFence(fenceKey: string, fence: string, holdMs: number): Promise<boolean>;
  /** Deletes entries and moves their fences. Resolves the number deleted. */
  delete(keys: readonly EntryKeys[], fenceTtlMs: number): Promise<number>;
  /** Current versions of tags, creating missing ones; extends their life to `ttlMs`. */
  ensureTags(tagKeys: readonly string[], ttlMs: number): Promise<string[]>;
  /** Current versions of tags without creating any (null when absent). */
  readTags(tagKeys: readonly string[]): Promise<Array<string | null>>;
  /** Gives each tag a new version (O(1) per tag). */
  bumpTags(tagKeys: readonly string[], ttlMs: number): Promise<void>;
  acquireLease(leaseKey: string, token: string, ttlMs: number): Promise<LeaseState>;
  extendLease(leaseKey: string, token: string, ttlMs: number): Promise<boolean>;
  releaseLease(leaseKey: string, token: string, wake: WakeSignal): Promise<void>;
  /** Calls `onBatch` with batches of entry keys matching a glob, over every master. */
  scan(match: string, onBatch: (entryKeys: string[]) => Promise<void>): Promise<void>;
  /** Remaining TTL in ms of a raw key (-2 absent, -1 none); for diagnostics and tests. */
  pttl(key: string): Promise<number>;
}
