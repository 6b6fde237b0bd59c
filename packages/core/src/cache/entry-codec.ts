import { EntryFlags, entryHeaderRest, parseEntryHeader } from '../store/entries/entry-header.js';

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
 * The header line is the store's: store/entries/entry-header.ts reads and
 * writes it, and the write stamps its first three times from the server's
 * clock. `deltaMs` is how long the value took to compute (XFetch).
 * `generation` and the tag versions are those read when the load began; the
 * entry is valid only while they are still current. A reader that meets
 * another leading token treats the entry as a miss, which is how the format
 * can evolve (see docs/operations.md).
 */
export { ENTRY_FORMAT, EntryFlags } from '../store/entries/entry-header.js';

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
  let head = entryHeaderRest(body.deltaMs, body.flags, body.generation, body.tags.length);
  for (const [tag, version] of body.tags) head += `${tag}\n${version}\n`;
  return Buffer.concat([Buffer.from(head), body.payload]);
}

/**
 * Parses a stored entry; `undefined` for an unknown format or a damaged value (treated as a miss). Runs on
 * every hit: the header is read field by field from the bytes, without building a string of it first.
 */
export function decodeEntry(raw: Buffer): DecodedEntry | undefined {
  const header = parseEntryHeader(raw);
  if (!header) return undefined;
  const tags: Array<[string, string]> = [];
  let offset = header.end;
  for (let i = 0; i < header.tagCount; i++) {
    const nameEnd = raw.indexOf(10, offset);
    const lineEnd = nameEnd < 0 ? -1 : raw.indexOf(10, nameEnd + 1);
    if (lineEnd < 0) return undefined;
    tags.push([raw.toString('utf8', offset, nameEnd), raw.toString('utf8', nameEnd + 1, lineEnd)]);
    offset = lineEnd + 1;
  }
  const { hardExpireAt, logicalExpireAt, createdAt, deltaMs, flags, generation } = header;
  return { hardExpireAt, logicalExpireAt, createdAt, deltaMs, flags, generation, tags, payload: raw.subarray(offset) };
}
