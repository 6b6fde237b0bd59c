import type { Provider } from '@nestjs/common';
import type { CacheMethodKind } from '../binding/cache-method-kind.js';
import { CACHE_METHOD_KINDS } from '../cache.constants.js';
import { cacheEvictKind } from '../decorators/cache-evict.kind.js';
import { cacheableKind } from '../decorators/cacheable.kind.js';
import { writeThroughKind } from '../decorators/write-through.kind.js';
import { rateLimitKind } from '../rate-limit/rate-limit.kind.js';
import { writeBehindBatchKind } from '../write-behind/write-behind-batch.kind.js';
import { writeBehindKind } from '../write-behind/write-behind.kind.js';

/**
 * Every method decorator the module acts on, handed to the scanner and the
 * runtime (which import none of them). A new decorator is registered here.
 */
export const cacheMethodKinds: readonly CacheMethodKind[] = Object.freeze([
  cacheableKind,
  cacheEvictKind,
  writeThroughKind,
  writeBehindKind,
  writeBehindBatchKind,
  rateLimitKind,
] as CacheMethodKind[]);

export const cacheMethodKindsProvider: Provider = { provide: CACHE_METHOD_KINDS, useValue: cacheMethodKinds };
