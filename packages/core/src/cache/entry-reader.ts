import type { EntryReadResult } from '../store/entry.store.js';
import type { EntryKeys, KeySpace } from '../store/key-space.js';
import type { CacheEngine } from './cache-engine.js';
import { decodeEntry, EntryFlags, type DecodedEntry } from './entry-codec.js';
import type { ReadOutcome } from './read-outcome.js';
import { versionKeysToRead, versionsCurrent } from './version-check.js';

export interface ReadRequest {
  /**
   * Try a plain read first (MGET, no script): enough for an entry that neither
   * slides nor has a stale window, where "present" means "fresh". Anything else
   * — a miss, a sliding entry, an entry with a stale window — falls back to the
   * full read, which also takes the lease.
   */
  peekFirst?: boolean;
  lease?: { token: string; ttlMs: number; whenStale: boolean };
}

/**
 * Reads one entry and decides whether it may be served: the namespace
 * generation and every tag version recorded at load time must still be
 * current (`version-check.ts`). Reading them from Redis, that is one round
 * trip on standalone when the caller passes the entry's tags (decorators
 * always do); an entry with tags the caller did not name costs one more read
 * of their versions. From the bus's copies, a read is one command on the
 * entry's node.
 */
export async function readEntry(
  engine: CacheEngine,
  keySpace: KeySpace,
  key: string,
  tags: readonly string[],
  request: ReadRequest = {},
): Promise<ReadOutcome> {
  const keys = keySpace.entry(key);
  const tagKeys = versionKeysToRead(engine, keySpace, tags);
  if (request.peekFirst) {
    const peeked = await engine.store.entries.peek(keys, tagKeys);
    const entry = peeked.raw ? decodeEntry(peeked.raw) : undefined;
    if (entry && !(entry.flags & EntryFlags.sliding) && entry.logicalExpireAt === entry.hardExpireAt) {
      const outcome = await validate(engine, keySpace, key, tags, peeked, keys, entry);
      // present, not sliding, no stale window: fresh by construction (Redis expires it exactly at its logical end)
      if (outcome.state !== 'miss') return { ...outcome, state: 'fresh' };
    }
  }
  const read = await engine.store.entries.read({ keys, tagKeys, lease: request.lease });
  const miss: ReadOutcome = { state: 'miss', value: undefined, read, keys };
  if (!read.raw) return miss;
  const entry = decodeEntry(read.raw);
  if (!entry) {
    engine.warnOnce(
      `format:${keySpace.namespace}`,
      `cache "${keySpace.namespace}": entries in an unknown format are treated as misses`,
    );
    return miss;
  }
  return validate(engine, keySpace, key, tags, read, keys, entry);
}

async function validate(
  engine: CacheEngine,
  keySpace: KeySpace,
  key: string,
  tags: readonly string[],
  read: EntryReadResult,
  keys: EntryKeys,
  entry: DecodedEntry,
): Promise<ReadOutcome> {
  const miss: ReadOutcome = { state: 'miss', value: undefined, read, keys };
  if (!(await versionsCurrent(engine, keySpace, entry, tags, read))) return miss;
  let value: unknown;
  try {
    value = engine.codec.decode(entry.payload, entry.flags);
  } catch (error) {
    engine.warnOnce(
      `decode:${key}`,
      `cache "${keySpace.namespace}": cannot read entry "${key}" (${(error as Error).message}); treated as a miss`,
    );
    return miss;
  }
  const fresh = entry.flags & EntryFlags.sliding || read.now < entry.logicalExpireAt;
  return { state: fresh ? 'fresh' : 'stale', value, entry, read, keys };
}
