import { cacheEvictKind } from '../decorators/cache-evict.kind.js';
import { cacheableKind } from '../decorators/cacheable.kind.js';
import { writeThroughKind } from '../decorators/write-through.kind.js';
import { writeBehindKind } from '../write-behind/write-behind.kind.js';
import type { CacheMethodKind } from './cache-method-kind.js';

/** Every kind of cache decorator the runtime knows. A new decorator kind is registered here. */
export const CACHE_METHOD_KINDS: readonly CacheMethodKind[] = Object.freeze([
  cacheEvictKind,
  writeThroughKind,
  writeBehindKind,
  cacheableKind,
] as CacheMethodKind[]);
