import { RateLimiter, consoleLogger, type RateLimitStore } from '@cachet/core/store';
import { openStore, type StoreFixture, type StoreKind } from '../support/stores.js';
import { uniqueNamespace } from '@cachet/testing';

/** A limiter over a fresh store of one kind, with its own namespace. */
export interface LimiterFixture {
  kind: StoreKind;
  limiter: RateLimiter;
  store: StoreFixture;
  close(): Promise<void>;
}

export function openLimiter(
  kind: StoreKind,
  overrides: Partial<ConstructorParameters<typeof RateLimiter>[0]> = {},
): LimiterFixture {
  const store = openStore(kind);
  const limiter = limiterOn(store.store.rateLimits, {
    isReady: () => store.store.isReady(),
    ready: (ms) => store.store.ready(ms),
    ...overrides,
  });
  return { kind, limiter, store, close: () => store.close() };
}

export function limiterOn(
  store: RateLimitStore,
  overrides: Partial<ConstructorParameters<typeof RateLimiter>[0]> = {},
): RateLimiter {
  return new RateLimiter({
    store,
    namespace: uniqueNamespace('rl'),
    failOpen: true,
    // Exactness tests count every refusal at the store; the short-circuit has its own test.
    overLimitCacheSize: 0,
    breaker: { threshold: 5, resetMs: 1_000 },
    logger: consoleLogger,
    readyTimeoutMs: 2_000,
    ...overrides,
  });
}
