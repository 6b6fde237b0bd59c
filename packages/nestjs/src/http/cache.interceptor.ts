import type { Cache, CacheOutcome, GetOrSetOptions } from '@cachet/core';
import {
  Inject,
  Injectable,
  Logger,
  StreamableFile,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { HttpAdapterHost, Reflector } from '@nestjs/core';
import { defer, lastValueFrom, type Observable } from 'rxjs';
import { CACHE_INSTANCE } from '../cache.constants.js';
import { HTTP_CACHE_METADATA, type HttpCacheOptions, type HttpCacheRequest } from './http-cache.decorator.js';
import { httpCacheKey } from './http-cache-key.js';

const DEFAULT_METHODS = ['GET', 'HEAD'];
const HEADER_VALUE: Record<CacheOutcome, string> = { hit: 'HIT', miss: 'MISS', stale: 'STALE' };

/**
 * Caches HTTP responses (the handler's return value) on Express and Fastify.
 * GET and HEAD only by default; the key is the route and its sorted query, plus
 * the user and `vary` headers when asked; requests with credentials are not
 * shared unless configured. Sets `X-Cache: HIT | MISS | STALE`. Streams are
 * never cached. Cache trouble never fails a request: the handler answers.
 */
@Injectable()
export class CacheInterceptor implements NestInterceptor {
  private readonly logger = new Logger('CacheInterceptor');
  /** Handlers seen returning a stream: never cached again (per app: this interceptor instance). */
  private readonly streamingHandlers = new WeakSet<object>();

  constructor(
    @Inject(CACHE_INSTANCE) private readonly cache: Cache,
    private readonly reflector: Reflector,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http' || this.streamingHandlers.has(context.getHandler())) return next.handle();
    const options = this.optionsFor(context);
    if (options.enabled === false) return next.handle();
    const request = context.switchToHttp().getRequest<HttpCacheRequest>();
    if (!(options.methods ?? DEFAULT_METHODS).includes(request.method.toUpperCase())) return next.handle();
    let decision: ReturnType<typeof httpCacheKey>;
    try {
      decision = httpCacheKey(request, options);
    } catch (error) {
      this.logger.warn(`Not caching ${request.method} ${request.url}: ${(error as Error).message}`);
      return next.handle();
    }
    if (!decision.cache) return next.handle();
    return defer(() => this.respond(context, next, request, decision.key, options));
  }

  /** Handler options override controller options. */
  protected optionsFor(context: ExecutionContext): HttpCacheOptions {
    return {
      ...this.reflector.get<HttpCacheOptions | undefined>(HTTP_CACHE_METADATA, context.getClass()),
      ...this.reflector.get<HttpCacheOptions | undefined>(HTTP_CACHE_METADATA, context.getHandler()),
    };
  }

  private async respond(
    context: ExecutionContext,
    next: CallHandler,
    request: HttpCacheRequest,
    key: string,
    options: HttpCacheOptions,
  ): Promise<unknown> {
    // Tells the handler's own outcome apart from cache trouble, so only the latter is swallowed.
    let handled: { value: unknown } | { error: unknown } | undefined;
    const handler = async (): Promise<unknown> => {
      try {
        const value = await lastValueFrom(next.handle(), { defaultValue: undefined });
        handled = { value };
        return value;
      } catch (error) {
        handled = { error };
        throw error;
      }
    };
    try {
      const { value, outcome } = await this.cache.fetch(key, handler, this.entryOptions(request, options));
      if (value instanceof StreamableFile) this.streamingHandlers.add(context.getHandler());
      this.setHeader(context, 'X-Cache', HEADER_VALUE[outcome]);
      return value;
    } catch (error) {
      if (handled && 'error' in handled) throw handled.error;
      if (handled) return handled.value;
      this.logger.warn(`Cache unavailable for ${request.method} ${request.url}, answering uncached: ${String(error)}`);
      return handler();
    }
  }

  private entryOptions(request: HttpCacheRequest, options: HttpCacheOptions): GetOrSetOptions<unknown> {
    const tags = typeof options.tags === 'function' ? options.tags(request) : options.tags;
    return {
      ttl: options.ttl,
      tags: tags ? [...tags] : undefined,
      lock: options.lock,
      staleWhileRevalidate: options.staleWhileRevalidate,
      staleIfError: options.staleIfError,
      // A stream can be read once: it is handed to this request and never stored.
      unless: (value) => value instanceof StreamableFile,
    };
  }

  private setHeader(context: ExecutionContext, name: string, value: string): void {
    const response = context.switchToHttp().getResponse<{ headersSent?: boolean; sent?: boolean }>();
    if (response.headersSent || response.sent) return;
    this.adapterHost.httpAdapter.setHeader(response, name, value);
  }
}
