import { openStore } from '../store/open-store.js';
import { RateLimiter } from './rate-limiter.js';
import { resolveRateLimiterOptions, type RateLimiterOptions } from './rate-limiter-options.js';

export type { RateLimiterOptions } from './rate-limiter-options.js';

/** A limiter and the means to close what it opened. */
export interface OwnedRateLimiter extends RateLimiter {
  close(): Promise<void>;
}

/**
 * Creates a rate limiter (the Nest module makes its own the same way).
 *
 * ```ts
 * const limiter = createRateLimiter({ redis: 'redis://localhost:6379', namespace: 'api' });
 * const result = await limiter.consume(`login:${ip}`, { limit: 5, window: '1m', algorithm: 'sliding-log' });
 * if (!result.allowed) reply.header('Retry-After', Math.ceil(result.retryAfterMs / 1000)).code(429);
 * ```
 */
export function createRateLimiter(options: RateLimiterOptions = {}): OwnedRateLimiter {
  const resolved = resolveRateLimiterOptions(options);
  const { store, owned } = openStore(options, { commandTimeoutMs: resolved.readyTimeoutMs, logger: resolved.logger });
  const limiter = new RateLimiter({
    ...resolved,
    store: store.rateLimits,
    router: store.router,
    isReady: () => store.isReady(),
    ready: (timeoutMs) => store.ready(timeoutMs),
  });
  return Object.assign(limiter, { close: () => (owned ? store.close() : Promise.resolve()) });
}
