import type { KeySpace } from '../../store/key-space.js';
import type { CacheEngine } from '../cache-engine.js';
import type { EntryWriter } from '../entry-writer.js';

/** What every step of one namespace's read-through path works with. */
export interface ReadThroughContext {
  readonly engine: CacheEngine;
  readonly keySpace: KeySpace;
  readonly writer: EntryWriter;
}

/** The Redis key whose node serves `key`'s calls (its breaker guards them). */
export function routeOf(context: ReadThroughContext, key: string): string {
  return context.keySpace.entry(key).entry;
}
