import { streamIdVersion } from '../store/queues/stream-id.js';
import type { FlushUnit } from './flush-plan.js';
import { acknowledge, deadLetter, fail } from './flush-settlement.js';
import { LEASE_LOST } from './flusher-ownership.js';
import type { FlusherState } from './flusher-state.js';
import { runHandler } from './run-handler.js';
import type { WriteBehindItem } from './write-behind.types.js';

/**
 * Hands a planned batch to the user's handler: decodes each unit into the
 * item the handler receives, runs the handler (see `runHandler`), then
 * settles every unit — acknowledged, retried or dead-lettered.
 */
export async function dispatch(state: FlusherState, units: FlushUnit[]): Promise<void> {
  const decoded: Array<{ unit: FlushUnit; item: WriteBehindItem }> = [];
  for (const unit of units) {
    try {
      decoded.push({ unit, item: toItem(state, unit) });
    } catch (error) {
      // An entry that cannot be read back will never succeed: dead-letter it now, keep the rest going.
      await deadLetter(state, unit, `cannot deserialize the recorded call: ${(error as Error).message}`);
    }
  }
  if (decoded.length === 0) return;
  const succeeded = await runHandler(state.deps.handler, decoded, {
    call: (run, items) => call(state, run, items),
    fail: (unit, error) => fail(state, unit, error),
  });
  await acknowledge(state, succeeded);
}

async function call(
  state: FlusherState,
  run: () => Promise<void>,
  items: Array<{ item: WriteBehindItem }>,
): Promise<void> {
  // Once the lease is gone, persisting more would race the new owner: leave the rest to it.
  if (!state.owner || state.owner.lost) throw LEASE_LOST;
  state.counters.handlerCalls++;
  for (const { item } of items) if (item.attempts > 0) state.counters.retried++;
  await run();
}

function toItem(state: FlusherState, unit: FlushUnit): WriteBehindItem {
  const { entry } = unit;
  const { serializer, queue } = state.deps;
  const args = serializer.deserialize(entry.args);
  if (!Array.isArray(args)) throw new Error('recorded arguments are not an array');
  return {
    queue,
    id: entry.id,
    key: entry.key,
    op: entry.op,
    args,
    value: entry.value ? serializer.deserialize(entry.value) : undefined,
    version: streamIdVersion(entry.version),
    attempts: unit.attempts,
    coalesced: unit.covered.length,
    fencingToken: state.owner?.fencingToken ?? 0,
  };
}
