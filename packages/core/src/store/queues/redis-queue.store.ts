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
import { streamIdTime } from './stream-id.js';

type RawEntry = [Buffer, Buffer[]];

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
    const scriptKeys = [keys.stream, keys.pending, keys.newest];
    const args = [
      maxPending,
      entry.key,
      entry.op === 'delete' ? 'd' : 'w',
      entry.args,
      entry.value ?? '',
      entry.value ? '1' : '0',
      QUEUE_GROUP,
    ];
    let reply: [number, string | number];
    let replicas: number | undefined;
    if (replication) {
      ({ reply, replicas } = await this.connection.runAndWait<[number, string | number]>(
        queueAppendScript,
        scriptKeys,
        args,
        replication.replicas,
        replication.timeoutMs,
      ));
    } else {
      reply = await this.connection.run<[number, string | number]>(queueAppendScript, scriptKeys, args);
    }
    const [accepted, value] = reply;
    return accepted === 1 ? { accepted: true, id: String(value), replicas } : { accepted: false, depth: Number(value) };
  }

  async readNew(
    keys: QueueKeys,
    consumer: string,
    count: number,
    ownerToken: string,
  ): Promise<{ entries: QueueEntry[]; othersPending: boolean } | null> {
    const raw = await this.connection.run<[RawEntry[], number] | null>(
      queueReadScript,
      [keys.stream, keys.owner.lock],
      [QUEUE_GROUP, consumer, count, ownerToken],
      { reply: 'buffer' },
    );
    return raw ? { entries: raw[0].map(toEntry), othersPending: raw[1] === 1 } : null;
  }

  async claim(keys: QueueKeys, consumer: string, ownerToken: string, minIdleMs: number): Promise<QueueEntry[] | null> {
    const claimed: QueueEntry[] = [];
    let cursor = '0-0';
    do {
      const reply = await this.connection.run<[Buffer, RawEntry[]] | null>(
        queueClaimScript,
        [keys.stream, keys.owner.lock],
        [QUEUE_GROUP, consumer, cursor, 200, ownerToken, Math.max(0, Math.floor(minIdleMs))],
        { reply: 'buffer' },
      );
      if (!reply) return null;
      claimed.push(...reply[1].map(toEntry));
      cursor = reply[0].toString();
    } while (cursor !== '0-0');
    return claimed;
  }

  async ack(
    keys: QueueKeys,
    entries: ReadonlyArray<Pick<QueueEntry, 'id' | 'key'>>,
    ownerToken: string,
  ): Promise<boolean> {
    if (entries.length === 0) return true;
    const pairs = entries.flatMap((entry) => [entry.id, entry.key]);
    const acked = await this.connection.run<number>(
      queueAckScript,
      [keys.stream, keys.pending, keys.owner.lock],
      [QUEUE_GROUP, ownerToken, ...pairs],
    );
    return acked >= 0;
  }

  async deadLetter(
    keys: QueueKeys,
    entry: QueueEntry,
    error: string,
    attempts: number,
    ownerToken: string,
  ): Promise<DeadLetterMove> {
    const moved = await this.connection.run<number>(
      queueDeadLetterScript,
      [keys.stream, keys.dead, keys.pending, keys.newest, keys.owner.lock],
      [
        QUEUE_GROUP,
        entry.id,
        entry.key,
        entry.op === 'delete' ? 'd' : 'w',
        entry.args,
        entry.value ?? '',
        entry.value ? '1' : '0',
        entry.version,
        error,
        attempts,
        ownerToken,
      ],
    );
    return moved === 1 ? 'moved' : moved === 0 ? 'gone' : 'not-owner';
  }

  async pendingValue(keys: QueueKeys, key: string): Promise<PendingValue | null> {
    const raw = await this.connection.call((client) => client.hgetBuffer(keys.pending, key));
    return raw ? parseOverlay(raw) : null;
  }

  async depth(keys: QueueKeys): Promise<QueueDepth> {
    const [depth, oldest, deadLetters, now] = await this.connection.run<[number, string, number, number]>(
      queueDepthScript,
      [keys.stream, keys.dead],
      [],
    );
    return { depth, deadLetters, oldestAgeMs: oldest ? Math.max(0, now - streamIdTime(oldest)) : null };
  }

  async listDead(keys: QueueKeys, count: number, after?: string): Promise<DeadLetter[]> {
    const start = after ? `(${after}` : '-';
    const raw = (await this.connection.call((client) =>
      client.xrangeBuffer(keys.dead, start, '+', 'COUNT', count),
    )) as RawEntry[];
    return raw.map((item) => {
      const fields = toFields(item[1]);
      const id = fields.get('id')!.toString();
      return {
        ...toEntry([Buffer.from(id), item[1]]),
        deadId: item[0].toString(),
        error: fields.get('e')?.toString() ?? '',
        attempts: Number(fields.get('n')?.toString() ?? 0),
        failedAt: Number(fields.get('t')?.toString() ?? 0),
      };
    });
  }

  async replayDead(keys: QueueKeys, deadIds: readonly string[] | undefined, limit: number): Promise<ReplayOutcome> {
    const [replayed, superseded] = await this.connection.run<[number, Array<[string, string, string]>]>(
      queueReplayScript,
      [keys.dead, keys.stream, keys.pending, keys.newest],
      [QUEUE_GROUP, limit, ...(deadIds ?? [])],
    );
    return { replayed, superseded: superseded.map(([deadId, id, key]) => ({ deadId, id, key })) };
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

function toFields(flat: Buffer[]): Map<string, Buffer> {
  const fields = new Map<string, Buffer>();
  for (let i = 0; i + 1 < flat.length; i += 2) fields.set(flat[i]!.toString(), flat[i + 1]!);
  return fields;
}

function toEntry([rawId, flat]: RawEntry): QueueEntry {
  const fields = toFields(flat);
  const id = rawId.toString();
  return {
    id,
    key: fields.get('k')?.toString() ?? '',
    op: fields.get('o')?.toString() === 'd' ? 'delete' : 'write',
    args: fields.get('a') ?? Buffer.alloc(0),
    value: fields.get('v') ?? null,
    version: fields.get('ver')?.toString() ?? id,
  };
}

/** `<id>|d`, `<id>|v<bytes>` or `<id>|n` (a write with nothing to show; see queue-lua.ts). */
export function parseOverlay(raw: Buffer): PendingValue | null {
  const bar = raw.indexOf(0x7c); // '|'
  if (bar < 0 || bar + 1 >= raw.length) return null;
  const id = raw.subarray(0, bar).toString();
  if (raw[bar + 1] === 0x64 /* 'd' */) return { id, op: 'delete' };
  return raw[bar + 1] === 0x76 /* 'v' */ ? { id, op: 'write', value: raw.subarray(bar + 2) } : null;
}
