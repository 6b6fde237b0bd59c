import type { EntryReadResult } from '../store/entry.store.js';
import type { EntryKeys } from '../store/key-space.js';
import type { DecodedEntry } from './entry-codec.js';

export type EntryState = 'fresh' | 'stale' | 'miss';

/** What one read of an entry found, and whether it may be served (see `readEntry`). */
export interface ReadOutcome {
  state: EntryState;
  value: unknown;
  entry?: DecodedEntry;
  read: EntryReadResult;
  keys: EntryKeys;
}
