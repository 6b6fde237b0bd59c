import { LRUCache } from 'lru-cache';
import type { BusMessage, BusReceiver } from './invalidation-bus.js';

export interface VersionCacheOptions {
  ttlMs: number;
  maxEntries: number;
}

/** A tag's or a namespace generation's version as last seen; `version` undefined: dropped (a tombstone). */
interface VersionCopy {
  version: string | undefined;
  /** Local clock, ms. */
  expiresAt: number;
  /** The drop count when this key was last dropped: a fetch that began before it cannot fill it. */
  droppedAt: number;
  /** Local clock, ms: when Redis last confirmed this version and extended its key's life (0: never seen so). */
  ensuredAt: number;
}

/**
 * In-process copies of the versions that validate entries (each tag's and
 * each namespace generation's), so that a read on Redis Cluster is one command
 * on the entry's node instead of one more on every master holding a tag or
 * the generation. The invalidation bus keeps them current: an invalidation
 * drops the copy here (this instance's own before the call resolves, other
 * instances' once their message arrives), and the next read fetches the
 * version from Redis again. Each copy lives at most `ttl`, the bound on how
 * stale it can be if a message is lost.
 *
 * The same fill guard as L1: a version fetched while a drop of its key
 * happened is not stored, so a fetch that raced an invalidation cannot put the
 * older version back. Keys are `(namespace, Redis key of the tag or generation)`.
 */
export class VersionCache implements BusReceiver {
  private readonly copies: LRUCache<string, VersionCopy>;
  /** Moves on every drop. */
  private drops = 0;
  /** Fetches that began before this drop count fill nothing (a namespace was forgotten, or a tombstone evicted). */
  private floor = 0;

  constructor(
    readonly options: VersionCacheOptions,
    /** The Redis keys of a namespace's generation and tags, for messages that name tags. */
    private readonly keysOf: (namespace: string) => { generation: string; tag(tag: string): string },
  ) {
    this.copies = new LRUCache<string, VersionCopy>({
      max: options.maxEntries,
      // An evicted key forgets when it was dropped: refuse every fetch that began before that.
      dispose: (copy, _id, reason) => {
        if (reason === 'evict') this.floor = Math.max(this.floor, copy.droppedAt);
      },
    });
  }

  /** Capture before fetching versions from Redis; hand to `put`. */
  capture(): number {
    return this.drops;
  }

  /** The live copy of a version key, if any. */
  get(namespace: string, key: string): string | undefined {
    const copy = this.copies.get(versionId(namespace, key));
    if (!copy || copy.version === undefined) return undefined;
    return copy.expiresAt > Date.now() ? copy.version : undefined;
  }

  /**
   * The live copy of a version key, if Redis extended its key's life in the last `withinMs` (a write may record
   * it without asking Redis again: the key outlives the entry by construction, see EntryWriter).
   */
  getEnsured(namespace: string, key: string, withinMs: number): string | undefined {
    const copy = this.copies.get(versionId(namespace, key));
    if (!copy || copy.version === undefined) return undefined;
    const now = Date.now();
    return copy.expiresAt > now && copy.ensuredAt >= now - withinMs ? copy.version : undefined;
  }

  /**
   * Keeps a version read from Redis, unless its key was dropped since `captured` (or `captured` is -1).
   * `ensuredAt`: when the call that read it, and extended its key's life, was sent.
   */
  put(namespace: string, key: string, version: string, captured: number, ensuredAt = 0): void {
    if (captured < 0 || captured < this.floor) return;
    const id = versionId(namespace, key);
    const previous = this.copies.get(id);
    if (previous && previous.droppedAt > captured) return;
    const now = Date.now();
    this.copies.set(id, {
      version,
      expiresAt: now + this.options.ttlMs,
      droppedAt: previous?.droppedAt ?? 0,
      ensuredAt: previous?.version === version ? Math.max(ensuredAt, previous.ensuredAt) : ensuredAt,
    });
  }

  drop(namespace: string, keys: readonly string[]): void {
    const droppedAt = ++this.drops;
    const tombstone = { version: undefined, expiresAt: 0, droppedAt, ensuredAt: 0 };
    for (const key of keys) this.copies.set(versionId(namespace, key), tombstone);
  }

  apply(namespace: string, message: BusMessage): void {
    const keys = this.keysOf(namespace);
    if (message.op === 'clear') this.drop(namespace, [keys.generation]);
    else if (message.op === 'tags')
      this.drop(
        namespace,
        message.tags.map((tag) => keys.tag(tag)),
      );
  }

  forget(namespace?: string): void {
    this.floor = ++this.drops;
    if (namespace === undefined) return this.copies.clear();
    const prefix = `${namespace}\0`;
    for (const id of [...this.copies.keys()]) if (id.startsWith(prefix)) this.copies.delete(id);
  }

  get size(): number {
    return this.copies.size;
  }
}

function versionId(namespace: string, key: string): string {
  return `${namespace}\0${key}`;
}
