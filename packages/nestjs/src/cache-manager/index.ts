// @cachet/nestjs/cache-manager: the names @nestjs/cache-manager users import, on Cachet's engine.
export { CacheModule } from './cache-manager.module.js';
export { Cache, createCacheManager } from './cache-manager.cache.js';
export { CACHE_MANAGER, CACHE_KEY_METADATA, CACHE_TTL_METADATA } from './cache-manager.constants.js';
export { CACHE_MODULE_OPTIONS } from './cache-manager.module-definition.js';
export { CacheInterceptor } from './cache-manager.interceptor.js';
export { CacheKey, type CacheKeyFactory } from './cache-key.decorator.js';
export { CacheTTL, type CacheTTLFactory } from './cache-ttl.decorator.js';
export type { CacheModuleOptions, CacheModuleAsyncOptions, CacheOptionsFactory } from './cache-manager.options.js';
