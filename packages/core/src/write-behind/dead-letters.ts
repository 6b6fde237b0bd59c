import type { Serializer } from '../cache/serializer.js';
import type { QueueKeys, QueueStore } from '../store/queue.store.js';
import { streamIdVersion } from '../store/queues/stream-id.js';
import type { CacheLogger } from '../telemetry/logger.js';
import type { DeadLetterReplay, DeadLetterView } from './write-behind.types.js';

/** A queue's dead letters as users see them: arguments and value decoded where they can be (raw bytes otherwise). */
export async function listDeadLetters(
  store: QueueStore,
  keys: QueueKeys,
  serializer: Serializer,
  options: { count?: number; after?: string },
): Promise<DeadLetterView[]> {
  const letters = await store.listDead(keys, options.count ?? 100, options.after);
  return letters.map((letter) => ({
    deadId: letter.deadId,
    id: letter.id,
    key: letter.key,
    op: letter.op,
    args: safeDeserialize(serializer, letter.args) as unknown[],
    value: letter.value ? safeDeserialize(serializer, letter.value) : undefined,
    version: streamIdVersion(letter.version),
    error: letter.error,
    attempts: letter.attempts,
    failedAt: new Date(letter.failedAt),
  }));
}

/**
 * Puts dead letters back on the queue — those still the newest write of
 * their key — and logs the ones a newer write superseded (see
 * `WriteBehind.replayDeadLetters`).
 */
export async function replayDeadLetters(
  store: QueueStore,
  keys: QueueKeys,
  queue: string,
  logger: CacheLogger,
  options: { ids?: string[]; limit?: number },
): Promise<DeadLetterReplay> {
  const outcome = await store.replayDead(keys, options.ids, options.limit ?? 1_000);
  if (outcome.superseded.length > 0) {
    const superseded = [...new Set(outcome.superseded.map((letter) => letter.key))];
    logger.warn(
      `Write-behind queue "${queue}": ${outcome.superseded.length} dead letter(s) not replayed, superseded by a ` +
        `newer write of their key (${superseded.slice(0, 5).join(', ')}${superseded.length > 5 ? ', ...' : ''}).`,
    );
  }
  return outcome;
}

function safeDeserialize(serializer: Serializer, bytes: Buffer): unknown {
  try {
    return serializer.deserialize(bytes);
  } catch {
    return bytes;
  }
}
