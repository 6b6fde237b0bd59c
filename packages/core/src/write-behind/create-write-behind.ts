import { openStore } from '../store/open-store.js';
import { WriteBehindEngine } from './write-behind.js';
import { resolveWriteBehindOptions, type CreateWriteBehindOptions } from './write-behind-options.js';

export type { CreateWriteBehindOptions } from './write-behind-options.js';

/**
 * Durable write-behind (the Nest module makes its own the same way): register
 * a persister per queue, `start()`, `append(...)` from the write path,
 * `close()` on shutdown.
 */
export function createWriteBehind(options: CreateWriteBehindOptions = {}): WriteBehindEngine {
  const settings = resolveWriteBehindOptions(options);
  const opened = openStore(options, settings, 'a store with `queues`');
  return new WriteBehindEngine(opened.store.queues, settings, opened.owned ? opened.store : undefined);
}
