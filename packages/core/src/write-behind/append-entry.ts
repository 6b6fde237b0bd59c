import type { Serializer } from '../cache/serializer.js';
import { WriteBehindError, WriteBehindNotReplicatedError } from '../shared/errors.js';
import { sleep } from '../shared/sleep.js';
import type { QueueStore } from '../store/queue.store.js';
import type { QueueState } from './queue-state.js';
import type { WriteBehindAppend } from './write-behind.types.js';

/**
 * Records a call in the queue's stream. Resolves once the entry is in Redis
 * (and, with `durability: 'replica'`, on a replica); rejects with
 * `WriteBehindError` when it could not be recorded. A full queue waits for
 * room, backing off, up to `fullWait` — or fails at once with
 * `onFull: 'error'`.
 */
export async function appendEntry(
  store: QueueStore,
  serializer: Serializer,
  queue: string,
  state: QueueState,
  call: WriteBehindAppend,
): Promise<{ id: string }> {
  const { options, keys } = state;
  const entry = {
    key: call.key,
    op: call.op ?? 'write',
    args: serializeCall(serializer, queue, call.key, call.args),
    value:
      call.value === undefined || call.op === 'delete' ? null : serializeCall(serializer, queue, call.key, call.value),
  };
  const deadline = performance.now() + options.fullWaitMs;
  const replication =
    options.durability === 'replica' ? { replicas: 1, timeoutMs: options.replicaTimeoutMs } : undefined;
  let pause = 10;
  for (;;) {
    let result;
    try {
      result = await store.append(keys, entry, options.maxPending, replication);
    } catch (error) {
      throw new WriteBehindError(queue, `not recorded: ${(error as Error).message}`, { cause: error });
    }
    if (result.accepted) {
      state.appended++;
      if (replication && (result.replicas ?? 0) < replication.replicas) {
        throw new WriteBehindNotReplicatedError(queue, result.id, replication.timeoutMs);
      }
      return { id: result.id };
    }
    const left = deadline - performance.now();
    if (options.onFull === 'error' || left <= 0) {
      throw new WriteBehindError(
        queue,
        `queue full (${result.depth} entries pending, maxPending ${options.maxPending}); the write was not recorded.`,
      );
    }
    await sleep(Math.min(pause, left));
    pause = Math.min(pause * 2, 500);
  }
}

function serializeCall(serializer: Serializer, queue: string, key: string, value: unknown): Buffer {
  try {
    return serializer.serialize(value);
  } catch (error) {
    throw new WriteBehindError(queue, `cannot serialize the call for key "${key}": ${(error as Error).message}`, {
      cause: error,
    });
  }
}
