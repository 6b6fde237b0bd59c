import {
  Inject,
  Injectable,
  Logger,
  Optional,
  StreamableFile,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { HttpAdapterHost, Reflector } from '@nestjs/core';
import { of, tap, type Observable } from 'rxjs';
import type { Cache } from './cache-manager.cache.js';
import { CACHE_KEY_METADATA, CACHE_MANAGER, CACHE_TTL_METADATA } from './cache-manager.constants.js';
import type { CacheKeyFactory } from './cache-key.decorator.js';
import type { CacheTTLFactory } from './cache-ttl.decorator.js';

interface HttpRequestLike {
  method?: string;
  headers?: Record<string, unknown>;
}

/**
 * `@nestjs/cache-manager`'s `CacheInterceptor`: GET responses cached under the request URL (or `@CacheKey`),
 * for `@CacheTTL` ms, with `X-Cache: HIT | MISS`. Subclass it and override `trackBy(context)` to choose keys.
 * One difference, on purpose: a request carrying `Authorization` or `Cookie` is not cached by default (its
 * response may be one user's); override `isRequestCacheable` to decide otherwise.
 */
@Injectable()
export class CacheInterceptor implements NestInterceptor {
  @Optional()
  @Inject(HttpAdapterHost)
  protected readonly httpAdapterHost?: HttpAdapterHost;

  protected allowedMethods = ['GET'];

  constructor(
    @Inject(CACHE_MANAGER) protected readonly cacheManager: Cache,
    protected readonly reflector: Reflector,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const key = await this.trackBy(context);
    if (!key) return next.handle();
    const ttlOrFactory: number | CacheTTLFactory | undefined =
      this.reflector.get(CACHE_TTL_METADATA, context.getHandler()) ??
      this.reflector.get(CACHE_TTL_METADATA, context.getClass()) ??
      undefined;
    try {
      const value = await this.cacheManager.get(key);
      this.setHeadersWhenHttp(context, value);
      if (value !== undefined && value !== null) return of(value);
      const ttl = typeof ttlOrFactory === 'function' ? await ttlOrFactory(context) : ttlOrFactory;
      return next.handle().pipe(
        tap((response: unknown) => {
          if (response instanceof StreamableFile || response === undefined || response === null) return;
          this.cacheManager.set(key, response, ttl ?? undefined).catch((error: unknown) => {
            Logger.error(`Could not cache the response under "${key}"`, (error as Error).stack, 'CacheInterceptor');
          });
        }),
      );
    } catch {
      // A cache that cannot answer (or a key Cachet refuses) serves the handler, uncached.
      return next.handle();
    }
  }

  protected trackBy(context: ExecutionContext): Promise<string | undefined | null> | string | undefined | null {
    const httpAdapter = this.httpAdapterHost?.httpAdapter;
    const isHttpApp = httpAdapter !== undefined && typeof httpAdapter.getRequestMethod === 'function';
    const keyOrFactory: string | CacheKeyFactory | undefined = this.reflector.get(
      CACHE_KEY_METADATA,
      context.getHandler(),
    );
    if (!isHttpApp || keyOrFactory) return typeof keyOrFactory === 'function' ? keyOrFactory(context) : keyOrFactory;
    if (!this.isRequestCacheable(context)) return undefined;
    return httpAdapter.getRequestUrl(context.getArgByIndex(0)) as string;
  }

  protected isRequestCacheable(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<HttpRequestLike>();
    if (!this.allowedMethods.includes(request.method ?? '')) return false;
    const headers = request.headers ?? {};
    return headers.authorization === undefined && headers.cookie === undefined;
  }

  protected setHeadersWhenHttp(context: ExecutionContext, value: unknown): void {
    const httpAdapter = this.httpAdapterHost?.httpAdapter;
    if (!httpAdapter) return;
    const response: unknown = context.switchToHttp().getResponse();
    httpAdapter.setHeader(response, 'X-Cache', value === undefined || value === null ? 'MISS' : 'HIT');
  }
}
