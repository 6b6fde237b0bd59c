import {
  CACHE_DEFAULTS,
  CacheConfigError,
  MAX_TIMER_MS,
  resolveCacheOptions,
  toMs,
  type RedisInput,
} from '@cachet/core';
import { Logger } from '@nestjs/common';
import { Cluster, Redis } from 'ioredis';
import { resolveRateLimitModuleOptions } from '../rate-limit/rate-limit-module.options.js';
import type { CacheModuleOptions, ResolvedCacheModuleOptions } from './cache-module.options.js';

export const CACHE_MODULE_DEFAULTS = {
  ...CACHE_DEFAULTS,
  store: 'redis',
  failOpen: true,
  l1: { maxEntries: 10_000, ttl: '10s' },
  writeBehind: { flushInterval: '1s', batchSize: 100, maxAttempts: 5, drainTimeout: '10s' },
} as const;

const KNOWN_OPTIONS = new Set<string>([
  'redis',
  'store',
  'namespace',
  'ttl',
  'maxTtl',
  'serializer',
  'compression',
  'maxValueSize',
  'l1',
  'failOpen',
  'commandTimeout',
  'lock',
  'breaker',
  'rateLimit',
  'writeBehind',
  'logger',
  'telemetry',
]);

const NAMESPACE = /^[A-Za-z0-9_.:-]+$/;

/**
 * The one place module options are defaulted and checked, at bootstrap. Every
 * error names the option and the value it got, so a typo never turns into a
 * silently different cache.
 */
export function resolveCacheModuleOptions(options: CacheModuleOptions | undefined): ResolvedCacheModuleOptions {
  if (options === null || typeof options !== 'object') {
    throw new CacheConfigError('CacheModule options', options, 'an options object');
  }
  for (const name of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(name)) {
      throw new CacheConfigError(
        name,
        (options as Record<string, unknown>)[name],
        `one of ${[...KNOWN_OPTIONS].join(', ')}`,
      );
    }
  }
  const store = options.store ?? CACHE_MODULE_DEFAULTS.store;
  if (store !== 'redis' && store !== 'memory') throw new CacheConfigError('store', store, "'redis' or 'memory'");
  if (store === 'redis') checkRedisInput(options.redis);

  const namespace = options.namespace ?? CACHE_MODULE_DEFAULTS.namespace;
  if (typeof namespace !== 'string' || !NAMESPACE.test(namespace)) {
    throw new CacheConfigError('namespace', namespace, 'letters, digits and . _ : - (no braces or spaces)');
  }
  checkObject(options.lock, 'lock');
  checkObject(options.breaker, 'breaker');
  const l1 = resolveL1(options.l1);
  // Core's resolver checks every cache option (durations included), so the module and createCache agree.
  const core = resolveCacheOptions({
    namespace,
    ttl: options.ttl,
    maxTtl: options.maxTtl,
    serializer: options.serializer,
    compression: options.compression,
    maxValueSize: options.maxValueSize,
    failOpen: options.failOpen,
    commandTimeout: options.commandTimeout,
    lock: options.lock,
    breaker: options.breaker,
    l1,
    telemetry: options.telemetry,
  });
  const { failOpen, commandTimeoutMs } = core;

  return {
    store,
    redis: store === 'redis' ? options.redis : undefined,
    namespace,
    failOpen,
    commandTimeoutMs,
    cache: {
      namespace,
      ttl: core.ttlMs,
      maxTtl: core.maxTtlMs,
      serializer: options.serializer,
      compression: options.compression,
      maxValueSize: options.maxValueSize,
      failOpen,
      commandTimeout: commandTimeoutMs,
      lock: { ttl: core.lockTtlMs, wait: core.lockWaitMs },
      breaker: options.breaker,
      l1,
      logger: options.logger ?? new Logger('Cachet'),
      telemetry: options.telemetry,
    },
    rateLimit: resolveRateLimit(options.rateLimit),
    writeBehind: resolveWriteBehind(options.writeBehind),
  };
}

function checkRedisInput(redis: RedisInput | undefined): void {
  if (redis === undefined) {
    throw new CacheConfigError(
      'redis',
      undefined,
      "a Redis URL, ioredis options, { cluster }, { sentinels, name } or a Redis/Cluster instance (or store: 'memory' to run without Redis)",
    );
  }
  if (redis instanceof Redis || redis instanceof Cluster) return;
  if (typeof redis === 'string') {
    if (!/^rediss?:\/\//.test(redis)) {
      throw new CacheConfigError('redis', redis, "a URL such as 'redis://localhost:6379' or 'rediss://host:6380'");
    }
    return;
  }
  if (typeof redis !== 'object' || redis === null) {
    throw new CacheConfigError(
      'redis',
      redis,
      'a URL, ioredis options, { cluster }, { sentinels, name } or a Redis/Cluster instance',
    );
  }
  if ('cluster' in redis && !(Array.isArray(redis.cluster) && redis.cluster.length > 0)) {
    throw new CacheConfigError('redis.cluster', redis.cluster, 'a non-empty list of { host, port } seed nodes');
  }
}

function resolveL1(l1: CacheModuleOptions['l1']): CacheModuleOptions['l1'] {
  if (l1 === undefined || l1 === false) return false;
  if (typeof l1 !== 'object' || l1 === null)
    throw new CacheConfigError('l1', l1, 'false or { maxEntries?, maxBytes?, ttl? }');
  return {
    maxEntries: positiveInteger(l1.maxEntries ?? CACHE_MODULE_DEFAULTS.l1.maxEntries, 'l1.maxEntries'),
    maxBytes: l1.maxBytes === undefined ? undefined : positiveInteger(l1.maxBytes, 'l1.maxBytes'),
    ttl: toMs(l1.ttl ?? CACHE_MODULE_DEFAULTS.l1.ttl, 'l1.ttl'),
  };
}

function resolveRateLimit(rateLimit: CacheModuleOptions['rateLimit']): ResolvedCacheModuleOptions['rateLimit'] {
  checkObject(rateLimit, 'rateLimit');
  // Checked here so a bad value fails with the rest of the options; the limiter resolves it again for itself.
  resolveRateLimitModuleOptions(rateLimit ?? {});
  return { ...rateLimit };
}

function resolveWriteBehind(writeBehind: CacheModuleOptions['writeBehind']): ResolvedCacheModuleOptions['writeBehind'] {
  checkObject(writeBehind, 'writeBehind');
  const defaults = CACHE_MODULE_DEFAULTS.writeBehind;
  return {
    flushIntervalMs: toMs(writeBehind?.flushInterval ?? defaults.flushInterval, 'writeBehind.flushInterval', {
      max: MAX_TIMER_MS,
    }),
    batchSize: positiveInteger(writeBehind?.batchSize ?? defaults.batchSize, 'writeBehind.batchSize'),
    maxAttempts: positiveInteger(writeBehind?.maxAttempts ?? defaults.maxAttempts, 'writeBehind.maxAttempts'),
    drainTimeoutMs: toMs(writeBehind?.drainTimeout ?? defaults.drainTimeout, 'writeBehind.drainTimeout', {
      allowZero: true,
      max: MAX_TIMER_MS,
    }),
  };
}

function checkObject(value: unknown, option: string): void {
  if (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    throw new CacheConfigError(option, value, 'an options object');
  }
}

function positiveInteger(value: unknown, option: string): number {
  if (!(typeof value === 'number' && Number.isInteger(value) && value > 0)) {
    throw new CacheConfigError(option, value, 'a positive integer');
  }
  return value;
}
