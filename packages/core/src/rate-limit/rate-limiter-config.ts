import type { BreakerRouter } from '../resilience/node-breakers.js';
import type { CacheLogger } from '../telemetry/logger.js';
import type { TelemetryOptions } from '../telemetry/open-telemetry/telemetry-options.js';
import type { RateLimitStore } from '../store/rate-limit.store.js';

/** What a RateLimiter runs on and how (`resolveRateLimiterOptions` fills it from the user's options). */
export interface RateLimiterConfig {
  store: RateLimitStore;
  namespace: string;
  /** Redis trouble: answer from the in-process insurance limiter (true) or throw RateLimitUnavailableError. */
  failOpen: boolean;
  /** Subjects remembered as over their limit (0 disables the short-circuit). */
  overLimitCacheSize: number;
  breaker: { threshold: number; resetMs: number };
  /** On Redis Cluster: the store's router, so a dead master's breaker skips only the subjects it serves. */
  router?: BreakerRouter;
  logger: CacheLogger;
  /** True when the store can take commands now; otherwise it gets `readyTimeoutMs` to become ready. */
  isReady?: () => boolean;
  ready?: (timeoutMs: number) => Promise<void>;
  readyTimeoutMs: number;
  /** OpenTelemetry spans and metrics of every check (`@opentelemetry/api`, an optional peer). Default off. */
  telemetry?: TelemetryOptions;
}
