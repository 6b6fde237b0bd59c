import { MAX_TIMER_MS, toMs } from '../shared/duration.js';

/** Every queue duration drives a timer (flush, backoff, push-back wait, reclaim). */
const TIMER = { max: MAX_TIMER_MS };
import { CacheConfigError } from '../shared/errors.js';
import type { ResolvedQueueOptions, WriteBehindQueueOptions } from './write-behind.types.js';

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
  const pick = <K extends keyof WriteBehindQueueOptions>(key: K) => options[key] ?? defaults[key];
  const at = (name: string) => `writeBehind[${queue}].${name}`;
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

function positiveInteger(value: unknown, option: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new CacheConfigError(option, value, 'a positive integer');
  }
  return value;
}
