import { SetMetadata, type ExecutionContext } from '@nestjs/common';
import { CACHE_KEY_METADATA } from './cache-manager.constants.js';

export type CacheKeyFactory = (ctx: ExecutionContext) => string | Promise<string | undefined> | undefined;

/** The key `CacheInterceptor` uses for this handler instead of the request URL (and outside HTTP). */
export const CacheKey = (key: string | CacheKeyFactory) => SetMetadata(CACHE_KEY_METADATA, key);
