import type { Duration } from '@cachet/core';
import { SetMetadata } from '@nestjs/common';

export const HTTP_CACHE_METADATA = Symbol('cachet:http-cache');

/** What `CacheInterceptor` reads from the request: Express and Fastify requests both fit. */
export interface HttpCacheRequest {
  method: string;
  url: string;
  originalUrl?: string;
  headers: Record<string, string | string[] | undefined>;
  user?: unknown;
}

/** Options of `@HttpCache` (handler options override controller options). */
export interface HttpCacheOptions {
  /** Default: the module's `ttl`. */
  ttl?: Duration;
  /** Tags of the cached response, to invalidate it with `CacheService.invalidateTags` or `@CacheEvict`. */
  tags?: readonly string[] | ((request: HttpCacheRequest) => readonly string[]);
  /** HTTP methods that may be cached. Default `['GET', 'HEAD']` (HEAD shares GET's entry). */
  methods?: readonly string[];
  /**
   * One entry per user: `true` reads the identity from `request.user` (`id`, `sub`, `userId` or
   * `username`), or a function returns it. A request without an identity is not cached.
   */
  perUser?: boolean | ((request: HttpCacheRequest) => string | undefined);
  /** Request headers whose values key the entry (e.g. `['accept-language']`). */
  vary?: readonly string[];
  /**
   * Share one response between requests carrying `Authorization` or `Cookie`. Default `false`: such
   * requests are cached only with `perUser`, or when `vary` names the header.
   */
  shareAuthenticated?: boolean;
  /** Replaces the key built from the route and normalised query. */
  key?: (request: HttpCacheRequest) => string;
  /** `false` on a handler opts it out of a controller-wide (or global) interceptor. */
  enabled?: boolean;
  staleWhileRevalidate?: Duration;
  staleIfError?: Duration;
  lock?: false | { ttl?: Duration; wait?: Duration };
}

/**
 * Configures `CacheInterceptor` for a controller or a handler.
 *
 * ```ts
 * @UseInterceptors(CacheInterceptor)
 * @HttpCache({ ttl: '30s', tags: ['products'] })
 * @Get('products')
 * list() { ... }
 * ```
 */
export const HttpCache = (options: HttpCacheOptions): ClassDecorator & MethodDecorator =>
  SetMetadata(HTTP_CACHE_METADATA, options);
