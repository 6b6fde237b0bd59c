import { Packr } from 'msgpackr';
import { CacheConfigError } from '../shared/errors.js';
import { EntryFlags } from './entry-codec.js';
import type { Serializer } from './serializer.js';

/**
 * MessagePack with structured clone: round-trips Date, Map, Set, BigInt,
 * Buffer, `undefined` fields, and cycles. Records make repeated object shapes
 * compact; each value carries its own record definitions, so instances never
 * need to agree on shared state.
 */
export function msgpackSerializer(): Serializer {
  const packr = new Packr({
    structuredClone: true,
    moreTypes: true,
    useRecords: true,
    mapsAsObjects: false,
    int64AsType: 'bigint',
  });
  return {
    name: 'msgpack',
    serialize: (value) => packr.pack(value),
    deserialize: (bytes) => packr.unpack(bytes),
  };
}

/** Plain JSON, for values other programs read. Dates come back as strings. */
export function jsonSerializer(): Serializer {
  return {
    name: 'json',
    serialize: (value) => Buffer.from(JSON.stringify(value)),
    deserialize: (bytes) => JSON.parse(bytes.toString('utf8')),
  };
}

export function resolveSerializer(option: unknown): { serializer: Serializer; flag: number } {
  if (option === undefined || option === 'msgpack') return { serializer: msgpackSerializer(), flag: 0 };
  if (option === 'json') return { serializer: jsonSerializer(), flag: EntryFlags.json };
  if (
    typeof option === 'object' &&
    option !== null &&
    typeof (option as Serializer).serialize === 'function' &&
    typeof (option as Serializer).deserialize === 'function'
  ) {
    return {
      serializer: { ...(option as Serializer), name: (option as Serializer).name ?? 'custom' },
      flag: EntryFlags.custom,
    };
  }
  throw new CacheConfigError(
    'serializer',
    option,
    "'msgpack', 'json' or { serialize(value): Buffer, deserialize(bytes): value }",
  );
}
