import { createHash } from 'node:crypto';
import { CacheKeyError } from '../shared/errors.js';

/**
 * `undefined` and `null` as whole words (`user:undefined`, `null`, `a.null.b`), never inside one
 * (`annulled`, `nullable`), and any `[object Object]`.
 */
const SUSPICIOUS = /(?<![A-Za-z0-9])(?:undefined|null)(?![A-Za-z0-9])|\[object Object\]/;

/**
 * Rejects keys that almost always mean a bug in a key function — `''`,
 * `'user:undefined'`, `'[object Object]'` — because they would make unrelated
 * calls share one entry.
 */
export function assertValidKey(key: unknown): asserts key is string {
  if (typeof key !== 'string') throw new CacheKeyError(key, `a key must be a string, got ${typeof key}.`);
  if (key.length === 0) throw new CacheKeyError(key, 'a key must not be empty.');
  const match = SUSPICIOUS.exec(key);
  if (match) {
    throw new CacheKeyError(
      key,
      `it contains "${match[0]}" as a word, which usually means an argument was missing or an object was turned into text; build the key from the fields you mean.`,
    );
  }
}

/** Tags end up in the entry header, one per line, so they must be non-empty single-line strings. */
export function assertValidTag(tag: unknown): asserts tag is string {
  if (typeof tag !== 'string' || tag.length === 0 || tag.includes('\n')) {
    throw new CacheKeyError(tag, 'a tag must be a non-empty string without line breaks.');
  }
  if (SUSPICIOUS.test(tag))
    throw new CacheKeyError(tag, 'a tag must not contain "undefined", "null" or "[object Object]".');
}

/**
 * A short, stable digest of call arguments for default keys: object key order
 * does not matter; Date, Map, Set, BigInt, Buffer and undefined are told apart.
 */
export function stableHash(value: unknown): string {
  return createHash('sha1').update(canonical(value)).digest('base64url').slice(0, 22);
}

function canonical(value: unknown, seen = new Set<object>()): string {
  if (value === null) return 'l';
  switch (typeof value) {
    case 'undefined':
      return 'u';
    case 'bigint':
      return `n${value}`;
    case 'number':
    case 'boolean':
      return `${(typeof value)[0]}${String(value)}`;
    case 'string':
      return JSON.stringify(value);
    case 'function':
    case 'symbol':
      return `x${String(value)}`;
  }
  const object = value as object;
  if (seen.has(object)) return 'c';
  seen.add(object);
  if (value instanceof Date) return `d${value.getTime()}`;
  if (Buffer.isBuffer(value)) return `B${value.toString('base64')}`;
  if (Array.isArray(value)) return `[${value.map((item) => canonical(item, seen)).join(',')}]`;
  if (value instanceof Map) {
    const entries = [...value].map(([k, v]) => `${canonical(k, seen)}:${canonical(v, seen)}`).sort();
    return `M{${entries.join(',')}}`;
  }
  if (value instanceof Set)
    return `S[${[...value]
      .map((item) => canonical(item, seen))
      .sort()
      .join(',')}]`;
  const keys = Object.keys(object).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k], seen)}`).join(',')}}`;
}
