import type { EntryKeys, KeySpace } from '../store/key-space.js';
import type { CacheEngine } from './cache-engine.js';
import type { GetOrSetOptions } from './cache.types.js';
import { encodeEntryBody, encodeEntryHead, EntryFlags } from './entry-codec.js';
import type { ReadOutcome } from './read-outcome.js';
import { entryLifetimes } from './ttl-policy.js';

/**
 * Writes entries: encodes the envelope body, applies TTL policy and size
 * limits, and sends it with the right fence condition. Tag versions are the
 * ones read before the value was computed, so an invalidation that lands
 * while a load runs makes the stored entry invalid on its first read.
 */
export class EntryWriter {
  constructor(
    private readonly engine: CacheEngine,
    private readonly keySpace: KeySpace,
  ) {}

  get namespace(): string {
    return this.keySpace.namespace;
  }

  /**
   * What a load takes right before its loader runs, in one parallel round:
   * the tag versions to record and the write fence to present (see
   * `EntryStore.claimFence`).
   */
  async beginLoad(
    keys: EntryKeys,
    tags: readonly string[],
    holdMs: number,
  ): Promise<{ versions: string[]; fence: string }> {
    const [versions, fence] = await Promise.all([
      this.recordableVersions(tags),
      this.engine.store.entries.claimFence(keys.fence, holdMs),
    ]);
    return { versions, fence };
  }

  /**
   * The versions a load records: the bus's copies when Redis extended their keys' life recently (see
   * `BusVersions.ensured`), else `tagVersions`. A copy older than Redis's version only makes the entry
   * invalid sooner: the value was loaded after the version it records.
   */
  recordableVersions(tags: readonly string[]): Promise<string[]> {
    const keys = [this.keySpace.generation, ...tags.map((tag) => this.keySpace.tag(tag))];
    const copied = this.engine.versions?.ensured(this.namespace, keys);
    return copied ? Promise.resolve(copied) : this.tagVersions(tags);
  }

  /** Keeps a load's fence claim alive; false once the fence moved (the load can no longer be written). */
  holdFence(keys: EntryKeys, fence: string, holdMs: number): Promise<boolean> {
    return this.engine.store.entries.holdFence(keys.fence, fence, holdMs);
  }

  /** Versions of the namespace generation and of `tags` (created when missing), generation first. */
  async tagVersions(tags: readonly string[]): Promise<string[]> {
    const keys = [this.keySpace.generation, ...tags.map((tag) => this.keySpace.tag(tag))];
    const captured = this.engine.versions?.capture(this.namespace) ?? -1;
    const sentAt = Date.now();
    const versions = await this.engine.store.entries.ensureTags(keys, this.tagTtlMs());
    this.engine.versions?.learn(this.namespace, keys, versions, captured, sentAt);
    return versions;
  }

  /** Tag state must outlive every entry that recorded it: at least maxTtl, plus a lease of slack. */
  tagTtlMs(): number {
    return this.engine.options.maxTtlMs + this.engine.options.lockTtlMs;
  }

  /**
   * Authoritative write (set, write-through): moves the fence so in-flight loads cannot overwrite it. The
   * store ensures the tag versions in the same script (one command on a single server, however many tags),
   * unless the bus's copies of them are recent enough to record as they are (`recordableVersions`).
   */
  async write<T>(key: string, value: T, options: GetOrSetOptions<T>): Promise<boolean> {
    const tags = options.tags ?? [];
    const encoded = this.engine.codec.encode(key, value);
    const flags = encoded.flags | (options.sliding ? EntryFlags.sliding : 0);
    // The size limit is checked on the body as it will be stored, the versions' few bytes apart.
    const sized = encodeEntryBody({
      deltaMs: 0,
      flags,
      generation: '',
      tags: tags.map((tag) => [tag, '']),
      payload: encoded.payload,
    });
    if (!this.withinSize(key, sized)) return false;
    const versionKeys = [this.keySpace.generation, ...tags.map((tag) => this.keySpace.tag(tag))];
    const keys = this.keySpace.entry(key);
    const copied = this.engine.versions?.ensured(this.namespace, versionKeys);
    const captured = this.engine.versions?.capture(this.namespace) ?? -1;
    const sentAt = Date.now();
    const versions = await this.engine.store.entries.writeVersioned({
      keys,
      head: encodeEntryHead(0, flags),
      payload: encoded.payload,
      versionKeys,
      versions: copied,
      tags,
      versionTtlMs: this.tagTtlMs(),
      ...entryLifetimes(value, options, this.engine.options),
      fenceTtlMs: this.engine.options.fenceTtlMs,
      wake: this.wake(keys),
    });
    if (!copied) this.engine.versions?.learn(this.namespace, versionKeys, versions, captured, sentAt);
    return true;
  }

  /**
   * Writes a loader's value unless the key was written, deleted or evicted
   * since the load claimed `fence` ('superseded'); 'skipped' when it is not to be cached.
   */
  async writeLoaded<T>(
    key: string,
    value: T,
    options: GetOrSetOptions<T>,
    tags: readonly string[],
    versions: readonly string[],
    before: ReadOutcome,
    fence: string,
    leaseToken: string | undefined,
    deltaMs: number,
  ): Promise<'written' | 'skipped' | 'superseded'> {
    const storable = (value !== null && value !== undefined) || Boolean(options.cacheNull);
    let body: Buffer | undefined;
    if (storable && !options.unless?.(value)) {
      try {
        body = this.body(key, value, options, tags, versions, deltaMs);
      } catch (error) {
        this.engine.warnOnce(`serialize:${key}`, `${(error as Error).message} The value was returned but not cached.`);
      }
    }
    if (!body) {
      if (leaseToken) await this.releaseLease(before.keys, leaseToken);
      return 'skipped';
    }
    const written = await this.send(before.keys, value, options, body, 'load', fence, leaseToken ?? '');
    return written ? 'written' : 'superseded';
  }

  /** True when neither the key's fence nor any of its tags moved since the load claimed `fence`. */
  async unchangedSince(
    keys: EntryKeys,
    fence: string,
    versions: readonly string[],
    tags: readonly string[],
  ): Promise<boolean> {
    const tagKeys = [this.keySpace.generation, ...tags.map((tag) => this.keySpace.tag(tag))];
    const now = await this.engine.store.entries.read({ keys, tagKeys });
    return now.fence === fence && now.tagVersions.every((version, i) => version === versions[i]);
  }

  releaseLease(keys: EntryKeys, token: string): Promise<void> {
    return this.engine.store.entries.releaseLease(keys.lease, token, this.wake(keys));
  }

  private body<T>(
    key: string,
    value: T,
    options: GetOrSetOptions<T>,
    tags: readonly string[],
    versions: readonly string[],
    deltaMs: number,
  ): Buffer | undefined {
    const encoded = this.engine.codec.encode(key, value);
    const flags = encoded.flags | (options.sliding ? EntryFlags.sliding : 0);
    const body = encodeEntryBody({
      deltaMs,
      flags,
      generation: versions[0]!,
      tags: tags.map((tag, i) => [tag, versions[i + 1]!] as const),
      payload: encoded.payload,
    });
    return this.withinSize(key, body) ? body : undefined;
  }

  private withinSize(key: string, body: Buffer): boolean {
    if (body.length > this.engine.options.maxValueSize) {
      this.engine.counters.increment(this.keySpace.namespace, 'skippedWrites');
      this.engine.warnOnce(
        `size:${this.keySpace.namespace}:${key}`,
        `cache "${this.keySpace.namespace}": value for "${key}" is ${body.length} bytes, over maxValueSize ` +
          `(${this.engine.options.maxValueSize}); it was not cached (raise maxValueSize or cache less).`,
      );
      return false;
    }
    return true;
  }

  private send<T>(
    keys: EntryKeys,
    value: T,
    options: GetOrSetOptions<T>,
    body: Buffer,
    mode: 'load' | 'write',
    expectedFence: string,
    leaseToken: string,
  ): Promise<boolean> {
    const lifetimes = entryLifetimes(value, options, this.engine.options);
    return this.engine.store.entries.write({
      keys,
      body,
      ...lifetimes,
      mode,
      expectedFence,
      leaseToken,
      fenceTtlMs: this.engine.options.fenceTtlMs,
      wake: this.wake(keys),
    });
  }

  private wake(keys: EntryKeys): { channel: string; message: string } {
    return { channel: this.keySpace.wakeChannel, message: this.keySpace.userKey(keys.entry) };
  }
}
