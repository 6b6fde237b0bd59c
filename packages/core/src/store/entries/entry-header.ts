/**
 * The header line of a stored entry, format version 1 (`c1`): the one place
 * TypeScript reads it (the cache's entry codec and the memory store both
 * import it; the entry scripts read the same fields in Lua).
 *
 * ```
 * c1 <hardExpireAt> <logicalExpireAt> <createdAt> <deltaMs> <flags> <generation> <tagCount>\n
 * ```
 *
 * The first three times are stamped by the write from the clock of the Redis
 * server holding the entry (ms), never by an app instance; the rest is the
 * body the cache encodes (see cache/entry-codec.ts). A reader that meets
 * another leading token treats the entry as a miss, which is how the format
 * can evolve (see docs/operations.md).
 */
export const ENTRY_FORMAT = 'c1';

export const EntryFlags = {
  compressed: 1,
  /** The value is `null` (payload empty). */
  null: 2,
  /** The value is `undefined` (payload empty). */
  undefined: 4,
  /** Each read resets the TTL (the entry-read script and the memory store test this flag). */
  sliding: 8,
  json: 16,
  custom: 32,
} as const;

export interface EntryHeader {
  hardExpireAt: number;
  logicalExpireAt: number;
  createdAt: number;
  deltaMs: number;
  flags: number;
  generation: string;
  tagCount: number;
  /** Offset of the first byte after the header line. */
  end: number;
}

/** Parses the header line; `undefined` for an unknown format or a damaged value (treated as a miss). */
export function parseEntryHeader(raw: Buffer): EntryHeader | undefined {
  const lineEnd = raw.indexOf(10);
  if (lineEnd < 0) return undefined;
  const fields = raw.toString('utf8', 0, lineEnd).split(' ');
  if (fields.length !== 8 || fields[0] !== ENTRY_FORMAT) return undefined;
  const [, hard, logical, created, delta, flags, generation, count] = fields;
  return {
    hardExpireAt: Number(hard),
    logicalExpireAt: Number(logical),
    createdAt: Number(created),
    deltaMs: Number(delta),
    flags: Number(flags),
    generation: generation!,
    tagCount: Number(count),
    end: lineEnd + 1,
  };
}

/** The end of the header, which the cache puts at the start of the body it encodes. */
export function entryHeaderRest(deltaMs: number, flags: number, generation: string, tagCount: number): string {
  return `${Math.max(0, Math.round(deltaMs))} ${flags} ${generation} ${tagCount}\n`;
}

/** The server-stamped start of the header, put before the body the cache encoded (entry-write.script.ts in Lua). */
export function entryTimes(hardExpireAt: number, logicalExpireAt: number, createdAt: number): string {
  return `${ENTRY_FORMAT} ${hardExpireAt} ${logicalExpireAt} ${createdAt} `;
}
