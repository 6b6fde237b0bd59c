import type { Duration, WriteBehindQueueOptions } from '@cachet/core';
import { bindCacheMethod } from '../binding/cache-method.binder.js';
import type { CacheMethodDecorator, ValueOrArgsFn } from '../decorators/cache-method.decorator.js';
import { WRITE_BEHIND_METADATA } from './write-behind.constants.js';

/**
 * Options of `@WriteBehind`. `Args` are the method's parameters, `Value` what
 * is cached (by default the first argument). The queue options (`batch`,
 * `coalesce`, `maxAttempts`, `maxPending`, `onFull`, ...) belong to the queue:
 * every `@WriteBehind` of one queue must give the same ones. Those left out
 * come from the module's `writeBehind` options.
 */
export interface WriteBehindOptions<
  Args extends unknown[] = unknown[],
  Value = unknown,
> extends WriteBehindQueueOptions {
  /** The durable queue the call is recorded in (letters, digits and `. _ : -`). */
  queue: string;
  /** Where the new value is cached: the same key the reading `@Cacheable` uses. */
  key: (...args: Args) => string;
  /** What the cache (and the read-your-writes overlay) holds. Default: the first argument. */
  value?: (...args: Args) => Value;
  /** TTL of the cached value, or a function of it. Default: the module's `ttl`. */
  ttl?: Duration | ((value: Value, ...args: Args) => Duration);
  /** Tags of the cached value. */
  tags?: ValueOrArgsFn<readonly string[], Args>;
}

/**
 * The method is the database write, run later by the queue's flusher. A call
 * records its arguments durably in Redis, caches the new value under `key`,
 * and resolves (to that value) once both are done. The flusher then runs the
 * method with the recorded arguments — or hands many calls at once to the
 * queue's `@WriteBehindBatch` method — and retries, dead-letters and keeps
 * per-key order as the queue options say.
 *
 * ```ts
 * @WriteBehind({ queue: 'profiles', key: (p: Profile) => `profile:${p.userId}`, coalesce: true })
 * async save(profile: Profile): Promise<void> {
 *   await this.db.profiles.upsert(profile); // runs in the flusher
 * }
 * ```
 */
export function WriteBehind<Args extends unknown[] = unknown[], Value = unknown>(
  options: WriteBehindOptions<Args, Value>,
): CacheMethodDecorator<Args, unknown> {
  return bindCacheMethod('@WriteBehind', WRITE_BEHIND_METADATA, options) as CacheMethodDecorator<Args, unknown>;
}
