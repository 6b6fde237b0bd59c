import type { CacheEngine } from '../cache-engine.js';
import type { EntryWriter } from '../entry-writer.js';
import { MAX_TIMER_MS } from '../../shared/duration.js';
import type { EntryKeys } from '../../store/key-space.js';

/**
 * What a running load holds in Redis and keeps valid until it writes: the
 * lease (when it has it), the write fence it claimed, and the tag state it
 * recorded. A load may run far longer than any of their TTLs; each is kept
 * alive while the loader runs, and whatever lapsed or moved anyway makes the
 * load's value uncacheable — never cached over a newer one.
 */
export class LoadClaim {
  private readonly timers: NodeJS.Timeout[] = [];
  private tagsCheckedAt = performance.now();
  private tagsMoved = false;

  private constructor(
    private readonly engine: CacheEngine,
    private readonly writer: EntryWriter,
    private readonly keys: EntryKeys,
    private readonly tags: readonly string[],
    /** The fence to present when writing; undefined when it could not be claimed. */
    readonly fence: string | undefined,
    private readonly versions: string[] | undefined,
  ) {}

  /**
   * Claims the fence and reads the tag versions, right before the loader
   * runs; a held lease is extended in the same parallel round, so it cannot
   * lapse before the keep-alive's first tick.
   */
  static async begin(
    engine: CacheEngine,
    writer: EntryWriter,
    keys: EntryKeys,
    tags: readonly string[],
    holdMs: number,
    lease?: { token: string; ttlMs: number },
  ): Promise<LoadClaim> {
    if (lease) void engine.store.entries.extendLease(keys.lease, lease.token, lease.ttlMs).catch(() => undefined);
    try {
      const { versions, fence } = await engine.guard(
        writer.namespace,
        () => writer.beginLoad(keys, tags, holdMs),
        keys.entry,
      );
      return new LoadClaim(engine, writer, keys, tags, fence, versions);
    } catch {
      // cannot record tag state or claim the fence, so the value must not be cached
      return new LoadClaim(engine, writer, keys, tags, undefined, undefined);
    }
  }

  /** Keeps lease, fence and tag state alive until `release`. */
  hold(leaseToken: string | undefined, leaseTtlMs: number, holdMs: number): void {
    const every = (ms: number, tick: () => Promise<unknown>) => {
      // Node fires a longer interval after 1 ms instead: that would turn a once-a-week refresh into a busy loop.
      const timer = setInterval(() => void tick().catch(() => undefined), Math.min(ms, MAX_TIMER_MS));
      timer.unref();
      this.timers.push(timer);
    };
    const entries = this.engine.store.entries;
    if (leaseToken)
      every(Math.max(50, Math.floor(leaseTtlMs / 3)), () =>
        entries.extendLease(this.keys.lease, leaseToken, leaseTtlMs),
      );
    const fence = this.fence;
    if (fence !== undefined) every(Math.floor(holdMs / 3), () => this.writer.holdFence(this.keys, fence, holdMs));
    if (this.versions) every(Math.floor(this.writer.tagTtlMs() / 2), () => this.refreshTags());
  }

  release(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers.length = 0;
  }

  /**
   * The fence and tag versions to write with, or undefined when the value
   * must not be cached. Tag state lives maxTtl plus one lock TTL from its
   * last refresh; past that margin it is read again first, so it outlives the
   * entry about to be written.
   */
  async recordable(): Promise<{ fence: string; versions: string[] } | undefined> {
    if (this.fence === undefined || !this.versions) return undefined;
    if (performance.now() - this.tagsCheckedAt >= this.engine.options.lockTtlMs) await this.refreshTags();
    return this.tagsMoved ? undefined : { fence: this.fence, versions: this.versions };
  }

  /** Re-reads the tag versions, which extends their life; a changed one (invalidated, or lapsed and made anew) is final. */
  private async refreshTags(): Promise<void> {
    if (this.tagsMoved || !this.versions) return;
    const checkedAt = performance.now();
    const now = await this.engine.guard(
      this.writer.namespace,
      () => this.writer.tagVersions(this.tags),
      this.keys.entry,
    );
    if (now.some((version, i) => version !== this.versions![i])) this.tagsMoved = true;
    else this.tagsCheckedAt = checkedAt;
  }
}
