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
import type { MemoryBus } from './memory-bus.js';
import { globToRegExp, type MemoryKeyValue } from './memory-kv.js';
import { EntryFlags, entryHeaderVersions, entryTimes, parseEntryHeader } from '../entries/entry-header.js';

/** Entries in process, with exactly the semantics of the Redis scripts (the contract suite checks both). */
export class MemoryEntryStore implements EntryStore {
  constructor(
    private readonly kv: MemoryKeyValue,
    private readonly bus: MemoryBus,
  ) {}

  async read(request: EntryReadRequest): Promise<EntryReadResult> {
    const { keys, lease } = request;
    const now = this.kv.now();
    let raw = this.kv.get(keys.entry) as Buffer | null;
    const header = raw ? parseEntryHeader(raw) : undefined;
    if (raw && header && header.flags & EntryFlags.sliding) {
      const ttl = Math.min(header.logicalExpireAt - header.createdAt, header.hardExpireAt - now);
      if (ttl <= 0) {
        this.kv.delete(keys.entry);
        raw = null;
      } else this.kv.expire(keys.entry, ttl);
    }
    let leaseState: LeaseState = -1;
    if (lease) {
      const wants = raw ? lease.whenStale && header !== undefined && header.logicalExpireAt <= now : true;
      if (wants) {
        leaseState = this.kv.setIfAbsent(keys.lease, lease.token, lease.ttlMs)
          ? 0
          : Math.max(this.kv.pttl(keys.lease), 1);
      }
    }
    return {
      raw,
      now,
      fence: this.kv.getString(keys.fence) ?? '',
      lease: leaseState,
      tagVersions: request.tagKeys.map((key) => this.kv.getString(key)),
    };
  }

  async peek(keys: EntryKeys, tagKeys: readonly string[]): Promise<EntryReadResult> {
    return {
      raw: this.kv.get(keys.entry) as Buffer | null,
      now: Number.NaN,
      fence: '',
      lease: -1,
      tagVersions: tagKeys.map((key) => this.kv.getString(key)),
    };
  }

  async write(request: EntryWriteRequest): Promise<boolean> {
    const { keys } = request;
    const now = this.kv.now();
    const fence = this.kv.getString(keys.fence) ?? '';
    let written = false;
    if (request.mode !== 'load' || fence === request.expectedFence) {
      if (request.mode !== 'load') this.kv.set(keys.fence, this.kv.nextVersion(keys.fence), request.fenceTtlMs);
      const times = entryTimes(now + request.hardTtlMs, now + request.logicalTtlMs, now);
      this.kv.set(
        keys.entry,
        Buffer.concat([Buffer.from(times), request.body]),
        Math.min(request.physicalTtlMs, request.hardTtlMs),
      );
      written = true;
    }
    if (request.leaseToken && this.kv.getString(keys.lease) === request.leaseToken) this.kv.delete(keys.lease);
    this.bus.emit(request.wake.channel, request.wake.message);
    return written;
  }

  async writeVersioned(request: VersionedWriteRequest): Promise<string[]> {
    const { keys, tags } = request;
    const versions = request.versions
      ? [...request.versions]
      : await this.ensureTags(request.versionKeys, request.versionTtlMs);
    let versionSection = entryHeaderVersions(versions[0]!, tags.length);
    tags.forEach((tag, i) => (versionSection += `${tag}\n${versions[i + 1]}\n`));
    await this.write({
      ...request,
      keys,
      body: Buffer.concat([Buffer.from(request.head + versionSection), request.payload]),
      mode: 'write',
      expectedFence: '',
      leaseToken: '',
    });
    return versions;
  }

  async claimFence(fenceKey: string, holdMs: number): Promise<string> {
    const fence = this.kv.getString(fenceKey);
    if (fence === null) {
      const created = this.kv.nextVersion(fenceKey);
      this.kv.set(fenceKey, created, holdMs);
      return created;
    }
    if (this.kv.pttl(fenceKey) < holdMs) this.kv.expire(fenceKey, holdMs);
    return fence;
  }

  async holdFence(fenceKey: string, fence: string, holdMs: number): Promise<boolean> {
    if (this.kv.getString(fenceKey) !== fence) return false;
    if (this.kv.pttl(fenceKey) < holdMs) this.kv.expire(fenceKey, holdMs);
    return true;
  }

  async delete(keys: readonly EntryKeys[], fenceTtlMs: number): Promise<number> {
    let deleted = 0;
    for (const key of keys) {
      this.kv.set(key.fence, this.kv.nextVersion(key.fence), fenceTtlMs);
      deleted += this.kv.delete(key.entry);
    }
    return deleted;
  }

  async ensureTags(tagKeys: readonly string[], ttlMs: number): Promise<string[]> {
    return tagKeys.map((key) => {
      const version = this.kv.getString(key);
      if (version === null) {
        const created = this.kv.nextVersion(key);
        this.kv.set(key, created, ttlMs);
        return created;
      }
      if (this.kv.pttl(key) < ttlMs) this.kv.expire(key, ttlMs);
      return version;
    });
  }

  async readTags(tagKeys: readonly string[]): Promise<Array<string | null>> {
    return tagKeys.map((key) => this.kv.getString(key));
  }

  async bumpTags(tagKeys: readonly string[], ttlMs: number): Promise<void> {
    for (const key of tagKeys) this.kv.set(key, this.kv.nextVersion(key), ttlMs);
  }

  async acquireLease(leaseKey: string, token: string, ttlMs: number): Promise<LeaseState> {
    return this.kv.setIfAbsent(leaseKey, token, ttlMs) ? 0 : Math.max(this.kv.pttl(leaseKey), 1);
  }

  async extendLease(leaseKey: string, token: string, ttlMs: number): Promise<boolean> {
    return this.kv.expireIfHeld(leaseKey, token, ttlMs);
  }

  async releaseLease(leaseKey: string, token: string, wake: WakeSignal): Promise<void> {
    if (this.kv.getString(leaseKey) === token) this.kv.delete(leaseKey);
    this.bus.emit(wake.channel, wake.message);
  }

  async scan(match: string, onBatch: (entryKeys: string[]) => Promise<void>): Promise<void> {
    const pattern = globToRegExp(match);
    const keys = this.kv.keys().filter((key) => pattern.test(key));
    for (let i = 0; i < keys.length; i += 1000) await onBatch(keys.slice(i, i + 1000));
  }

  async pttl(key: string): Promise<number> {
    return this.kv.pttl(key);
  }
}
