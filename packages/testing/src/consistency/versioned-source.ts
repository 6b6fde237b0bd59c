/** What the cache stores for a key: which key it belongs to and the source version it was read at. */
export interface VersionedValue {
  k: string;
  v: number;
}

/**
 * The source of truth of one history: every write bumps the key's version, and
 * values carry it, so a read that returns an older version than one already
 * written is visible as such. Mutations of a key are serialized (as a database
 * row lock would), so versions of a key grow in the order writes resolve.
 */
export class VersionedSource {
  private readonly persisted = new Map<string, number>();
  private readonly issued = new Map<string, number>();
  private readonly locks = new Map<string, Promise<void>>();

  version(key: string): number {
    return this.persisted.get(key) ?? 0;
  }

  /** A new version for `key`, persisted at once (a direct write). */
  write(key: string): number {
    const version = this.issue(key);
    this.persisted.set(key, version);
    return version;
  }

  /** A new version for `key`, persisted later (a write-behind write). */
  issue(key: string): number {
    const version = (this.issued.get(key) ?? 0) + 1;
    this.issued.set(key, version);
    return version;
  }

  /** The write-behind flusher persisting `version`; an older redelivery never goes back. */
  persist(key: string, version: number): void {
    if (version > this.version(key)) this.persisted.set(key, version);
  }

  /** Newest version issued for `key` (persisted or not). */
  newest(key: string): number {
    return this.issued.get(key) ?? 0;
  }

  /**
   * Runs `work` holding every key in `keys` (taken in sorted order, so two
   * holders never deadlock). When no key is held, `work` starts synchronously:
   * a write issued in the same tick as a read must reach the cache in that tick.
   */
  withKeys<T>(keys: readonly string[], work: () => Promise<T>): Promise<T> {
    const sorted = [...new Set(keys)].sort();
    const waits = sorted.map((key) => this.locks.get(key)).filter((lock): lock is Promise<void> => lock !== undefined);
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const held = Promise.all(waits).then(() => mine);
    for (const key of sorted) this.locks.set(key, held);
    const done = (): void => {
      release();
      for (const key of sorted) if (this.locks.get(key) === held) this.locks.delete(key);
    };
    const run = (): Promise<T> => {
      let result: Promise<T>;
      try {
        result = work();
      } catch (error) {
        result = Promise.reject(error);
      }
      return result.finally(done);
    };
    return waits.length === 0 ? run() : Promise.all(waits).then(run);
  }
}
