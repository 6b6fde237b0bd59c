import type { Duration } from '@cachet/core';
import { bindCacheMethod } from '../binding/cache-method.binder.js';
import type { CacheMethodDecorator, ValueOrArgsFn } from './cache-method.decorator.js';

export const CACHEABLE_METADATA = Symbol('cachet:cacheable');

/** Options of `@Cacheable`. `Args` are the method's parameters, `Result` what its promise resolves to. */
export interface CacheableOptions<Args extends unknown[] = unknown[], Result = unknown> {
  /** The entry's key. Default: `'ClassName.method:'` + a stable hash of the arguments. */
  key?: (...args: Args) => string;
  /** How long the entry is fresh; a function of the result makes it conditional. Default: the module's `ttl`. */
  ttl?: Duration | ((result: Result, ...args: Args) => Duration);
  /** 0..1: shortens each TTL by up to this fraction at random, so entries written together do not expire together. */
  jitter?: number;
  /** Each hit resets the TTL. */
  sliding?: boolean;
  /** With `sliding`: the absolute cap on the entry's lifetime. */
  maxAge?: Duration;
  /** Tags to invalidate the entry by (`CacheService.invalidateTags`, `@CacheEvict({ tags })`). */
  tags?: ValueOrArgsFn<readonly string[], Args>;
  /** `false`: bypass the cache for this call entirely (no read, no write). */
  condition?: (...args: Args) => boolean;
  /** `true`: return this result but do not store it. */
  unless?: (result: Result, ...args: Args) => boolean;
  /** Cache `null`/`undefined` results (negative caching), optionally with their own TTL. Default `false`. */
  cacheNull?: boolean | { ttl: Duration };
  /** Stampede lease on a miss: one caller loads, the others wait for its value. Default on. */
  lock?: false | { ttl?: Duration; wait?: Duration };
  /** Probabilistic early refresh (XFetch) before expiry. Default off. */
  earlyRefresh?: false | { beta?: number };
  /** Serve the expired value this long while one refresh runs. */
  staleWhileRevalidate?: Duration;
  /** Serve the expired value this long when the method throws. */
  staleIfError?: Duration;
  /** Keep the entry in the in-process tier too (when the module enables `l1`). */
  l1?: boolean;
  /** A namespace under the module's: keys become `<module namespace>:<namespace>:...`. */
  namespace?: string;
}

/**
 * Caches what an async method resolves to. The first call for a key runs the
 * method (once, however many callers arrive together); the next ones get the
 * cached value until it expires or is evicted.
 *
 * ```ts
 * @Cacheable({ key: (id: string) => `user:${id}`, ttl: '10m', tags: (id: string) => [`user:${id}`] })
 * async findOne(id: string): Promise<User> { ... }
 * ```
 */
export function Cacheable<Args extends unknown[] = unknown[], Result = unknown>(
  options: CacheableOptions<Args, Result> = {},
): CacheMethodDecorator<Args, Result> {
  return bindCacheMethod('@Cacheable', CACHEABLE_METADATA, options) as CacheMethodDecorator<Args, Result>;
}
