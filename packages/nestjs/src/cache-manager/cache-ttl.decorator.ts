import { SetMetadata, type ExecutionContext } from '@nestjs/common';
import { CACHE_TTL_METADATA } from './cache-manager.constants.js';

export type CacheTTLFactory = (ctx: ExecutionContext) => Promise<number> | number;

/** The TTL, in milliseconds, of what `CacheInterceptor` stores for this handler (or every handler of a class). */
export const CacheTTL = (ttl: number | CacheTTLFactory) => SetMetadata(CACHE_TTL_METADATA, ttl);
