import { CacheConfigError } from '../shared/errors.js';
import type { RateLimitAlgorithm, RateLimitKeys } from './rate-limit.store.js';

const RATE_LIMIT_KEY_SUFFIX: Record<RateLimitAlgorithm, string> = {
  'fixed-window': 'fw',
  'sliding-window': 'sw',
  'sliding-log': 'sl',
  'token-bucket': 'tb',
};

/**
 * Every Redis key Cachet writes, in one place. Keys that a script touches
 * together share a hash tag (`{...}`) so they live in one Cluster slot:
 *
 * | key                      | what                                   | slot            |
 * |--------------------------|----------------------------------------|-----------------|
 * | `<ns>:e:{<key>}`         | cache entry (envelope, see entry-codec) | hash of `<key>` |
 * | `<ns>:f:{<key>}`         | write fence of the entry (no stale set) | hash of `<key>` |
 * | `<ns>:l:{<key>}`         | load lease of the entry (stampede)      | hash of `<key>` |
 * | `<ns>:t:{<tag>}`         | tag version                             | hash of `<tag>` |
 * | `<ns>:n`                 | namespace generation (O(1) clear)       | its own         |
 * | `<ns>:w`                 | pub/sub channel: entry landed (wake)    | —               |
 * | `<ns>:rl:{<subject>}:<a>` | rate-limit state (`a`: fw, sw, sl, tb) | hash of `<subject>` |
 * | `<ns>:rl:{<subject>}:b`  | rate-limit block (`blockDuration`)      | hash of `<subject>` |
 * | `<ns>:lk:{<name>}`        | `withLock` holder token (TTL = lock ttl) | hash of `<name>` |
 * | `<ns>:lk:{<name>}:f`      | last fencing token of the lock (TTL 7 d) | hash of `<name>` |
 * | `<ns>:lk`                 | pub/sub channel: lock released (wake)   | —               |
 * | `<ns>:wb:{<queue>}:s`     | write-behind stream + group `cachet` (the backlog; no TTL, bounded by `maxPending`) | hash of `<queue>` |
 * | `<ns>:wb:{<queue>}:d`     | dead-letter stream (until replayed or purged) | hash of `<queue>` |
 * | `<ns>:wb:{<queue>}:p`     | pending overlay: item key → newest unpersisted value (a field per pending key) | hash of `<queue>` |
 * | `<ns>:wb:{<queue>}:o`, `:o:f` | flusher ownership lease and its fencing counter | hash of `<queue>` |
 *
 * The prefix never contains braces (checked), so the hash tag is always the
 * user's key, whatever characters it holds.
 */
export class KeySpace {
  constructor(readonly namespace: string) {
    if (typeof namespace !== 'string' || !/^[A-Za-z0-9_.:-]+$/.test(namespace)) {
      throw new CacheConfigError('namespace', namespace, 'letters, digits and . _ : - (no braces or spaces)');
    }
  }

  entry(key: string): EntryKeys {
    const ns = this.namespace;
    return { entry: `${ns}:e:{${key}}`, fence: `${ns}:f:{${key}}`, lease: `${ns}:l:{${key}}` };
  }

  tag(tag: string): string {
    return `${this.namespace}:t:{${tag}}`;
  }

  /** The namespace generation behaves as a tag every entry carries. */
  get generation(): string {
    return `${this.namespace}:n`;
  }

  get wakeChannel(): string {
    return `${this.namespace}:w`;
  }

  /** SCAN pattern matching entries whose user key matches `pattern` (glob). */
  entryPattern(pattern: string): string {
    return `${this.namespace}:e:{${pattern}}`;
  }

  /** Recovers the user key from an entry key. */
  userKey(entryKey: string): string {
    return entryKey.slice(this.namespace.length + 4, -1);
  }

  /**
   * Keys of one rate-limited subject (policy + identity). The algorithm is in
   * the state key so switching a policy's algorithm never meets a key of the
   * wrong type; the block key is shared, a block being a block.
   */
  rateLimit(algorithm: RateLimitAlgorithm, subject: string): RateLimitKeys {
    const base = this.scoped('rl', subject);
    return { state: `${base}:${RATE_LIMIT_KEY_SUFFIX[algorithm]}`, block: `${base}:b` };
  }

  /** Prefix shared by every key of this namespace (for other rooms: locks, limits, queues). */
  scoped(room: string, name: string): string {
    return `${this.namespace}:${room}:{${name}}`;
  }
}

/** The keys of one entry; they share a slot. */
export interface EntryKeys {
  entry: string;
  fence: string;
  lease: string;
}
