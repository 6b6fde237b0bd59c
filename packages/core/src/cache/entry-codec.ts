/**
 * Wire format of a cache entry, version 1 (`c1`). One Redis string, so a hit
 * is one GET-sized read:
 *
 * ```
 * c1 <hardExpireAt> <logicalExpireAt> <createdAt> <deltaMs> <flags> <generation> <tagCount>\n
 * <tag>\n<tagVersion>\n            (tagCount times)
 * <payload bytes>                  (serialized value, deflated when flags & COMPRESSED)
 * ```
 *
 * The first three times are stamped by the write script from the clock of the
 * Redis server holding the entry (ms), never by an app instance. `deltaMs` is
 * how long the value took to compute (XFetch). `generation` and the tag
 * versions are those read when the load began; the entry is valid only while
 * they are still current. A reader that meets another leading token treats
 * the entry as a miss, which is how the format can evolve (see docs/operations.md).
 * A `set` leaves the versions to its write script, which ensures them and
 * writes that part of the body itself (`entry-write-versioned.script.ts`).
 */
export const ENTRY_FORMAT = 'c1';

export const EntryFlags = {
  compressed: 1,
  /** The value is `null` (payload empty). */
  null: 2,
  /** The value is `undefined` (payload empty). */
  undefined: 4,
  sliding: 8,
  json: 16,
  custom: 32,
} as const;

/**
 * The format of a `Buffer` value stored as its own bytes, whatever the serializer: both format bits set, a
 * combination no serializer has, so a reader that predates it sees an unknown serializer and misses.
 */
export const BYTES_FORMAT = EntryFlags.json | EntryFlags.custom;

export interface EntryBody {
  deltaMs: number;
  flags: number;
  generation: string;
  tags: ReadonlyArray<readonly [tag: string, version: string]>;
  payload: Buffer;
}

export interface DecodedEntry extends EntryBody {
  hardExpireAt: number;
  logicalExpireAt: number;
  createdAt: number;
}

/** The body's fields before its versions: `<deltaMs> <flags> `. */
export function encodeEntryHead(deltaMs: number, flags: number): string {
  return `${Math.max(0, Math.round(deltaMs))} ${flags} `;
}

/** Builds the body the write script stamps with server times. */
export function encodeEntryBody(body: EntryBody): Buffer {
  let head = `${encodeEntryHead(body.deltaMs, body.flags)}${body.generation} ${body.tags.length}\n`;
  for (const [tag, version] of body.tags) head += `${tag}\n${version}\n`;
  return Buffer.concat([Buffer.from(head), body.payload]);
}

/** Parses a stored entry; `undefined` for an unknown format or a damaged value (treated as a miss). */
export function decodeEntry(raw: Buffer): DecodedEntry | undefined {
  let lineEnd = raw.indexOf(10);
  if (lineEnd < 0) return undefined;
  const fields = raw.toString('utf8', 0, lineEnd).split(' ');
  if (fields.length !== 8 || fields[0] !== ENTRY_FORMAT) return undefined;
  const [, hard, logical, created, delta, flags, generation, count] = fields;
  const tags: Array<[string, string]> = [];
  let offset = lineEnd + 1;
  for (let i = 0; i < Number(count); i++) {
    const nameEnd = raw.indexOf(10, offset);
    lineEnd = nameEnd < 0 ? -1 : raw.indexOf(10, nameEnd + 1);
    if (lineEnd < 0) return undefined;
    tags.push([raw.toString('utf8', offset, nameEnd), raw.toString('utf8', nameEnd + 1, lineEnd)]);
    offset = lineEnd + 1;
  }
  return {
    hardExpireAt: Number(hard),
    logicalExpireAt: Number(logical),
    createdAt: Number(created),
    deltaMs: Number(delta),
    flags: Number(flags),
    generation: generation!,
    tags,
    payload: raw.subarray(offset),
  };
}
