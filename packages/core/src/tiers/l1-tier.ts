import { LRUCache } from 'lru-cache';
import type { BusMessage, BusReceiver } from './invalidation-bus.js';

/** A value held in process, with what is needed to know when it must go. */
export interface L1Entry {
  value: unknown;
  /** Local clock, ms: never later than the L2 entry's logical expiry, nor than now + l1.ttl. */
  expiresAt: number;
  tags: readonly string[];
}

export interface L1Options {
  maxEntries: number;
  maxBytes?: number;
  ttlMs: number;
}

/**
 * The in-process tier: deserialised values, bounded by count (and optionally
 * by an estimate of bytes), each living at most `ttl` — the bound on how stale
 * it can be if an invalidation message is lost.
 */
export class L1Tier implements BusReceiver {
  private readonly lru: LRUCache<string, L1Entry>;
  private readonly byTag = new Map<string, Set<string>>();
  /**
   * Moves on every invalidation. A read captures it before going to Redis and
   * fills L1 only if it has not moved, so a read that raced an invalidation
   * cannot put the older value back into L1 after the invalidation dropped it.
   */
  generation = 0;

  constructor(readonly options: L1Options) {
    this.lru = new LRUCache<string, L1Entry>({
      max: options.maxEntries,
      ...(options.maxBytes ? { maxSize: options.maxBytes, sizeCalculation: (entry) => estimateSize(entry.value) } : {}),
      dispose: (entry, key) => this.unindex(key, entry.tags),
    });
  }

  get(namespace: string, key: string): L1Entry | undefined {
    const id = l1Key(namespace, key);
    const entry = this.lru.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.lru.delete(id);
      return undefined;
    }
    return entry;
  }

  /** Stores a value for at most `remainingMs` (the L2 entry's remaining fresh life) and `ttl`. */
  put(
    namespace: string,
    key: string,
    value: unknown,
    remainingMs: number,
    tags: readonly string[],
    generation: number,
  ): void {
    const lifetime = Math.min(remainingMs, this.options.ttlMs);
    if (lifetime <= 0 || generation !== this.generation) return;
    const id = l1Key(namespace, key);
    this.lru.set(id, { value, expiresAt: Date.now() + lifetime, tags });
    for (const tag of tags) {
      const tagId = l1Key(namespace, tag);
      let keys = this.byTag.get(tagId);
      if (!keys) this.byTag.set(tagId, (keys = new Set()));
      keys.add(id);
    }
  }

  drop(namespace: string, keys: readonly string[]): void {
    this.generation++;
    for (const key of keys) this.lru.delete(l1Key(namespace, key));
  }

  dropTags(namespace: string, tags: readonly string[]): void {
    this.generation++;
    for (const tag of tags) {
      const keys = this.byTag.get(l1Key(namespace, tag));
      if (keys) for (const id of [...keys]) this.lru.delete(id);
    }
  }

  dropNamespace(namespace: string): void {
    this.generation++;
    const prefix = `${namespace}\0`;
    for (const id of [...this.lru.keys()]) if (id.startsWith(prefix)) this.lru.delete(id);
  }

  clear(): void {
    this.generation++;
    this.lru.clear();
  }

  apply(namespace: string, message: BusMessage): void {
    if (message.op === 'clear') this.dropNamespace(namespace);
    else if (message.op === 'tags') this.dropTags(namespace, message.tags);
    else this.drop(namespace, message.keys);
  }

  forget(namespace?: string): void {
    if (namespace === undefined) this.clear();
    else this.dropNamespace(namespace);
  }

  get size(): number {
    return this.lru.size;
  }

  private unindex(id: string, tags: readonly string[]): void {
    const namespace = id.slice(0, id.indexOf('\0'));
    for (const tag of tags) {
      const tagId = l1Key(namespace, tag);
      const keys = this.byTag.get(tagId);
      if (!keys) continue;
      keys.delete(id);
      if (keys.size === 0) this.byTag.delete(tagId);
    }
  }
}

function l1Key(namespace: string, key: string): string {
  return `${namespace}\0${key}`;
}

/** Rough size of a value for `maxBytes`: strings and buffers exactly, objects by their JSON length. */
function estimateSize(value: unknown): number {
  if (typeof value === 'string') return value.length * 2 || 1;
  if (Buffer.isBuffer(value)) return value.length || 1;
  try {
    return Math.max(1, JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? String(v) : v))?.length ?? 1);
  } catch {
    return 1_024;
  }
}
