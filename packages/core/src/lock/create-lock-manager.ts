import type { Duration } from '../shared/duration.js';
import { resolveNamespace } from '../shared/namespace.js';
import { resolveCommandTimeout } from '../shared/option-checks.js';
import type { LockStore } from '../store/lock.store.js';
import { openStore, type StoreChoice } from '../store/open-store.js';
import { LockManager, type LockManagerOptions } from './lock-manager.js';

export interface CreateLockManagerOptions extends Partial<LockManagerOptions>, StoreChoice<{ locks: LockStore }> {
  /** Per-command timeout of a connection opened here. Default `'1s'`. */
  commandTimeout?: Duration;
}

/** A lock waits for its holder, not for a cache read: a connection opened for locks gets more time per command. */
const LOCK_COMMAND_TIMEOUT = '1s';

/**
 * Distributed locks outside a cache (the Nest module makes its own the same way).
 *
 * ```ts
 * const locks = createLockManager({ redis: 'redis://localhost:6379', namespace: 'billing' });
 * await locks.withLock('nightly-invoices', async ({ fencingToken }) => runInvoices(fencingToken), { ttl: '30s' });
 * await locks.close();
 * ```
 */
export function createLockManager(options: CreateLockManagerOptions = {}): LockManager {
  const managerOptions: LockManagerOptions = {
    namespace: resolveNamespace(options.namespace),
    ttl: options.ttl,
    wait: options.wait,
    logger: options.logger,
  };
  const commandTimeoutMs = resolveCommandTimeout(options.commandTimeout, LOCK_COMMAND_TIMEOUT);
  const opened = openStore(options, { commandTimeoutMs, logger: options.logger }, 'a store with `locks`');
  return new LockManager(opened.store.locks, managerOptions, opened.owned ? opened.store : undefined);
}
