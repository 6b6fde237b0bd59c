import type { EntryReadResult } from '../store/entry.store.js';
import type { EntryKeys, KeySpace } from '../store/key-space.js';
import type { CacheEngine } from './cache-engine.js';
import { decodeEntry, EntryFlags, type DecodedEntry } from './entry-codec.js';

export type EntryState = 'fresh' | 'stale' | 'miss';

export interface ReadOutcome {
  state: EntryState;
  value: unknown;
  entry?: DecodedEntry;
  read: EntryReadResult;
  keys: EntryKeys;
}

export interface ReadRequest {
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
  const tagKeys = [keySpace.generation, ...tags.map((tag) => keySpace.tag(tag))];
  const read = await engine.store.entries.read({ keys, tagKeys, ...request });
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
  if (!(await tagsCurrent(engine, keySpace, entry, tags, read))) return miss;
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

async function tagsCurrent(
  engine: CacheEngine,
  keySpace: KeySpace,
  entry: DecodedEntry,
  requested: readonly string[],
  read: EntryReadResult,
): Promise<boolean> {
  if (read.tagVersions[0] !== entry.generation) return false;
  const known = new Map<string, string | null>();
  requested.forEach((tag, i) => known.set(tag, read.tagVersions[i + 1] ?? null));
  const unknown = entry.tags.filter(([tag]) => !known.has(tag)).map(([tag]) => tag);
  if (unknown.length > 0) {
    const versions = await engine.store.entries.readTags(unknown.map((tag) => keySpace.tag(tag)));
    unknown.forEach((tag, i) => known.set(tag, versions[i] ?? null));
  }
  return entry.tags.every(([tag, version]) => known.get(tag) === version);
}
