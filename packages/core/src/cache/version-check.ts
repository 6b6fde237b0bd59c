import type { EntryReadResult } from '../store/entry.store.js';
import type { KeySpace } from '../store/key-space.js';
import type { CacheEngine } from './cache-engine.js';
import type { DecodedEntry } from './entry-codec.js';

const NO_KEYS: readonly string[] = Object.freeze([]);

/**
 * The version keys a read asks Redis for along with the entry: the namespace
 * generation and the caller's tags — none when versions come from the bus.
 */
export function versionKeysToRead(engine: CacheEngine, keySpace: KeySpace, tags: readonly string[]): readonly string[] {
  return engine.versions ? NO_KEYS : engine.tagKeys(keySpace, tags);
}

/**
 * True when every version the entry recorded (the namespace generation's,
 * then each tag's) is still current — synchronously whenever nothing must be
 * read. From Redis: the versions the read brought, plus one more read for
 * tags the caller did not name. From the bus: the in-process copies, and Redis
 * for those missing (kept as copies unless an invalidation of them arrived
 * meanwhile).
 */
export function versionsCurrent(
  engine: CacheEngine,
  keySpace: KeySpace,
  entry: DecodedEntry,
  requested: readonly string[],
  read: EntryReadResult,
): boolean | Promise<boolean> {
  if (engine.versions) return currentFromCopies(engine, keySpace, entry);
  return currentAsRead(entry, requested, read) ?? readUnnamed(engine, keySpace, entry, requested);
}

/**
 * From the versions this read fetched: `undefined` when the entry carries a tag the caller did not name (its
 * version must be read). The usual case — the caller names the entry's tags — allocates nothing.
 */
function currentAsRead(entry: DecodedEntry, requested: readonly string[], read: EntryReadResult): boolean | undefined {
  if (read.tagVersions[0] !== entry.generation) return false;
  let allKnown = true;
  for (const [tag, version] of entry.tags) {
    const index = requested.indexOf(tag);
    if (index < 0) allKnown = false;
    else if ((read.tagVersions[index + 1] ?? null) !== version) return false;
  }
  return allKnown ? true : undefined;
}

/** `currentAsRead` for an entry with tags the caller did not name: reads their versions. */
async function readUnnamed(
  engine: CacheEngine,
  keySpace: KeySpace,
  entry: DecodedEntry,
  requested: readonly string[],
): Promise<boolean> {
  const unknown = entry.tags.filter(([tag]) => !requested.includes(tag));
  const versions = await engine.store.entries.readTags(unknown.map(([tag]) => keySpace.tag(tag)));
  return unknown.every(([, version], i) => (versions[i] ?? null) === version);
}

function currentFromCopies(engine: CacheEngine, keySpace: KeySpace, entry: DecodedEntry): boolean | Promise<boolean> {
  const namespace = keySpace.namespace;
  const copies = engine.versions!.copies;
  const generation = copies.get(namespace, keySpace.generation);
  if (generation !== undefined && generation !== entry.generation) return false;
  let missing: Array<{ key: string; recorded: string }> | undefined;
  if (generation === undefined) missing = [{ key: keySpace.generation, recorded: entry.generation }];
  for (const [tag, recorded] of entry.tags) {
    const key = keySpace.tag(tag);
    const copy = copies.get(namespace, key);
    if (copy === undefined) (missing ??= []).push({ key, recorded });
    else if (copy !== recorded) return false;
  }
  return missing ? fetchMissing(engine, namespace, missing) : true;
}

async function fetchMissing(
  engine: CacheEngine,
  namespace: string,
  missing: ReadonlyArray<{ key: string; recorded: string }>,
): Promise<boolean> {
  const versions = engine.versions!;
  const keys = missing.map(({ key }) => key);
  const captured = versions.capture(namespace);
  const fetched = await engine.store.entries.readTags(keys);
  versions.learn(namespace, keys, fetched, captured);
  return missing.every(({ recorded }, i) => fetched[i] === recorded);
}
