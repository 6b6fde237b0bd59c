import { entryDeleteScript } from './entry-delete.script.js';
import { entryReadScript, entryReadSlotScript } from './entry-read.script.js';
import { entryWriteScript } from './entry-write.script.js';
import { entryWriteVersionedScript, entryWriteVersionedSlotScript } from './entry-write-versioned.script.js';
import { fenceClaimScript } from './fence-claim.script.js';
import type {
  EntryReadRequest,
  EntryReadResult,
  EntryStore,
  EntryWriteRequest,
  LeaseState,
  VersionedWriteRequest,
  WakeSignal,
} from '../entry.store.js';
import type { EntryKeys } from '../key-space.js';
import { leaseAcquireScript } from './lease-acquire.script.js';
import { leaseReleaseScript } from './lease-release.script.js';
import { lockExtendScript } from '../locks/lock-extend.script.js';
import type { RedisConnection } from '../redis/redis-connection.js';
import { tagBumpScript } from './tag-bump.script.js';
import { tagEnsureScript } from './tag-ensure.script.js';

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
      entryWriteVersionedScript,
      entryWriteVersionedSlotScript,
      entryDeleteScript,
      fenceClaimScript,
      tagEnsureScript,
      tagBumpScript,
      leaseAcquireScript,
      lockExtendScript,
      leaseReleaseScript,
    );
  }

  async read(request: EntryReadRequest): Promise<EntryReadResult> {
    const { keys, tagKeys, lease } = request;
    const args = {
      leaseToken: lease?.token ?? '',
      leaseTtlMs: lease?.ttlMs ?? 0,
      leaseWhenStale: lease?.whenStale ? '1' : '0',
    };
    if (!this.connection.isCluster) {
      return this.connection.run(entryReadScript, { ...keys, tags: tagKeys }, args);
    }
    const [result, ...versions] = await Promise.all([
      this.connection.run(entryReadSlotScript, keys, args),
      ...tagKeys.map((key) => this.connection.call((client) => client.getBuffer(key))),
    ]);
    result.tagVersions = versions.map((version) => version?.toString() ?? null);
    return result;
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

  write(request: EntryWriteRequest): Promise<boolean> {
    const { keys, wake } = request;
    return this.connection.run(entryWriteScript, keys, {
      body: request.body,
      logicalTtlMs: request.logicalTtlMs,
      physicalTtlMs: request.physicalTtlMs,
      hardTtlMs: request.hardTtlMs,
      mode: request.mode,
      expectedFence: request.expectedFence,
      leaseToken: request.leaseToken,
      fenceTtlMs: request.fenceTtlMs,
      channel: wake.channel,
      message: wake.message,
    });
  }

  async writeVersioned(request: VersionedWriteRequest): Promise<string[]> {
    const { keys, versionKeys, tags, wake } = request;
    const args = {
      head: request.head,
      payload: request.payload,
      logicalTtlMs: request.logicalTtlMs,
      physicalTtlMs: request.physicalTtlMs,
      hardTtlMs: request.hardTtlMs,
      fenceTtlMs: request.fenceTtlMs,
      versionTtlMs: request.versionTtlMs,
      channel: wake.channel,
      message: wake.message,
      tagCount: tags.length,
    };
    const entryKeys = { entry: keys.entry, fence: keys.fence };
    if (!request.versions && !this.connection.isCluster) {
      return this.connection.run(
        entryWriteVersionedScript,
        { ...entryKeys, versions: versionKeys },
        { ...args, names: tags },
      );
    }
    // Given, or (on Cluster, where they live in other slots) ensured on their nodes first, then written.
    const versions = request.versions ?? (await this.ensureTags(versionKeys, request.versionTtlMs));
    return this.connection.run(entryWriteVersionedSlotScript, entryKeys, { ...args, names: [...tags, ...versions] });
  }

  async claimFence(fenceKey: string, holdMs: number): Promise<string> {
    return (await this.connection.run(fenceClaimScript, { fence: fenceKey }, { claimedFence: '', holdMs }))!;
  }

  async holdFence(fenceKey: string, fence: string, holdMs: number): Promise<boolean> {
    return (await this.connection.run(fenceClaimScript, { fence: fenceKey }, { claimedFence: fence, holdMs })) !== null;
  }

  async delete(keys: readonly EntryKeys[], fenceTtlMs: number): Promise<number> {
    const deleted = await Promise.all(keys.map((key) => this.connection.run(entryDeleteScript, key, { fenceTtlMs })));
    return deleted.reduce((sum, n) => sum + n, 0);
  }

  ensureTags(tagKeys: readonly string[], ttlMs: number): Promise<string[]> {
    return Promise.all(tagKeys.map((tag) => this.connection.run(tagEnsureScript, { tag }, { ttlMs })));
  }

  async readTags(tagKeys: readonly string[]): Promise<Array<string | null>> {
    return Promise.all(tagKeys.map((key) => this.connection.call((client) => client.get(key))));
  }

  async bumpTags(tagKeys: readonly string[], ttlMs: number): Promise<void> {
    await Promise.all(tagKeys.map((tag) => this.connection.run(tagBumpScript, { tag }, { ttlMs })));
  }

  acquireLease(lease: string, token: string, ttlMs: number): Promise<LeaseState> {
    return this.connection.run(leaseAcquireScript, { lease }, { token, ttlMs });
  }

  extendLease(lease: string, token: string, ttlMs: number): Promise<boolean> {
    return this.connection.run(lockExtendScript, { lock: lease }, { token, ttlMs });
  }

  async releaseLease(lease: string, token: string, wake: WakeSignal): Promise<void> {
    await this.connection.run(leaseReleaseScript, { lease }, { token, channel: wake.channel, message: wake.message });
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
