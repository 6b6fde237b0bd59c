import { CacheConfigError } from '../shared/errors.js';
import { isValidName, NAME_RULE } from '../shared/namespace.js';
import type { LockKeys } from './lock.store.js';
import type { QueueKeys } from './queue.store.js';
import type { RateLimitAlgorithm, RateLimitKeys } from './rate-limit.store.js';

const RATE_LIMIT_KEY_SUFFIX: Record<RateLimitAlgorithm, string> = {
  'fixed-window': 'fw',
  'sliding-window': 'sw',
  'sliding-log': 'sl',
  'token-bucket': 'tb',
};

/** Length of the hash tag's content: 8 hex digits (32 bits). */
const TAG_LENGTH = 8;

/**
 * Every Redis key Cachet writes, in one place. Keys that a script touches
 * together share a hash tag so they live in one Cluster slot. The tag is
 * chosen by the library, never by the user: it is `{<h>}`, where `<h>` is
 * `slotTag()` of the user's text (8 hex digits), and it comes before any user
 * text. Redis hashes only the first `{...}` of a key, so braces in a key, tag,
 * subject, lock or queue name are plain characters and can neither move a key
 * to another slot nor split keys that must share one.
 *
 * | key                                 | what                                    | slot            |
 * |-------------------------------------|-----------------------------------------|-----------------|
 * | `<ns>:e:{<h(key)>}:<key>`           | cache entry (header: entries/entry-header) | `h(key)`        |
 * | `<ns>:f:{<h(key)>}:<key>`           | write fence of the entry (no stale set) | `h(key)`        |
 * | `<ns>:l:{<h(key)>}:<key>`           | load lease of the entry (stampede)      | `h(key)`        |
 * | `<ns>:t:{<h(tag)>}:<tag>`           | tag version                             | `h(tag)`        |
 * | `<ns>:n`                            | namespace generation (O(1) clear)       | its own         |
 * | `<ns>:w`                            | pub/sub channel: entry landed (wake)    | —               |
 * | `<ns>:b`                            | pub/sub channel: L1 invalidations       | —               |
 * | `<ns>:rl:{<h(slot)>}:<subject>:<a>` | rate-limit state (`a`: fw, sw, sl, tb)  | `h(slot)`, `slot` defaults to the subject |
 * | `<ns>:rl:{<h(slot)>}:<subject>:b`   | rate-limit block (`blockDuration`)      | `h(slot)`       |
 * | `<ns>:lk:{<h(name)>}:<name>`        | `withLock` holder token (TTL = lock ttl) | `h(name)`      |
 * | `<ns>:lf:{<h(name)>}:<name>`        | last fencing token of the lock (TTL 7 d) | `h(name)`      |
 * | `<ns>:lk`                           | pub/sub channel: lock released (wake)   | —               |
 * | `<ns>:wb:{<h(queue)>}:<queue>:s`    | write-behind stream + group `cachet` (the backlog; no TTL, bounded by `maxPending`) | `h(queue)` |
 * | `<ns>:wb:{<h(queue)>}:<queue>:d`    | dead-letter stream (until replayed or purged) | `h(queue)` |
 * | `<ns>:wb:{<h(queue)>}:<queue>:p`    | pending overlay: item key → newest unpersisted value | `h(queue)` |
 * | `<ns>:wb:{<h(queue)>}:<queue>:n`    | newest append of each key that has dead letters (emptied with them) | `h(queue)` |
 * | `<ns>:wb:{<h(queue)>}:<queue>:o`, `:o:f` | flusher ownership lease and its fencing counter | `h(queue)` |
 *
 * The full user text stays in the name, so two texts whose hashes collide
 * merely share a slot; their keys stay distinct (the role is before the tag or
 * in a suffix that no other suffix ends with). The namespace never contains
 * braces (checked), so the first `{` of every key is the library's.
 */
export class KeySpace {
  constructor(readonly namespace: string) {
    if (!isValidName(namespace)) throw new CacheConfigError('namespace', namespace, NAME_RULE);
  }

  entry(key: string): EntryKeys {
    const ns = this.namespace;
    const rest = `{${slotTag(key)}}:${key}`;
    return { entry: `${ns}:e:${rest}`, fence: `${ns}:f:${rest}`, lease: `${ns}:l:${rest}` };
  }

  tag(tag: string): string {
    return `${this.namespace}:t:{${slotTag(tag)}}:${tag}`;
  }

  /** The namespace generation behaves as a tag every entry carries. */
  get generation(): string {
    return `${this.namespace}:n`;
  }

  get wakeChannel(): string {
    return `${this.namespace}:w`;
  }

  /** Where writers tell every instance's L1 which keys, tags or namespace changed. */
  get invalidationChannel(): string {
    return invalidationChannel(this.namespace);
  }

  /** SCAN pattern matching entries whose user key matches `pattern` (glob). */
  entryPattern(pattern: string): string {
    return `${this.namespace}:e:{${'?'.repeat(TAG_LENGTH)}}:${pattern}`;
  }

  /** SCAN pattern matching the load leases of user keys that match `pattern`: the loads in flight. */
  leasePattern(pattern: string): string {
    return `${this.namespace}:l:{${'?'.repeat(TAG_LENGTH)}}:${pattern}`;
  }

  /** Recovers the user key from an entry key (or a lease key: its prefix has the same length). */
  userKey(entryKey: string): string {
    return entryKey.slice(this.namespace.length + ':e:{'.length + TAG_LENGTH + '}:'.length);
  }

  /**
   * Keys of one rate-limited subject (policy + identity). The algorithm is in
   * the state key so switching a policy's algorithm never meets a key of the
   * wrong type; the block key is shared, a block being a block. `slot` (the
   * subject by default) picks the slot: subjects given the same `slot`, such
   * as several policies of one client, can be checked by one script.
   */
  rateLimit(algorithm: RateLimitAlgorithm, subject: string, slot: string = subject): RateLimitKeys {
    const base = `${this.namespace}:rl:{${slotTag(slot)}}:${subject}`;
    return { state: `${base}:${RATE_LIMIT_KEY_SUFFIX[algorithm]}`, block: `${base}:b` };
  }

  /** The holder and fencing-counter keys of the lock `name`. */
  lock(name: string): LockKeys {
    const rest = `{${slotTag(name)}}:${name}`;
    return { lock: `${this.namespace}:lk:${rest}`, fence: `${this.namespace}:lf:${rest}` };
  }

  /** Channel on which releases of this namespace's locks are announced (the message is the lock name). */
  get lockChannel(): string {
    return `${this.namespace}:lk`;
  }

  /** The keys of the write-behind queue `name`; no suffix ends with another. */
  queue(name: string): QueueKeys {
    const base = `${this.namespace}:wb:{${slotTag(name)}}:${name}`;
    return {
      stream: `${base}:s`,
      dead: `${base}:d`,
      pending: `${base}:p`,
      newest: `${base}:n`,
      owner: { lock: `${base}:o`, fence: `${base}:o:f` },
    };
  }
}

/**
 * The invalidation channel of a namespace given as text (the invalidation
 * bus serves every namespace of an engine; `KeySpace.invalidationChannel` is
 * the same for one).
 */
export function invalidationChannel(namespace: string): string {
  return `${namespace}:b`;
}

/**
 * The library's hash tag for a piece of user text: 32-bit FNV-1a over its
 * UTF-16 code units with a murmur finaliser (so near-identical keys spread
 * over slots), as 8 hex digits. Not cryptographic: a collision only puts two
 * keys in one slot.
 */
export function slotTag(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0).toString(16).padStart(TAG_LENGTH, '0');
}

/** The keys of one entry; they share a slot. */
export interface EntryKeys {
  entry: string;
  fence: string;
  lease: string;
}
