import type { LockStore } from '../lock.store.js';
import { queueAckScript } from './queue-ack.script.js';
import { queueAppendScript } from './queue-append.script.js';
import { queueClaimScript } from './queue-claim.script.js';
import { queueDeadLetterScript } from './queue-dead-letter.script.js';
import { queueDepthScript } from './queue-depth.script.js';
import { queueReadScript } from './queue-read.script.js';
import { queueReplayScript } from './queue-replay.script.js';
import {
  QUEUE_GROUP,
  type AppendResult,
  type DeadLetter,
  type DeadLetterMove,
  type PendingValue,
  type QueueAppend,
  type QueueDepth,
  type QueueEntry,
  type QueueKeys,
  type QueueStore,
  type ReplayOutcome,
} from '../queue.store.js';
import { redisDurabilityWarnings } from '../redis/redis-durability.js';
import type { RedisConnection } from '../redis/redis-connection.js';
import { RedisLockStore } from '../locks/redis-lock.store.js';
import { streamFields, toQueueEntry, type RawStreamEntry } from './stream-entry.js';

/** Write-behind queues on Redis Streams: every call is one script on the queue's slot. */
export class RedisQueueStore implements QueueStore {
  readonly locks: LockStore;

  constructor(
    private readonly connection: RedisConnection,
    locks?: LockStore,
  ) {
    connection.define(
      queueAppendScript,
      queueReadScript,
      queueClaimScript,
      queueAckScript,
      queueDeadLetterScript,
      queueReplayScript,
      queueDepthScript,
    );
    this.locks = locks ?? new RedisLockStore(connection);
  }

  async append(
    keys: QueueKeys,
    entry: QueueAppend,
    maxPending: number,
    replication?: { replicas: number; timeoutMs: number },
  ): Promise<AppendResult> {
    const args = {
      maxPending,
      key: entry.key,
      op: entry.op === 'delete' ? 'd' : 'w',
      args: entry.args,
      value: entry.value ?? '',
      hasValue: entry.value ? '1' : '0',
      group: QUEUE_GROUP,
    };
    if (!replication) return this.connection.run(queueAppendScript, keys, args);
    const { reply, replicas } = await this.connection.runAndWait(queueAppendScript, keys, args, replication);
    return reply.accepted ? { ...reply, replicas } : reply;
  }

  readNew(
    keys: QueueKeys,
    consumer: string,
    count: number,
    ownerToken: string,
  ): Promise<{ entries: QueueEntry[]; othersPending: boolean } | null> {
    return this.connection.run(
      queueReadScript,
      { stream: keys.stream, ownerLease: keys.owner.lock },
      { group: QUEUE_GROUP, consumer, count, ownerToken },
    );
  }

  async claim(keys: QueueKeys, consumer: string, ownerToken: string, minIdleMs: number): Promise<QueueEntry[] | null> {
    const claimed: QueueEntry[] = [];
    let cursor = '0-0';
    do {
      const page = await this.connection.run(
        queueClaimScript,
        { stream: keys.stream, ownerLease: keys.owner.lock },
        { group: QUEUE_GROUP, consumer, cursor, count: 200, ownerToken, minIdleMs: Math.max(0, Math.floor(minIdleMs)) },
      );
      if (!page) return null;
      claimed.push(...page.entries);
      cursor = page.cursor;
    } while (cursor !== '0-0');
    return claimed;
  }

  async ack(
    keys: QueueKeys,
    entries: ReadonlyArray<Pick<QueueEntry, 'id' | 'key'>>,
    ownerToken: string,
  ): Promise<boolean> {
    if (entries.length === 0) return true;
    return this.connection.run(
      queueAckScript,
      { stream: keys.stream, pending: keys.pending, ownerLease: keys.owner.lock },
      { group: QUEUE_GROUP, ownerToken, idKeyPairs: entries.flatMap((entry) => [entry.id, entry.key]) },
    );
  }

  deadLetter(
    keys: QueueKeys,
    entry: QueueEntry,
    error: string,
    attempts: number,
    ownerToken: string,
  ): Promise<DeadLetterMove> {
    return this.connection.run(
      queueDeadLetterScript,
      { ...keys, ownerLease: keys.owner.lock },
      {
        group: QUEUE_GROUP,
        id: entry.id,
        key: entry.key,
        op: entry.op === 'delete' ? 'd' : 'w',
        args: entry.args,
        value: entry.value ?? '',
        hasValue: entry.value ? '1' : '0',
        version: entry.version,
        error,
        attempts,
        ownerToken,
      },
    );
  }

  async pendingValue(keys: QueueKeys, key: string): Promise<PendingValue | null> {
    const raw = await this.connection.call((client) => client.hgetBuffer(keys.pending, key));
    return raw ? parseOverlay(raw) : null;
  }

  depth(keys: QueueKeys): Promise<QueueDepth> {
    return this.connection.run(queueDepthScript, keys, {});
  }

  async listDead(keys: QueueKeys, count: number, after?: string): Promise<DeadLetter[]> {
    const start = after ? `(${after}` : '-';
    const raw = (await this.connection.call((client) =>
      client.xrangeBuffer(keys.dead, start, '+', 'COUNT', count),
    )) as RawStreamEntry[];
    return raw.map((item) => {
      const fields = streamFields(item[1]);
      const id = fields.get('id')!.toString();
      return {
        ...toQueueEntry([Buffer.from(id), item[1]]),
        deadId: item[0].toString(),
        error: fields.get('e')?.toString() ?? '',
        attempts: Number(fields.get('n')?.toString() ?? 0),
        failedAt: Number(fields.get('t')?.toString() ?? 0),
      };
    });
  }

  replayDead(keys: QueueKeys, deadIds: readonly string[] | undefined, limit: number): Promise<ReplayOutcome> {
    return this.connection.run(queueReplayScript, keys, { group: QUEUE_GROUP, limit, deadIds: deadIds ?? [] });
  }

  async purgeDead(keys: QueueKeys, deadIds: readonly string[] | undefined): Promise<number> {
    if (deadIds === undefined) {
      const count = await this.connection.call((client) => client.xlen(keys.dead));
      await this.connection.call((client) => client.del(keys.dead, keys.newest));
      return count;
    }
    return deadIds.length === 0 ? 0 : this.connection.call((client) => client.xdel(keys.dead, ...deadIds));
  }

  durabilityWarnings(): Promise<string[]> {
    return redisDurabilityWarnings(this.connection.masters());
  }
}

/** `<id>|d`, `<id>|v<bytes>` or `<id>|n` (a write with nothing to show; see queue-overlay.fragment.ts). */
export function parseOverlay(raw: Buffer): PendingValue | null {
  const bar = raw.indexOf(0x7c); // '|'
  if (bar < 0 || bar + 1 >= raw.length) return null;
  const id = raw.subarray(0, bar).toString();
  if (raw[bar + 1] === 0x64 /* 'd' */) return { id, op: 'delete' };
  return raw[bar + 1] === 0x76 /* 'v' */ ? { id, op: 'write', value: raw.subarray(bar + 2) } : null;
}
