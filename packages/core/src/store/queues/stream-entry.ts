import type { QueueEntry } from '../queue.store.js';

/** A stream entry as a Buffer reply carries it: its ID and its flat field list. */
export type RawStreamEntry = [Buffer, Buffer[]];

/** The fields of a stream entry by name. */
export function streamFields(flat: Buffer[]): Map<string, Buffer> {
  const fields = new Map<string, Buffer>();
  for (let i = 0; i + 1 < flat.length; i += 2) fields.set(flat[i]!.toString(), flat[i + 1]!);
  return fields;
}

/** A queue entry from its stream entry (fields k, o, a, v, ver: see the append script). */
export function toQueueEntry([rawId, flat]: RawStreamEntry): QueueEntry {
  const fields = streamFields(flat);
  const id = rawId.toString();
  return {
    id,
    key: fields.get('k')?.toString() ?? '',
    op: fields.get('o')?.toString() === 'd' ? 'delete' : 'write',
    args: fields.get('a') ?? Buffer.alloc(0),
    value: fields.get('v') ?? null,
    version: fields.get('ver')?.toString() ?? id,
  };
}
