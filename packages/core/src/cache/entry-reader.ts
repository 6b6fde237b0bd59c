import type { EntryReadResult } from '../store/entry.store.js';
import type { EntryKeys, KeySpace } from '../store/key-space.js';
import type { CacheEngine } from './cache-engine.js';
import { decodeEntry, EntryFlags, type DecodedEntry } from './entry-codec.js';
import type { ReadOutcome } from './read-outcome.js';

export interface ReadRequest {
  /**
   * Try a plain read first (MGET, no script): enough for an entry that neither
   * slides nor has a stale window, where "present" means "fresh", and for a
   * miss when no lease is wanted. Anything else — a miss that takes the lease,
   * a sliding entry, an entry with a stale window — falls back to the full
   * read, which also takes the lease.
   */
  peekFirst?: boolean;
  lease?: { token: string; ttlMs: number; whenStale: boolean };
}

/**
 * Reads one entry and decides whether it may be served: the namespace
 * generation and every tag version recorded at load time must still be
 * current. On standalone that is one round trip when the caller passes the
 * entry's tags (decorators always do); an entry with tags the caller did not
 * name costs one more read of their versions.
 */
export async function readEntry(
  engine: CacheEngine,
  keySpace: KeySpace,
  key: string,
  tags: readonly string[],
  request: ReadRequest = {},
): Promise<ReadOutcome> {
  const keys = keySpace.entry(key);
  const tagKeys = engine.tagKeys(keySpace, tags);
  if (request.peekFirst) {
    const peeked = await engine.store.entries.peek(keys, tagKeys);
    // Nothing to slide and no lease wanted: the script would read what the plain read did, so a miss is final.
    if (!peeked.raw && !request.lease) return missOf(peeked, keys);
    const entry = peeked.raw ? decodeEntry(peeked.raw) : undefined;
    if (entry && !(entry.flags & EntryFlags.sliding) && entry.logicalExpireAt === entry.hardExpireAt) {
      // present, not sliding, no stale window: fresh by construction (Redis expires it exactly at its logical end)
      const outcome = await validate(engine, keySpace, key, tags, peeked, keys, entry, true);
      if (outcome.state !== 'miss' || !request.lease) return outcome;
    }
  }
  const read = await engine.store.entries.read({ keys, tagKeys, lease: request.lease });
  if (!read.raw) return missOf(read, keys);
  const entry = decodeEntry(read.raw);
  if (!entry) {
    engine.warnOnce(
      `format:${keySpace.namespace}`,
      `cache "${keySpace.namespace}": entries in an unknown format are treated as misses`,
    );
    return missOf(read, keys);
  }
  return validate(engine, keySpace, key, tags, read, keys, entry, false);
}

function missOf(read: EntryReadResult, keys: EntryKeys): ReadOutcome {
  return { state: 'miss', value: undefined, read, keys };
}

async function validate(
  engine: CacheEngine,
  keySpace: KeySpace,
  key: string,
  tags: readonly string[],
  read: EntryReadResult,
  keys: EntryKeys,
  entry: DecodedEntry,
  freshIfCurrent: boolean,
): Promise<ReadOutcome> {
  const current = tagsCurrentAsRead(entry, tags, read);
  if (current === false || (current === undefined && !(await tagsCurrent(engine, keySpace, entry, tags)))) {
    return missOf(read, keys);
  }
  let value: unknown;
  try {
    value = engine.codec.decode(entry.payload, entry.flags);
  } catch (error) {
    engine.warnOnce(
      `decode:${key}`,
      `cache "${keySpace.namespace}": cannot read entry "${key}" (${(error as Error).message}); treated as a miss`,
    );
    return missOf(read, keys);
  }
  const fresh = freshIfCurrent || entry.flags & EntryFlags.sliding || read.now < entry.logicalExpireAt;
  return { state: fresh ? 'fresh' : 'stale', value, entry, read, keys };
}

/**
 * Whether the generation and every tag version the entry recorded are still current, from the versions
 * this read fetched: `undefined` when the entry carries a tag the caller did not name (its version must be
 * read). The usual case — the caller names the entry's tags — allocates nothing.
 */
function tagsCurrentAsRead(
  entry: DecodedEntry,
  requested: readonly string[],
  read: EntryReadResult,
): boolean | undefined {
  if (read.tagVersions[0] !== entry.generation) return false;
  let allKnown = true;
  for (const [tag, version] of entry.tags) {
    const index = requested.indexOf(tag);
    if (index < 0) allKnown = false;
    else if ((read.tagVersions[index + 1] ?? null) !== version) return false;
  }
  return allKnown ? true : undefined;
}

/** `tagsCurrentAsRead` for an entry with tags the caller did not name: reads their versions. */
async function tagsCurrent(
  engine: CacheEngine,
  keySpace: KeySpace,
  entry: DecodedEntry,
  requested: readonly string[],
): Promise<boolean> {
  const unknown = entry.tags.filter(([tag]) => !requested.includes(tag));
  const versions = await engine.store.entries.readTags(unknown.map(([tag]) => keySpace.tag(tag)));
  return unknown.every(([, version], i) => (versions[i] ?? null) === version);
}
