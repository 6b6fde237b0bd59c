import type { QueueEntry } from '../store/queue.store.js';

/** An entry this flusher holds (delivered to it, not yet acknowledged). */
export interface HeldEntry {
  entry: QueueEntry;
  /** Failed attempts so far. */
  attempts: number;
  /** Not before this time (ms, performance clock): backing off after a failure. */
  retryAt: number;
}

/** One handler item: an entry and, when coalescing, the earlier entries of its key it stands for. */
export interface FlushUnit {
  /** The entry whose arguments the handler gets (the newest of `covered`). */
  entry: QueueEntry;
  /** Every entry acknowledged (or retried, or dead-lettered) with it, oldest first. */
  covered: HeldEntry[];
  attempts: number;
}

/**
 * Picks the next batch from the held entries, oldest first. A key whose
 * oldest entry is backing off is skipped whole — a later write of that key
 * must not be persisted before the earlier one — while other keys go ahead.
 * With coalescing, a key's entries collapse into its newest one (last write
 * wins; a delete is just the newest entry when it is the last, so it is never
 * overtaken by an earlier write).
 */
export function planFlush(held: readonly HeldEntry[], now: number, batchSize: number, coalesce: boolean): FlushUnit[] {
  const blocked = new Set<string>();
  const units: FlushUnit[] = [];
  const byKey = new Map<string, FlushUnit>();
  let taken = 0;
  for (const item of held) {
    const key = item.entry.key;
    if (blocked.has(key)) continue;
    if (item.retryAt > now) {
      blocked.add(key);
      continue;
    }
    if (taken >= batchSize) break;
    taken++;
    const existing = coalesce ? byKey.get(key) : undefined;
    if (existing) {
      existing.entry = item.entry;
      existing.covered.push(item);
      existing.attempts = Math.max(existing.attempts, item.attempts);
      continue;
    }
    const unit: FlushUnit = { entry: item.entry, covered: [item], attempts: item.attempts };
    units.push(unit);
    if (coalesce) byKey.set(key, unit);
  }
  return units;
}
