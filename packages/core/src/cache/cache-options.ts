import { LOCK_DEFAULTS, lockTtlMs, lockWaitMs } from '../lock/lock-options.js';
import { BREAKER_DEFAULTS, resolveBreakerOptions } from '../resilience/breaker-options.js';
import { toMs } from '../shared/duration.js';
import { CacheConfigError } from '../shared/errors.js';
import { DEFAULT_NAMESPACE, resolveNamespace } from '../shared/namespace.js';
import {
  booleanOption,
  optionsObject,
  positiveInteger,
  resolveCommandTimeout,
  DEFAULT_COMMAND_TIMEOUT,
} from '../shared/option-checks.js';
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

/** Every default of a cache, written once: `createCache` and the Nest module both read it. */
export const CACHE_DEFAULTS = {
  namespace: DEFAULT_NAMESPACE,
  ttl: '1h',
  maxTtl: '7d',
  compressionThreshold: 1024,
  maxValueSize: 1024 * 1024,
  failOpen: true,
  commandTimeout: DEFAULT_COMMAND_TIMEOUT,
  lock: LOCK_DEFAULTS,
  breaker: BREAKER_DEFAULTS,
  l1: { maxEntries: 10_000, ttl: '10s' },
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
  optionsObject(options, 'cache options');
  const namespace = resolveNamespace(options.namespace);
  const { ttlMs, maxTtlMs } = resolveTtlBounds(options);
  const { serializer, flag } = resolveSerializer(options.serializer);
  const compression = options.compression ?? { threshold: CACHE_DEFAULTS.compressionThreshold };
  if (compression !== false && !(Number.isInteger(compression?.threshold) && compression.threshold >= 0)) {
    throw new CacheConfigError('compression', compression, 'false or { threshold: bytes (a non-negative integer) }');
  }
  const maxValueSize = positiveInteger(options.maxValueSize ?? CACHE_DEFAULTS.maxValueSize, 'maxValueSize');
  optionsObject(options.lock, 'lock');
  const breaker = resolveBreakerOptions(options.breaker);
  const lockTtl = lockTtlMs(options.lock?.ttl);
  return {
    namespace,
    ttlMs,
    maxTtlMs,
    serializer,
    serializerFlag: flag,
    compressionThreshold: compression === false ? Infinity : compression.threshold,
    maxValueSize,
    failOpen: booleanOption(options.failOpen, 'failOpen', CACHE_DEFAULTS.failOpen),
    commandTimeoutMs: resolveCommandTimeout(options.commandTimeout, CACHE_DEFAULTS.commandTimeout),
    lockTtlMs: lockTtl,
    lockWaitMs: lockWaitMs(options.lock?.wait),
    breakerThreshold: breaker.threshold,
    breakerResetMs: breaker.resetMs,
    fenceTtlMs: Math.max(Math.min(maxTtlMs, DAY_MS), lockTtl * 10),
    l1: resolveL1(options.l1),
    logger: options.logger ?? consoleLogger,
    telemetry: resolveTelemetryOptions(options.telemetry),
  };
}

function resolveL1(option: CacheOptions['l1']): L1Options | undefined {
  if (option === undefined || option === false) return undefined;
  if (typeof option !== 'object' || option === null || Array.isArray(option)) {
    throw new CacheConfigError('l1', option, 'false or { maxEntries?: number, maxBytes?: number, ttl?: Duration }');
  }
  return {
    maxEntries: positiveInteger(option.maxEntries ?? CACHE_DEFAULTS.l1.maxEntries, 'l1.maxEntries'),
    maxBytes: option.maxBytes === undefined ? undefined : positiveInteger(option.maxBytes, 'l1.maxBytes'),
    ttlMs: toMs(option.ttl ?? CACHE_DEFAULTS.l1.ttl, 'l1.ttl'),
  };
}
