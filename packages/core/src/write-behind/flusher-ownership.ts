import { randomUUID } from 'node:crypto';
import { HeldLock } from '../lock/held-lock.js';
import { compareStreamIds } from '../store/queues/stream-id.js';
import type { FlusherState } from './flusher-state.js';

const FENCE_TTL_MS = 7 * 86_400_000;

/** Thrown instead of calling the handler once the lease is lost; never leaves the flusher. */
export const LEASE_LOST = new Error('the flusher lease was lost');

/**
 * Takes the queue's ownership lease, and with it everything the previous
 * owner had been handed and not acknowledged. False when another instance
 * holds the lease.
 */
export async function takeOwnership(state: FlusherState): Promise<boolean> {
  const { store, keys, options, queue, logger } = state.deps;
  const token = randomUUID();
  const lease = await store.locks.acquire(keys.owner, token, options.visibilityTimeoutMs, FENCE_TTL_MS);
  if (!lease.acquired) return false;
  state.owner = new HeldLock(
    store.locks,
    `write-behind:${queue}`,
    keys.owner,
    token,
    lease.fencingToken,
    options.visibilityTimeoutMs,
    logger,
  );
  state.held = [];
  if (!(await reclaim(state, token, 0))) {
    dropOwnership(state);
    return false;
  }
  if (state.held.length > 0) {
    logger.log(
      `Write-behind queue "${queue}": took over flushing and reclaimed ${state.held.length} unacknowledged entries.`,
    );
  }
  return true;
}

/**
 * Claims what sits idle in any consumer's pending list (ours included: an
 * entry held here is never idle that long unless it was dropped) and merges
 * it into the held entries in stream order, so per-key order holds. False
 * when the lease is no longer ours.
 */
export async function reclaim(
  state: FlusherState,
  token: string,
  minIdleMs = state.deps.options.visibilityTimeoutMs,
): Promise<boolean> {
  const { store, keys, consumer } = state.deps;
  const claimed = await store.claim(keys, consumer, token, minIdleMs);
  if (!claimed) return false;
  state.lastReclaimAt = performance.now();
  const known = new Set(state.held.map((item) => item.entry.id));
  const added = claimed.filter((entry) => !known.has(entry.id));
  if (added.length > 0) {
    state.held.push(...added.map((entry) => ({ entry, attempts: 0, retryAt: 0 })));
    state.held.sort((a, b) => compareStreamIds(a.entry.id, b.entry.id));
  }
  return true;
}

/** A fenced call was refused: another instance holds the lease now. */
export function lostLease(state: FlusherState): false {
  state.owner?.stop();
  state.deps.logger.warn(
    `Write-behind queue "${state.deps.queue}": another instance took over flushing (this one stalled past ` +
      `visibilityTimeout); what it held here is the new owner's now.`,
  );
  dropOwnership(state);
  return false;
}

export function dropOwnership(state: FlusherState): void {
  // Whatever we held is now the next owner's to claim; it may persist some of it again (at-least-once).
  state.owner = undefined;
  state.held = [];
  state.persistedUnacked = [];
}

/** Gives the ownership lease back (announced on the release channel), so a standby takes over at once. */
export async function releaseOwnership(state: FlusherState): Promise<void> {
  const owner = state.owner;
  state.owner = undefined;
  if (owner && !owner.lost) {
    owner.stop();
    await state.deps.store.locks
      .release(owner.keys, owner.token, state.deps.releaseChannel, owner.name)
      .catch(() => undefined);
  }
}
