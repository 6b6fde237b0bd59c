import { MAX_TIMER_MS, toMs } from '../shared/duration.js';
import { CacheConfigError } from '../shared/errors.js';
import { consoleLogger, type CacheLogger } from '../telemetry/logger.js';
import {
  resolveTelemetryOptions,
  type ResolvedTelemetryOptions,
} from '../telemetry/open-telemetry/telemetry-options.js';
import type { CacheOptions } from './cache.types.js';
import { resolveSerializer } from './serializers.js';
import type { Serializer } from './serializer.js';
import type { L1Options } from '../tiers/l1-tier.js';

/** CacheOptions with defaults applied and every value checked; the engine reads only this. */
export interface ResolvedCacheOptions {
  namespace: string;
  ttlMs: number;
  maxTtlMs: number;
  serializer: Serializer;
  serializerFlag: number;
  compressionThreshold: number;
  maxValueSize: number;
  failOpen: boolean;
  commandTimeoutMs: number;
  lockTtlMs: number;
  lockWaitMs: number;
  breakerThreshold: number;
  breakerResetMs: number;
  /** How long a write fence outlives the write it records (covers any in-flight load). */
  fenceTtlMs: number;
  l1: L1Options | undefined;
  logger: CacheLogger;
  /** `undefined` while OpenTelemetry is off. */
  telemetry: ResolvedTelemetryOptions | undefined;
}

export const CACHE_DEFAULTS = {
  namespace: 'cachet',
  ttl: '1h',
  maxTtl: '7d',
  compressionThreshold: 1024,
  maxValueSize: 1024 * 1024,
  commandTimeout: '250ms',
  lock: { ttl: '10s', wait: '5s' },
  breaker: { threshold: 5, resetAfter: '5s' },
} as const;

const DAY_MS = 86_400_000;

/**
 * The default TTL and its cap. An unset `ttl` is the default capped by
 * `maxTtl` (a cap is a cap: `maxTtl: '5s'` alone means 5 s entries); an
 * explicit `ttl` above `maxTtl` is refused with both figures.
 */
export function resolveTtlBounds(options: Pick<CacheOptions, 'ttl' | 'maxTtl'>): { ttlMs: number; maxTtlMs: number } {
  const maxTtlMs = toMs(options.maxTtl ?? CACHE_DEFAULTS.maxTtl, 'maxTtl');
  if (options.ttl === undefined) return { ttlMs: Math.min(toMs(CACHE_DEFAULTS.ttl, 'ttl'), maxTtlMs), maxTtlMs };
  const ttlMs = toMs(options.ttl, 'ttl');
  if (ttlMs > maxTtlMs) {
    throw new CacheConfigError(
      'ttl',
      options.ttl,
      `at most maxTtl (${describeOption(options.maxTtl ?? CACHE_DEFAULTS.maxTtl, maxTtlMs)}); ttl is ${ttlMs} ms`,
    );
  }
  return { ttlMs, maxTtlMs };
}

function describeOption(value: unknown, ms: number): string {
  return typeof value === 'number' ? `${ms} ms` : `${JSON.stringify(value)} = ${ms} ms`;
}

/** Defaults applied and every value checked, Nest module options included: the one resolver of cache options. */
export function resolveCacheOptions(options: CacheOptions): ResolvedCacheOptions {
  const { ttlMs, maxTtlMs } = resolveTtlBounds(options);
  const { serializer, flag } = resolveSerializer(options.serializer);
  const compression = options.compression ?? { threshold: CACHE_DEFAULTS.compressionThreshold };
  if (compression !== false && !(Number.isInteger(compression?.threshold) && compression.threshold >= 0)) {
    throw new CacheConfigError('compression', compression, 'false or { threshold: bytes (a non-negative integer) }');
  }
  const maxValueSize = options.maxValueSize ?? CACHE_DEFAULTS.maxValueSize;
  if (!Number.isInteger(maxValueSize) || maxValueSize <= 0) {
    throw new CacheConfigError('maxValueSize', maxValueSize, 'a positive number of bytes');
  }
  if (options.failOpen !== undefined && typeof options.failOpen !== 'boolean') {
    throw new CacheConfigError('failOpen', options.failOpen, 'true or false');
  }
  const breakerThreshold = options.breaker?.threshold ?? CACHE_DEFAULTS.breaker.threshold;
  if (!Number.isInteger(breakerThreshold) || breakerThreshold < 1) {
    throw new CacheConfigError('breaker.threshold', breakerThreshold, 'a positive integer');
  }
  const lockTtlMs = toMs(options.lock?.ttl ?? CACHE_DEFAULTS.lock.ttl, 'lock.ttl');
  return {
    namespace: options.namespace ?? CACHE_DEFAULTS.namespace,
    ttlMs,
    maxTtlMs,
    serializer,
    serializerFlag: flag,
    compressionThreshold: compression === false ? Infinity : compression.threshold,
    maxValueSize,
    failOpen: options.failOpen ?? true,
    commandTimeoutMs: toMs(options.commandTimeout ?? CACHE_DEFAULTS.commandTimeout, 'commandTimeout', {
      max: MAX_TIMER_MS,
    }),
    lockTtlMs,
    lockWaitMs: toMs(options.lock?.wait ?? CACHE_DEFAULTS.lock.wait, 'lock.wait', {
      allowZero: true,
      max: MAX_TIMER_MS,
    }),
    breakerThreshold,
    breakerResetMs: toMs(options.breaker?.resetAfter ?? CACHE_DEFAULTS.breaker.resetAfter, 'breaker.resetAfter'),
    fenceTtlMs: Math.max(Math.min(maxTtlMs, DAY_MS), lockTtlMs * 10),
    l1: resolveL1(options.l1),
    logger: options.logger ?? consoleLogger,
    telemetry: resolveTelemetryOptions(options.telemetry),
  };
}

function resolveL1(option: CacheOptions['l1']): L1Options | undefined {
  if (option === undefined || option === false) return undefined;
  if (typeof option !== 'object' || option === null) {
    throw new CacheConfigError('l1', option, 'false or { maxEntries?: number, maxBytes?: number, ttl?: Duration }');
  }
  const maxEntries = option.maxEntries ?? 10_000;
  if (!Number.isInteger(maxEntries) || maxEntries <= 0)
    throw new CacheConfigError('l1.maxEntries', maxEntries, 'a positive integer');
  if (option.maxBytes !== undefined && !(Number.isInteger(option.maxBytes) && option.maxBytes > 0)) {
    throw new CacheConfigError('l1.maxBytes', option.maxBytes, 'a positive number of bytes');
  }
  return { maxEntries, maxBytes: option.maxBytes, ttlMs: toMs(option.ttl ?? '10s', 'l1.ttl') };
}
