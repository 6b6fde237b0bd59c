import type { FlushUnit } from './flush-plan.js';
import { LEASE_LOST, lostLease } from './flusher-ownership.js';
import type { FlusherState } from './flusher-state.js';
import { retryDelayMs } from './write-behind-options.js';

/**
 * Acknowledges what the handler persisted. An acknowledgement that did not
 * reach Redis is kept, to be sent again before the next pass does anything
 * else.
 */
export async function acknowledge(state: FlusherState, units: FlushUnit[]): Promise<void> {
  if (units.length === 0) return;
  const done = new Set(units.flatMap((unit) => unit.covered));
  state.held = state.held.filter((item) => !done.has(item));
  const entries = [...done].map((item) => ({ id: item.entry.id, key: item.entry.key }));
  state.counters.flushed += entries.length;
  const owner = state.owner;
  if (!owner) return;
  try {
    if (!(await state.deps.store.ack(state.deps.keys, entries, owner.token))) lostLease(state);
  } catch (error) {
    state.persistedUnacked.push(...entries);
    throw error;
  }
}

/** A unit the handler failed: retried with backoff, or dead-lettered once it used up `maxAttempts`. */
export async function fail(state: FlusherState, unit: FlushUnit, error: unknown): Promise<void> {
  if (error === LEASE_LOST) return;
  const { options, logger, queue } = state.deps;
  const attempts = unit.attempts + 1;
  const message = error instanceof Error ? error.message : String(error);
  if (attempts >= options.maxAttempts) {
    await deadLetter(state, unit, message, attempts);
    return;
  }
  const retryAt = performance.now() + retryDelayMs(options, attempts);
  for (const item of unit.covered) {
    item.attempts = attempts;
    item.retryAt = retryAt;
  }
  if (attempts === 1) {
    logger.warn(
      `Write-behind queue "${queue}": persisting key "${unit.entry.key}" failed (${message}); retrying with backoff.`,
    );
  }
}

/** Moves a unit's entries to the dead-letter stream (fenced by the lease), and says how to replay them. */
export async function deadLetter(
  state: FlusherState,
  unit: FlushUnit,
  error: string,
  attempts = unit.attempts + 1,
): Promise<void> {
  const owner = state.owner;
  if (!owner) return;
  const covered = new Set(unit.covered);
  state.held = state.held.filter((item) => !covered.has(item));
  for (const item of unit.covered) {
    const move = await state.deps.store.deadLetter(state.deps.keys, item.entry, error, attempts, owner.token);
    if (move === 'not-owner') {
      lostLease(state);
      return;
    }
    if (move === 'moved') state.counters.deadLettered++;
  }
  state.deps.logger.error(
    `Write-behind queue "${state.deps.queue}": key "${unit.entry.key}" moved to the dead-letter stream after ` +
      `${attempts} attempt(s): ${error}. List and replay it with deadLetters()/replayDeadLetters().`,
  );
}
