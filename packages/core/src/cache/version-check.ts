import type { EntryReadResult } from '../store/entry.store.js';
import type { KeySpace } from '../store/key-space.js';
import type { CacheEngine } from './cache-engine.js';
import type { DecodedEntry } from './entry-codec.js';

/**
 * The version keys a read asks Redis for along with the entry: the namespace
 * generation and the caller's tags — none when versions come from the bus.
 */
export function versionKeysToRead(engine: CacheEngine, keySpace: KeySpace, tags: readonly string[]): string[] {
  if (engine.versions) return [];
  return [keySpace.generation, ...tags.map((tag) => keySpace.tag(tag))];
}

/**
 * True when every version the entry recorded (the namespace generation's,
 * then each tag's) is still current. From Redis: the versions the read
 * brought, plus one more read for tags the caller did not name. From the bus:
 * the in-process copies, and Redis for those missing (kept as copies unless
 * an invalidation of them arrived meanwhile).
 */
export async function versionsCurrent(
  engine: CacheEngine,
  keySpace: KeySpace,
  entry: DecodedEntry,
  requested: readonly string[],
  read: EntryReadResult,
): Promise<boolean> {
  if (engine.versions) return currentFromCopies(engine, keySpace, entry);
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

async function currentFromCopies(engine: CacheEngine, keySpace: KeySpace, entry: DecodedEntry): Promise<boolean> {
  const namespace = keySpace.namespace;
  const versions = engine.versions!;
  const copies = versions.copies;
  const generation = copies.get(namespace, keySpace.generation);
  if (generation !== undefined && generation !== entry.generation) return false;
  const missing: Array<{ key: string; recorded: string }> = [];
  if (generation === undefined) missing.push({ key: keySpace.generation, recorded: entry.generation });
  for (const [tag, recorded] of entry.tags) {
    const key = keySpace.tag(tag);
    const copy = copies.get(namespace, key);
    if (copy === undefined) missing.push({ key, recorded });
    else if (copy !== recorded) return false;
  }
  if (missing.length === 0) return true;
  const keys = missing.map(({ key }) => key);
  const captured = versions.capture(namespace);
  const fetched = await engine.store.entries.readTags(keys);
  versions.learn(namespace, keys, fetched, captured);
  return missing.every(({ recorded }, i) => fetched[i] === recorded);
}
