import { CACHE_DEFAULTS, CacheConfigError, toMs, type RedisInput } from '@cachet/core';
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
  const ttlMs = toMs(options.ttl ?? CACHE_MODULE_DEFAULTS.ttl, 'ttl');
  const maxTtlMs = toMs(options.maxTtl ?? CACHE_MODULE_DEFAULTS.maxTtl, 'maxTtl');
  if (ttlMs > maxTtlMs) throw new CacheConfigError('ttl', options.ttl, `at most maxTtl (${maxTtlMs} ms)`);
  const failOpen = options.failOpen ?? CACHE_MODULE_DEFAULTS.failOpen;
  if (typeof failOpen !== 'boolean') throw new CacheConfigError('failOpen', failOpen, 'true or false');
  const commandTimeoutMs = toMs(options.commandTimeout ?? CACHE_MODULE_DEFAULTS.commandTimeout, 'commandTimeout');
  checkObject(options.lock, 'lock');
  const lock = {
    ttl: toMs(options.lock?.ttl ?? CACHE_MODULE_DEFAULTS.lock.ttl, 'lock.ttl'),
    wait: toMs(options.lock?.wait ?? CACHE_MODULE_DEFAULTS.lock.wait, 'lock.wait', { allowZero: true }),
  };
  if (options.serializer !== undefined && !isSerializer(options.serializer)) {
    throw new CacheConfigError('serializer', options.serializer, "'msgpack', 'json' or { serialize, deserialize }");
  }
  const compression = options.compression;
  if (
    compression !== undefined &&
    compression !== false &&
    !(typeof compression === 'object' && Number.isInteger(compression?.threshold) && compression.threshold >= 0)
  ) {
    throw new CacheConfigError('compression', compression, 'false or { threshold: bytes (a non-negative integer) }');
  }
  if (options.maxValueSize !== undefined && !(Number.isInteger(options.maxValueSize) && options.maxValueSize > 0)) {
    throw new CacheConfigError('maxValueSize', options.maxValueSize, 'a positive number of bytes');
  }
  checkObject(options.breaker, 'breaker');
  if (options.breaker?.resetAfter !== undefined) toMs(options.breaker.resetAfter, 'breaker.resetAfter');
  if (options.breaker?.threshold !== undefined) positiveInteger(options.breaker.threshold, 'breaker.threshold');

  return {
    store,
    redis: store === 'redis' ? options.redis : undefined,
    namespace,
    failOpen,
    commandTimeoutMs,
    cache: {
      namespace,
      ttl: ttlMs,
      maxTtl: maxTtlMs,
      serializer: options.serializer,
      compression,
      maxValueSize: options.maxValueSize,
      failOpen,
      commandTimeout: commandTimeoutMs,
      lock,
      breaker: options.breaker,
      l1: resolveL1(options.l1),
      logger: options.logger ?? new Logger('Cachet'),
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
    flushIntervalMs: toMs(writeBehind?.flushInterval ?? defaults.flushInterval, 'writeBehind.flushInterval'),
    batchSize: positiveInteger(writeBehind?.batchSize ?? defaults.batchSize, 'writeBehind.batchSize'),
    maxAttempts: positiveInteger(writeBehind?.maxAttempts ?? defaults.maxAttempts, 'writeBehind.maxAttempts'),
    drainTimeoutMs: toMs(writeBehind?.drainTimeout ?? defaults.drainTimeout, 'writeBehind.drainTimeout', {
      allowZero: true,
    }),
  };
}

function isSerializer(value: unknown): boolean {
  if (value === 'msgpack' || value === 'json') return true;
  const candidate = value as { serialize?: unknown; deserialize?: unknown } | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.serialize === 'function' &&
    typeof candidate.deserialize === 'function'
  );
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
