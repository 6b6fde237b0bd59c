import { CacheConfigError } from './errors.js';

/** Milliseconds as a number, or a string such as `'250ms'`, `'30s'`, `'5m'`, `'1h'`, `'1d'`. */
export type Duration = number | `${number}${DurationUnit}`;
export type DurationUnit = 'ms' | 's' | 'm' | 'h' | 'd';

const UNIT_MS: Record<DurationUnit, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/**
 * The longest duration Cachet accepts: 2^46 ms (about 2,230 years). Redis
 * refuses an expire time whose absolute time in ms overflows, and Lua holds
 * numbers as doubles; this bound leaves room for "now" plus the sum of every
 * window of an entry, so no `PX` Cachet sends is ever refused.
 */
export const MAX_DURATION_MS = 2 ** 46;

/** The longest duration that drives a timer (`setTimeout` fires at once beyond 2^31 - 1 ms). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export interface DurationBounds {
  /** Accept 0 (e.g. "do not wait"). Default false. */
  allowZero?: boolean;
  /** Upper bound in ms. Default `MAX_DURATION_MS`. */
  max?: number;
}

/**
 * Parses a Duration to whole milliseconds Redis accepts as an expire time:
 * fractions round up (0.4 ms is 1 ms, never 0, which Redis refuses), and
 * anything above `max` (default 2^46 ms) is refused. The one duration
 * validator: module options, per-call options and decorators all come here.
 * @param option the option's name, so a bad value is reported where it was written
 * @throws CacheConfigError naming the option and the value
 */
export function toMs(
  value: unknown,
  option: string,
  { allowZero = false, max = MAX_DURATION_MS }: DurationBounds = {},
): number {
  let ms: number | undefined;
  if (typeof value === 'number' && Number.isFinite(value)) ms = value;
  else if (typeof value === 'string') {
    const match = PATTERN.exec(value.trim());
    if (match) ms = Number(match[1]) * UNIT_MS[match[2] as DurationUnit];
  }
  if (ms === undefined || ms < 0 || (!allowZero && ms === 0)) {
    throw new CacheConfigError(
      option,
      value,
      `a ${allowZero ? 'non-negative' : 'positive'} duration: milliseconds as a number, or a string like '250ms', '30s', '5m', '1h', '1d'`,
    );
  }
  const whole = Math.ceil(ms);
  if (whole > max) {
    throw new CacheConfigError(option, value, `a duration of at most ${max} ms (${describeMs(max)})`);
  }
  return whole;
}

/** Like `toMs`, but `undefined` stays `undefined`. */
export function toOptionalMs(value: unknown, option: string, bounds?: DurationBounds): number | undefined {
  return value === undefined ? undefined : toMs(value, option, bounds);
}

function describeMs(ms: number): string {
  if (ms === MAX_DURATION_MS) return '2^46 ms, about 2,230 years';
  if (ms === MAX_TIMER_MS) return '2^31 - 1 ms, about 24.8 days, the longest timer Node.js runs';
  return `${ms / 1000} s`;
}
