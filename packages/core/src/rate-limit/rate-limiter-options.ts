import { BREAKER_DEFAULTS, resolveBreakerOptions } from '../resilience/breaker-options.js';
import type { Duration } from '../shared/duration.js';
import { DEFAULT_NAMESPACE, resolveNamespace } from '../shared/namespace.js';
import {
  booleanOption,
  nonNegativeInteger,
  optionsObject,
  resolveCommandTimeout,
  DEFAULT_COMMAND_TIMEOUT,
} from '../shared/option-checks.js';
import type { StoreChoice } from '../store/open-store.js';
import { consoleLogger, type CacheLogger } from '../telemetry/logger.js';
import type { TelemetryOptions } from '../telemetry/open-telemetry/telemetry-options.js';
import type { RateLimiterConfig } from './rate-limiter-config.js';

export interface RateLimiterOptions extends StoreChoice {
  /** Every key starts with `<namespace>:rl:` (default 'cachet'). */
  namespace?: string;
  /** Redis trouble: admit through the in-process insurance limiter (default true) or throw. */
  failOpen?: boolean;
  /** Per-command timeout of a connection opened here, and how long a check waits for a (re)connecting Redis. Default `'250ms'`. */
  commandTimeout?: Duration;
  /** Subjects remembered as over their limit, to refuse them without a round trip (default 10 000; 0 disables). */
  overLimitCacheSize?: number;
  breaker?: { threshold?: number; resetAfter?: Duration };
  logger?: CacheLogger;
  /** OpenTelemetry spans and metrics of every check (`@opentelemetry/api`, an optional peer). Default off. */
  telemetry?: TelemetryOptions;
}

/** Every default of a rate limiter, written once. */
export const RATE_LIMITER_DEFAULTS = {
  namespace: DEFAULT_NAMESPACE,
  failOpen: true,
  commandTimeout: DEFAULT_COMMAND_TIMEOUT,
  overLimitCacheSize: 10_000,
  breaker: BREAKER_DEFAULTS,
} as const;

/** The limiter's settings, minus the store it runs on. */
export type ResolvedRateLimiterOptions = Omit<RateLimiterConfig, 'store' | 'router' | 'isReady' | 'ready'>;

/**
 * Defaults applied and every value checked: the one resolver of rate-limiter
 * options (`createRateLimiter` and the Nest module both come here).
 * @param prefix put before each option's name in an error (the Nest module's `'rateLimit.'`)
 */
export function resolveRateLimiterOptions(
  options: Omit<RateLimiterOptions, 'store' | 'redis'>,
  prefix = '',
): ResolvedRateLimiterOptions {
  optionsObject(options, prefix ? prefix.slice(0, -1) : 'rate limiter options');
  return {
    namespace: resolveNamespace(options.namespace, `${prefix}namespace`),
    failOpen: booleanOption(options.failOpen, `${prefix}failOpen`, RATE_LIMITER_DEFAULTS.failOpen),
    overLimitCacheSize: nonNegativeInteger(
      options.overLimitCacheSize ?? RATE_LIMITER_DEFAULTS.overLimitCacheSize,
      `${prefix}overLimitCacheSize`,
    ),
    breaker: resolveBreakerOptions(options.breaker, `${prefix}breaker`),
    logger: options.logger ?? consoleLogger,
    readyTimeoutMs: resolveCommandTimeout(options.commandTimeout, RATE_LIMITER_DEFAULTS.commandTimeout),
    telemetry: options.telemetry,
  };
}
