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
  // Read from the bytes, field by field: a hit allocates no header string and no array of fields.
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
  const tagCount = digits(raw, at, end);
  if (end !== headerEnd || !generation) return undefined;
  if (Number.isNaN(hardExpireAt + logicalExpireAt + createdAt + deltaMs + flags + tagCount)) return undefined;
  return { hardExpireAt, logicalExpireAt, createdAt, deltaMs, flags, generation, tagCount, end: headerEnd + 1 };
}

const NEWLINE = 10;
const SPACE = 32;
/** `c1 `: the format token and the space after it. */
const FORMAT_BYTES = Buffer.from(`${ENTRY_FORMAT} `);

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

/** The end of the header, which the cache puts at the start of the body it encodes. */
export function entryHeaderRest(deltaMs: number, flags: number, generation: string, tagCount: number): string {
  return `${Math.max(0, Math.round(deltaMs))} ${flags} ${generation} ${tagCount}\n`;
}

/** The server-stamped start of the header, put before the body the cache encoded (entry-write.script.ts in Lua). */
export function entryTimes(hardExpireAt: number, logicalExpireAt: number, createdAt: number): string {
  return `${ENTRY_FORMAT} ${hardExpireAt} ${logicalExpireAt} ${createdAt} `;
}
