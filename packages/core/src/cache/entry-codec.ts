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

/** Builds the body the write script stamps with server times. */
export function encodeEntryBody(body: EntryBody): Buffer {
  let head = `${Math.max(0, Math.round(body.deltaMs))} ${body.flags} ${body.generation} ${body.tags.length}\n`;
  for (const [tag, version] of body.tags) head += `${tag}\n${version}\n`;
  return Buffer.concat([Buffer.from(head), body.payload]);
}

const SPACE = 0x20;
const NEWLINE = 0x0a;
const FORMAT_BYTES = Buffer.from(`${ENTRY_FORMAT} `);

/**
 * Parses a stored entry; `undefined` for an unknown format or a damaged value (treated as a miss). Runs on
 * every hit: the header is read field by field from the bytes, without building a string of it first.
 */
export function decodeEntry(raw: Buffer): DecodedEntry | undefined {
  const headerEnd = raw.indexOf(NEWLINE);
  if (headerEnd <= FORMAT_BYTES.length) return undefined;
  for (let i = 0; i < FORMAT_BYTES.length; i++) if (raw[i] !== FORMAT_BYTES[i]) return undefined;
  // hard logical created delta flags generation count: seven fields, one space apart, up to the newline.
  let at = FORMAT_BYTES.length;
  let end = fieldEnd(raw, at, headerEnd);
  const hardExpireAt = digits(raw, at, end);
  end = fieldEnd(raw, (at = end + 1), headerEnd);
  const logicalExpireAt = digits(raw, at, end);
  end = fieldEnd(raw, (at = end + 1), headerEnd);
  const createdAt = digits(raw, at, end);
  end = fieldEnd(raw, (at = end + 1), headerEnd);
  const deltaMs = digits(raw, at, end);
  end = fieldEnd(raw, (at = end + 1), headerEnd);
  const flags = digits(raw, at, end);
  end = fieldEnd(raw, (at = end + 1), headerEnd);
  const generation = end > at ? raw.toString('utf8', at, end) : '';
  end = fieldEnd(raw, (at = end + 1), headerEnd);
  const count = digits(raw, at, end);
  if (end !== headerEnd || !generation) return undefined;
  if (Number.isNaN(hardExpireAt + logicalExpireAt + createdAt + deltaMs + flags + count)) return undefined;
  const tags: Array<[string, string]> = [];
  let offset = headerEnd + 1;
  for (let i = 0; i < count; i++) {
    const nameEnd = raw.indexOf(NEWLINE, offset);
    const lineEnd = nameEnd < 0 ? -1 : raw.indexOf(NEWLINE, nameEnd + 1);
    if (lineEnd < 0) return undefined;
    tags.push([raw.toString('utf8', offset, nameEnd), raw.toString('utf8', nameEnd + 1, lineEnd)]);
    offset = lineEnd + 1;
  }
  return { hardExpireAt, logicalExpireAt, createdAt, deltaMs, flags, generation, tags, payload: raw.subarray(offset) };
}

/** Where the header field starting at `start` ends (a space, or the header's end); -1 past the header. */
function fieldEnd(raw: Buffer, start: number, headerEnd: number): number {
  if (start > headerEnd) return -1;
  const space = raw.indexOf(SPACE, start);
  return space < 0 || space > headerEnd ? headerEnd : space;
}

/** The decimal number written in `raw[start, end)`; NaN when that is empty or not all digits. */
function digits(raw: Buffer, start: number, end: number): number {
  if (end <= start) return Number.NaN;
  let value = 0;
  for (let i = start; i < end; i++) {
    const digit = raw[i]! - 0x30;
    if (digit < 0 || digit > 9) return Number.NaN;
    value = value * 10 + digit;
  }
  return value;
}
