import { createHash } from 'node:crypto';

/** A response as it goes on the wire: what `CacheInterceptor` stores and writes back. */
export interface CachedResponse {
  status: number;
  /** A strong validator of the body (quoted, as sent in the `ETag` header). */
  etag: string;
  contentType: string;
  body: Buffer;
}

/**
 * Stored layout, version 1: one header line, then the body bytes untouched.
 *
 * ```
 * h1 <status> <etag> <contentType>\n<body>
 * ```
 *
 * The cache keeps a `Buffer` value as its own bytes, so a hit reads the header
 * line and hands on a view of the rest: the body is never parsed, and a
 * conditional request is answered from the header alone.
 */
const FORMAT = 'h1';
const NEWLINE = 10;
/** A header line is short; a value without a newline this early is not a stored response. */
const MAX_HEADER_BYTES = 1_024;

/** A strong ETag of the body and its content type (the same bytes as another type are another representation). */
export function entityTag(contentType: string, body: Buffer): string {
  const digest = createHash('sha1').update(contentType).update('\n').update(body).digest('base64url');
  return `"${digest}"`;
}

export function encodeCachedResponse(response: CachedResponse): Buffer {
  const header = `${FORMAT} ${response.status} ${response.etag} ${response.contentType}\n`;
  return Buffer.concat([Buffer.from(header), response.body]);
}

/** Reads a stored response; `undefined` for any other value (e.g. an entry written before this format). */
export function decodeCachedResponse(stored: Buffer): CachedResponse | undefined {
  const lineEnd = stored.indexOf(NEWLINE);
  if (lineEnd < 0 || lineEnd > MAX_HEADER_BYTES) return undefined;
  const header = stored.toString('utf8', 0, lineEnd);
  const statusEnd = header.indexOf(' ', FORMAT.length + 1);
  const etagEnd = statusEnd < 0 ? -1 : header.indexOf(' ', statusEnd + 1);
  if (!header.startsWith(`${FORMAT} `) || etagEnd < 0) return undefined;
  const status = Number(header.slice(FORMAT.length + 1, statusEnd));
  if (!Number.isInteger(status)) return undefined;
  return {
    status,
    etag: header.slice(statusEnd + 1, etagEnd),
    contentType: header.slice(etagEnd + 1),
    body: stored.subarray(lineEnd + 1),
  };
}

/**
 * `If-None-Match` against the response's ETag, with the weak comparison RFC 9110 (13.1.2) prescribes for
 * it: `W/` prefixes are ignored, `*` matches any current representation.
 */
export function noneMatch(header: string | string[] | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const opaque = (tag: string) => (tag.startsWith('W/') ? tag.slice(2) : tag);
  const wanted = opaque(etag);
  for (const list of Array.isArray(header) ? header : [header]) {
    // Tags are read whole: an entity tag may itself contain a comma (`"v1,2"`), so the list is not split on commas.
    for (const [tag] of list.matchAll(LIST_MEMBER)) {
      if (tag === '*' || opaque(tag) === wanted) return true;
    }
  }
  return false;
}

/** A member of an `If-None-Match` list: `*` or an entity tag, weak or strong. */
const LIST_MEMBER = /\*|(?:W\/)?"[^"]*"/g;
