/**
 * The tokens and metadata keys of `@nestjs/cache-manager`, with the same values, so code and tests that
 * name them (or read the metadata) keep working after the import path changes.
 */
export const CACHE_MANAGER = 'CACHE_MANAGER';
export const CACHE_KEY_METADATA = 'cache_module:cache_key';
export const CACHE_TTL_METADATA = 'cache_module:cache_ttl';
