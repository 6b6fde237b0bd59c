import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { SerializationError } from '../shared/errors.js';
import { BYTES_FORMAT, EntryFlags } from './entry-codec.js';
import type { Serializer } from './serializer.js';

export interface EncodedValue {
  payload: Buffer;
  flags: number;
}

export interface ValueCodecOptions {
  serializer: Serializer;
  serializerFlag: number;
  /** Compress payloads of at least this many bytes; `Infinity` disables. */
  compressionThreshold: number;
  /**
   * The entry size limit (bytes, after compression). A serialized payload over
   * `COMPRESSION_RATIO_LIMIT` times this is left uncompressed, so the writer
   * refuses it by size without spending CPU on compressing it first.
   */
  maxValueSize?: number;
}

/** No realistic payload deflates better than this; beyond it, compressing a value cannot make it fit. */
export const COMPRESSION_RATIO_LIMIT = 32;

const FORMAT_FLAGS = EntryFlags.json | EntryFlags.custom;

/** Values ⇄ payload bytes: null/undefined markers, serialization, compression. */
export class ValueCodec {
  constructor(private readonly options: ValueCodecOptions) {}

  encode(key: string, value: unknown): EncodedValue {
    if (value === null) return { payload: Buffer.alloc(0), flags: EntryFlags.null };
    if (value === undefined) return { payload: Buffer.alloc(0), flags: EntryFlags.undefined };
    let payload: Buffer;
    let flags: number;
    if (Buffer.isBuffer(value)) {
      // Bytes are stored as they are (e.g. an HTTP response as it goes on the wire): nothing to serialize.
      payload = value;
      flags = BYTES_FORMAT;
    } else {
      assertSerializable(key, value);
      try {
        payload = this.options.serializer.serialize(value);
      } catch (error) {
        throw new SerializationError(key, (error as Error).message, { cause: error });
      }
      flags = this.options.serializerFlag;
    }
    const hopeless = payload.length > (this.options.maxValueSize ?? Infinity) * COMPRESSION_RATIO_LIMIT;
    if (payload.length >= this.options.compressionThreshold && !hopeless) {
      payload = deflateRawSync(payload);
      flags |= EntryFlags.compressed;
    }
    return { payload, flags };
  }

  /** Throws when the entry was written in another format (the caller treats that as a miss). */
  decode(payload: Buffer, flags: number): unknown {
    if (flags & EntryFlags.null) return null;
    if (flags & EntryFlags.undefined) return undefined;
    const format = flags & FORMAT_FLAGS;
    if (format !== this.options.serializerFlag && format !== BYTES_FORMAT) {
      throw new Error('entry written with another serializer');
    }
    const bytes = flags & EntryFlags.compressed ? inflateRawSync(payload) : payload;
    return format === BYTES_FORMAT ? bytes : this.options.serializer.deserialize(bytes);
  }
}

/**
 * Serializers drop functions and symbols silently; a value holding one would
 * come back different from what was cached, so refuse it up front.
 */
function assertSerializable(key: string, value: unknown, path = 'value', seen = new Set<object>()): void {
  const kind = typeof value;
  if (kind === 'function' || kind === 'symbol') {
    throw new SerializationError(key, `${path} is a ${kind}, which cannot be cached`);
  }
  if (kind !== 'object' || value === null || value === undefined || seen.has(value as object)) return;
  if (ArrayBuffer.isView(value) || value instanceof Date || value instanceof RegExp) return;
  seen.add(value as object);
  if (value instanceof Map) {
    for (const [k, v] of value) assertSerializable(key, v, `${path}.get(${label(k)})`, seen);
  } else if (value instanceof Set) {
    for (const item of value) assertSerializable(key, item, `${path} item`, seen);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => assertSerializable(key, item, `${path}[${i}]`, seen));
  } else {
    for (const [k, v] of Object.entries(value as object)) assertSerializable(key, v, `${path}.${k}`, seen);
  }
}

/** A map key for a message: objects without a prototype (or a throwing `toString`) have no string form. */
function label(mapKey: unknown): string {
  try {
    return String(mapKey);
  } catch {
    return `<${typeof mapKey}>`;
  }
}
