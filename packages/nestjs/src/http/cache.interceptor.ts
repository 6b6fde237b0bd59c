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
import { REDIRECT_METADATA, RENDER_METADATA, SSE_METADATA } from '@nestjs/common/constants.js';
import { HttpAdapterHost, Reflector } from '@nestjs/core';
import { defer, lastValueFrom, type Observable } from 'rxjs';
import { CACHE_INSTANCE } from '../cache.constants.js';
import { decodeCachedResponse, encodeCachedResponse, entityTag, noneMatch } from './cached-response.js';
import { HTTP_CACHE_METADATA, type HttpCacheOptions, type HttpCacheRequest } from './http-cache.decorator.js';
import { httpCacheKey } from './http-cache-key.js';
import { wireBody, type WireResponse } from './wire-body.js';

const DEFAULT_METHODS = ['GET', 'HEAD'];
const HEADER_VALUE: Record<CacheOutcome, string> = { hit: 'HIT', miss: 'MISS', stale: 'STALE' };
/** An ETag as RFC 9110 writes it (a handler's own is kept when it is one). */
const ENTITY_TAG = /^(W\/)?"[\x21\x23-\x7e]*"$/;

/** What the interceptor reads and sets on the response: Express and Fastify responses both fit. */
interface HttpCacheResponse extends WireResponse {
  statusCode?: number;
  headersSent?: boolean;
  sent?: boolean;
}

/**
 * Caches HTTP responses on Express and Fastify, stored as the bytes that go
 * on the wire (status, content type, ETag, body) and written back without
 * re-serialising; a request whose `If-None-Match` names the ETag gets `304`.
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
    const response = context.switchToHttp().getResponse<HttpCacheResponse>();
    const bytes = this.sendsBytes(context);
    // Tells the handler's own outcome apart from cache trouble, so only the latter is swallowed.
    let handled: { value: unknown } | { error: unknown } | undefined;
    const handler = async (): Promise<unknown> => {
      try {
        const value = await lastValueFrom(next.handle(), { defaultValue: undefined });
        const stored = bytes ? this.toStored(value, response) : undefined;
        handled = { value: stored ?? value };
        return stored ?? value;
      } catch (error) {
        handled = { error };
        throw error;
      }
    };
    let value: unknown;
    try {
      const fetched = await this.cache.fetch(key, handler, this.entryOptions(request, options));
      value = fetched.value;
      if (value instanceof StreamableFile) this.streamingHandlers.add(context.getHandler());
      this.setHeader(response, 'X-Cache', HEADER_VALUE[fetched.outcome]);
    } catch (error) {
      if (handled && 'error' in handled) throw handled.error;
      if (!handled) {
        this.logger.warn(
          `Cache unavailable for ${request.method} ${request.url}, answering uncached: ${String(error)}`,
        );
        await handler();
      }
      value = (handled as { value: unknown }).value;
    }
    return Buffer.isBuffer(value) ? this.write(request, response, value) : value;
  }

  /**
   * Routes whose return value Nest sends as the body (not a template model, a redirect or an event stream)
   * are stored as the bytes that go on the wire.
   */
  private sendsBytes(context: ExecutionContext): boolean {
    const handler = context.getHandler();
    return ![RENDER_METADATA, REDIRECT_METADATA, SSE_METADATA].some((key) => Reflect.hasMetadata(key, handler));
  }

  /** The handler's value serialised once, as the adapter would send it, with its status and ETag. */
  private toStored(value: unknown, response: HttpCacheResponse): Buffer | undefined {
    if (value instanceof StreamableFile) return undefined;
    const wire = wireBody(value, this.adapterHost.httpAdapter.getType(), response);
    if (!wire) return undefined;
    const own = response.getHeader?.('etag');
    const etag = typeof own === 'string' && ENTITY_TAG.test(own) ? own : entityTag(wire.contentType, wire.body);
    return encodeCachedResponse({ status: response.statusCode ?? 200, etag, ...wire });
  }

  /**
   * Writes a stored response without re-serialising it: its status, content type and ETag, then its bytes
   * — or `304` and no body when the request's `If-None-Match` names its ETag.
   */
  private write(request: HttpCacheRequest, response: HttpCacheResponse, stored: Buffer): unknown {
    const cached = decodeCachedResponse(stored);
    if (!cached) return stored;
    this.setHeader(response, 'ETag', cached.etag);
    const conditional = cached.status >= 200 && cached.status < 300 && /^(GET|HEAD)$/i.test(request.method);
    if (conditional && noneMatch(request.headers['if-none-match'], cached.etag)) {
      this.adapterHost.httpAdapter.status(response, 304);
      return undefined;
    }
    this.setHeader(response, 'Content-Type', cached.contentType);
    if (response.statusCode !== cached.status) this.adapterHost.httpAdapter.status(response, cached.status);
    // Express's adapter sends an object (a Buffer too) as JSON; its bodies are all text, sent as a string.
    return this.adapterHost.httpAdapter.getType() === 'express' ? cached.body.toString('utf8') : cached.body;
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

  private setHeader(response: HttpCacheResponse, name: string, value: string): void {
    if (response.headersSent || response.sent) return;
    this.adapterHost.httpAdapter.setHeader(response, name, value);
  }
}
