import type { Serializer } from '../cache/serializer.js';
import { resolveSerializer } from '../cache/serializers.js';
import { MAX_TIMER_MS, toMs, type Duration } from '../shared/duration.js';
import { CacheConfigError } from '../shared/errors.js';
import { DEFAULT_NAMESPACE, resolveNamespace } from '../shared/namespace.js';
import { optionsObject, positiveInteger, resolveCommandTimeout } from '../shared/option-checks.js';
import type { QueueStore } from '../store/queue.store.js';
import type { StoreChoice } from '../store/open-store.js';
import { consoleLogger, type CacheLogger } from '../telemetry/logger.js';
import {
  resolveTelemetryOptions,
  type ResolvedTelemetryOptions,
  type TelemetryOptions,
} from '../telemetry/open-telemetry/telemetry-options.js';
import type { ResolvedQueueOptions, WriteBehindQueueOptions } from './write-behind.types.js';

/** Every queue duration drives a timer (flush, backoff, push-back wait, reclaim). */
const TIMER = { max: MAX_TIMER_MS };

export const WRITE_BEHIND_DEFAULTS = {
  batch: { size: 100, interval: '1s' },
  coalesce: false,
  maxAttempts: 5,
  backoff: { initial: '200ms', max: '30s' },
  maxPending: 10_000,
  onFull: 'wait',
  fullWait: '30s',
  visibilityTimeout: '30s',
  durability: 'primary',
  replicaTimeout: '1s',
} as const satisfies WriteBehindQueueOptions;

/** Merges queue options over engine defaults over `WRITE_BEHIND_DEFAULTS`, validating each. */
export function resolveQueueOptions(
  queue: string,
  options: WriteBehindQueueOptions = {},
  defaults: WriteBehindQueueOptions = {},
): ResolvedQueueOptions {
  return resolveQueueSettings(`writeBehind[${queue}]`, options, defaults);
}

/** `resolveQueueOptions`, errors naming `<prefix>.<option>`. */
function resolveQueueSettings(
  prefix: string,
  options: WriteBehindQueueOptions,
  defaults: WriteBehindQueueOptions,
): ResolvedQueueOptions {
  optionsObject(options, prefix);
  const pick = <K extends keyof WriteBehindQueueOptions>(key: K) => options[key] ?? defaults[key];
  const at = (name: string) => `${prefix}.${name}`;
  const onFull = pick('onFull') ?? WRITE_BEHIND_DEFAULTS.onFull;
  if (onFull !== 'wait' && onFull !== 'error') throw new CacheConfigError(at('onFull'), onFull, "'wait' or 'error'");
  const coalesce = pick('coalesce') ?? WRITE_BEHIND_DEFAULTS.coalesce;
  if (typeof coalesce !== 'boolean') throw new CacheConfigError(at('coalesce'), coalesce, 'true or false');
  const visibilityTimeoutMs = toMs(
    pick('visibilityTimeout') ?? WRITE_BEHIND_DEFAULTS.visibilityTimeout,
    at('visibilityTimeout'),
    TIMER,
  );
  if (visibilityTimeoutMs < 300) {
    throw new CacheConfigError(at('visibilityTimeout'), visibilityTimeoutMs, 'at least 300 ms');
  }
  const durability = pick('durability') ?? WRITE_BEHIND_DEFAULTS.durability;
  if (durability !== 'primary' && durability !== 'replica') {
    throw new CacheConfigError(at('durability'), durability, "'primary' or 'replica'");
  }
  return {
    batchSize: positiveInteger(
      options.batch?.size ?? defaults.batch?.size ?? WRITE_BEHIND_DEFAULTS.batch.size,
      at('batch.size'),
    ),
    intervalMs: toMs(
      options.batch?.interval ?? defaults.batch?.interval ?? WRITE_BEHIND_DEFAULTS.batch.interval,
      at('batch.interval'),
      TIMER,
    ),
    coalesce,
    maxAttempts: positiveInteger(pick('maxAttempts') ?? WRITE_BEHIND_DEFAULTS.maxAttempts, at('maxAttempts')),
    backoffInitialMs: toMs(
      options.backoff?.initial ?? defaults.backoff?.initial ?? WRITE_BEHIND_DEFAULTS.backoff.initial,
      at('backoff.initial'),
      TIMER,
    ),
    backoffMaxMs: toMs(
      options.backoff?.max ?? defaults.backoff?.max ?? WRITE_BEHIND_DEFAULTS.backoff.max,
      at('backoff.max'),
      TIMER,
    ),
    maxPending: positiveInteger(pick('maxPending') ?? WRITE_BEHIND_DEFAULTS.maxPending, at('maxPending')),
    onFull,
    fullWaitMs: toMs(pick('fullWait') ?? WRITE_BEHIND_DEFAULTS.fullWait, at('fullWait'), { ...TIMER, allowZero: true }),
    visibilityTimeoutMs,
    durability,
    replicaTimeoutMs: toMs(pick('replicaTimeout') ?? WRITE_BEHIND_DEFAULTS.replicaTimeout, at('replicaTimeout')),
  };
}

/** Retry delay after `attempts` failures: exponential, capped, with 50–100 % jitter so retries spread out. */
export function retryDelayMs(options: ResolvedQueueOptions, attempts: number, random = Math.random): number {
  const exponential = Math.min(options.backoffMaxMs, options.backoffInitialMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(exponential * (0.5 + random() / 2));
}

export interface CreateWriteBehindOptions extends WriteBehindQueueOptions, StoreChoice<{ queues: QueueStore }> {
  /** Key prefix: queues live at `<namespace>:wb:{<hash of queue>}:<queue>:*`. Default `'cachet'`. */
  namespace?: string;
  /** How recorded arguments and values are stored. Default `'msgpack'` (Date, Map, Set, BigInt, Buffer survive). */
  serializer?: 'msgpack' | 'json' | Serializer;
  logger?: CacheLogger;
  /** Longest `close()` spends flushing what is queued. Default `'10s'`. */
  drainTimeout?: Duration;
  /** Per-command timeout of a connection opened here. Default `'2s'`. */
  commandTimeout?: Duration;
  /** Shorthand for `batch.interval`. */
  flushInterval?: Duration;
  /** Shorthand for `batch.size`. */
  batchSize?: number;
  /** OpenTelemetry spans and metrics of every flush (`@opentelemetry/api`, an optional peer). Default off. */
  telemetry?: TelemetryOptions;
}

/** Defaults of the engine itself (each queue's are `WRITE_BEHIND_DEFAULTS`). */
export const WRITE_BEHIND_ENGINE_DEFAULTS = {
  namespace: DEFAULT_NAMESPACE,
  drainTimeout: '10s',
  /** An append waits for Redis to make the write durable: more time than a cache read gets. */
  commandTimeout: '2s',
} as const;

export interface ResolvedWriteBehindOptions {
  namespace: string;
  serializer: Serializer;
  logger: CacheLogger;
  /** Every queue's options start from these (unresolved: each queue merges its own over them). */
  defaults: WriteBehindQueueOptions;
  /** The same defaults resolved: what a queue with no options of its own gets. */
  queueDefaults: ResolvedQueueOptions;
  /** Longest `close()` spends draining. */
  drainTimeoutMs: number;
  commandTimeoutMs: number;
  telemetry: ResolvedTelemetryOptions | undefined;
}

/**
 * Defaults applied and every value checked, queue defaults included: the one
 * resolver of write-behind engine options (`createWriteBehind` and the Nest
 * module both come here). Errors name options `writeBehind.<option>`.
 */
export function resolveWriteBehindOptions(options: CreateWriteBehindOptions): ResolvedWriteBehindOptions {
  optionsObject(options, 'writeBehind');
  const {
    redis: _redis,
    store: _store,
    namespace,
    serializer,
    logger,
    drainTimeout,
    commandTimeout,
    flushInterval,
    batchSize,
    telemetry,
    ...queueOptions
  } = options;
  if (batchSize !== undefined) positiveInteger(batchSize, 'writeBehind.batchSize');
  if (flushInterval !== undefined) toMs(flushInterval, 'writeBehind.flushInterval', TIMER);
  optionsObject(queueOptions.batch, 'writeBehind.batch');
  const defaults: WriteBehindQueueOptions = {
    ...queueOptions,
    batch: { size: batchSize, interval: flushInterval, ...queueOptions.batch },
  };
  return {
    namespace: resolveNamespace(namespace, 'writeBehind.namespace'),
    serializer: resolveSerializer(serializer).serializer,
    logger: logger ?? consoleLogger,
    defaults,
    queueDefaults: resolveQueueSettings('writeBehind', {}, defaults),
    drainTimeoutMs: toMs(drainTimeout ?? WRITE_BEHIND_ENGINE_DEFAULTS.drainTimeout, 'writeBehind.drainTimeout', {
      allowZero: true,
      max: MAX_TIMER_MS,
    }),
    commandTimeoutMs: resolveCommandTimeout(commandTimeout, WRITE_BEHIND_ENGINE_DEFAULTS.commandTimeout),
    telemetry: resolveTelemetryOptions(telemetry),
  };
}
