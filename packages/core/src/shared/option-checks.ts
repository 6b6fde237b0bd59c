import { MAX_TIMER_MS, toMs, type Duration } from './duration.js';
import { CacheConfigError } from './errors.js';

/**
 * The checks every engine's options share, each written once. Each throws
 * `CacheConfigError` naming the option as the user wrote it.
 */

/** A whole number ≥ 1 (sizes, counts, attempts). */
export function positiveInteger(value: unknown, option: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new CacheConfigError(option, value, 'a positive integer');
  }
  return value;
}

/** A whole number ≥ 0 (a size where 0 turns the feature off). */
export function nonNegativeInteger(value: unknown, option: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new CacheConfigError(option, value, 'a non-negative integer');
  }
  return value;
}

/** `true` or `false`; `undefined` takes `fallback`. */
export function booleanOption(value: unknown, option: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new CacheConfigError(option, value, 'true or false');
  return value;
}

/** A nested options object (`lock`, `breaker`, `writeBehind`, ...), or absent. */
export function optionsObject(value: unknown, option: string): void {
  if (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    throw new CacheConfigError(option, value, 'an options object');
  }
}

/** A slow Redis becomes a fast error (fail-open) after this long, on the connections of the cache and the limiter. */
export const DEFAULT_COMMAND_TIMEOUT = '250ms';

/** A connection's per-command timeout in ms: a timer, so bounded by what `setTimeout` can run. */
export function resolveCommandTimeout(value: Duration | undefined, fallback: Duration): number {
  return toMs(value ?? fallback, 'commandTimeout', { max: MAX_TIMER_MS });
}
