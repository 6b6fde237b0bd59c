import { entryDeleteScript } from './entry-delete.script.js';
import { entryReadScript, entryReadSlotScript } from './entry-read.script.js';
import { entryWriteScript } from './entry-write.script.js';
import { fenceClaimScript } from './fence-claim.script.js';
import type {
  EntryReadRequest,
  EntryReadResult,
  EntryStore,
  EntryWriteRequest,
  LeaseState,
  WakeSignal,
} from '../entry.store.js';
import type { EntryKeys } from '../key-space.js';
import { leaseAcquireScript, leaseExtendScript, leaseReleaseScript } from './lease.script.js';
import type { RedisConnection } from '../redis/redis-connection.js';
import { tagBumpScript, tagEnsureScript } from './tag-ensure.script.js';

type RawReadReply = [Buffer | null, number, Buffer | null, number, ...Array<Buffer | null>];

/**
 * Entries on Redis. On standalone a read is one script; on Cluster the tag
 * keys live in other slots, so the script reads the entry's slot and the tag
 * versions are fetched in the same parallel round (auto-pipelined per node).
 */
export class RedisEntryStore implements EntryStore {
  constructor(private readonly connection: RedisConnection) {
    connection.define(
      entryReadScript,
      entryReadSlotScript,
      entryWriteScript,
      entryDeleteScript,
      fenceClaimScript,
      tagEnsureScript,
      tagBumpScript,
      leaseAcquireScript,
      leaseExtendScript,
      leaseReleaseScript,
    );
  }

  async read(request: EntryReadRequest): Promise<EntryReadResult> {
    const { keys, tagKeys, lease } = request;
    const args = [lease?.token ?? '', lease?.ttlMs ?? 0, lease?.whenStale ? '1' : '0'];
    const entryKeys = [keys.entry, keys.fence, keys.lease];
    if (!this.connection.isCluster) {
      const reply = await this.connection.run<RawReadReply>(entryReadScript, [...entryKeys, ...tagKeys], args, {
        reply: 'buffer',
      });
      return toResult(reply, reply.slice(4) as Array<Buffer | null>);
    }
    const [reply, ...versions] = await Promise.all([
      this.connection.run<RawReadReply>(entryReadSlotScript, entryKeys, args, { reply: 'buffer' }),
      ...tagKeys.map((key) => this.connection.call((client) => client.getBuffer(key))),
    ]);
    return toResult(reply, versions);
  }

  async peek(keys: EntryKeys, tagKeys: readonly string[]): Promise<EntryReadResult> {
    const values = this.connection.isCluster
      ? await Promise.all([keys.entry, ...tagKeys].map((key) => this.connection.call((c) => c.getBuffer(key))))
      : await this.connection.client.mgetBuffer(keys.entry, ...tagKeys);
    return {
      raw: values[0] ?? null,
      now: Number.NaN,
      fence: '',
      lease: -1,
      tagVersions: values.slice(1).map((version) => version?.toString() ?? null),
    };
  }

  async write(request: EntryWriteRequest): Promise<boolean> {
    const { keys } = request;
    const written = await this.connection.run<number>(
      entryWriteScript,
      [keys.entry, keys.fence, keys.lease],
      [
        request.body,
        request.logicalTtlMs,
        request.physicalTtlMs,
        request.hardTtlMs,
        request.mode,
        request.expectedFence,
        request.leaseToken,
        request.fenceTtlMs,
        request.wake.channel,
        request.wake.message,
      ],
    );
    return written === 1;
  }

  async claimFence(fenceKey: string, holdMs: number): Promise<string> {
    return (await this.connection.run<string>(fenceClaimScript, [fenceKey], ['', holdMs]))!;
  }

  async holdFence(fenceKey: string, fence: string, holdMs: number): Promise<boolean> {
    return (await this.connection.run<string | null>(fenceClaimScript, [fenceKey], [fence, holdMs])) !== null;
  }

  async delete(keys: readonly EntryKeys[], fenceTtlMs: number): Promise<number> {
    const deleted = await Promise.all(
      keys.map((key) => this.connection.run<number>(entryDeleteScript, [key.entry, key.fence], [fenceTtlMs])),
    );
    return deleted.reduce((sum, n) => sum + n, 0);
  }

  ensureTags(tagKeys: readonly string[], ttlMs: number): Promise<string[]> {
    return Promise.all(tagKeys.map((key) => this.connection.run<string>(tagEnsureScript, [key], [ttlMs])));
  }

  async readTags(tagKeys: readonly string[]): Promise<Array<string | null>> {
    return Promise.all(tagKeys.map((key) => this.connection.call((client) => client.get(key))));
  }

  async bumpTags(tagKeys: readonly string[], ttlMs: number): Promise<void> {
    await Promise.all(tagKeys.map((key) => this.connection.run<string>(tagBumpScript, [key], [ttlMs])));
  }

  acquireLease(leaseKey: string, token: string, ttlMs: number): Promise<LeaseState> {
    return this.connection.run<number>(leaseAcquireScript, [leaseKey], [token, ttlMs]);
  }

  async extendLease(leaseKey: string, token: string, ttlMs: number): Promise<boolean> {
    return (await this.connection.run<number>(leaseExtendScript, [leaseKey], [token, ttlMs])) === 1;
  }

  async releaseLease(leaseKey: string, token: string, wake: WakeSignal): Promise<void> {
    await this.connection.run<number>(leaseReleaseScript, [leaseKey], [token, wake.channel, wake.message]);
  }

  async scan(match: string, onBatch: (entryKeys: string[]) => Promise<void>): Promise<void> {
    for (const node of this.connection.masters()) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', match, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await onBatch(keys);
      } while (cursor !== '0');
    }
  }

  pttl(key: string): Promise<number> {
    return this.connection.call((client) => client.pttl(key));
  }
}

function toResult(reply: RawReadReply, versions: Array<Buffer | null>): EntryReadResult {
  return {
    raw: reply[0] ?? null,
    now: Number(reply[1]),
    fence: reply[2]?.toString() ?? '',
    lease: Number(reply[3]),
    tagVersions: versions.map((version) => version?.toString() ?? null),
  };
}
