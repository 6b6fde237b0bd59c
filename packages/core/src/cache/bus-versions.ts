import type { InvalidationBus } from '../tiers/invalidation-bus.js';
import type { VersionCache } from '../tiers/version-cache.js';

/**
 * What reads and writes ask of the version copies (`versions.source: 'bus'`):
 * the copies themselves, a capture that is valid only while this instance
 * listens to the namespace's bus, and the versions recent enough to record.
 */
export class BusVersions {
  constructor(
    readonly copies: VersionCache,
    private readonly bus: InvalidationBus,
    private readonly lockTtlMs: number,
  ) {}

  /**
   * Capture before fetching versions from Redis; hand to `learn`. -1 (nothing will be kept) while this
   * instance does not listen to the namespace's bus, whose subscription it then starts.
   */
  capture(namespace: string): number {
    if (!this.bus.isListening(namespace)) {
      void this.bus.listen(namespace).catch(() => undefined);
      return -1;
    }
    return this.copies.capture();
  }

  /**
   * Keeps versions just read from Redis (`keys[i]` → `versions[i]`, null when absent), unless a drop raced them;
   * `ensuredAt`: when the call that also extended their keys' life was sent.
   */
  learn(
    namespace: string,
    keys: readonly string[],
    versions: ReadonlyArray<string | null>,
    captured: number,
    ensuredAt = 0,
  ): void {
    keys.forEach((key, i) => {
      const version = versions[i];
      if (version !== null && version !== undefined) this.copies.put(namespace, key, version, captured, ensuredAt);
    });
  }

  /**
   * The copies of every key's version, when Redis extended each key's life within half a lock TTL: a key so
   * extended lives maxTtl + lock.ttl from then, past any entry written now (were one to lapse first anyway, its
   * dependents would only miss). Undefined when one is missing.
   */
  ensured(namespace: string, keys: readonly string[]): string[] | undefined {
    const versions: string[] = [];
    for (const key of keys) {
      const version = this.copies.getEnsured(namespace, key, this.lockTtlMs / 2);
      if (version === undefined) return undefined;
      versions.push(version);
    }
    return versions;
  }
}
