import { CacheConfigError } from './errors.js';

/** Milliseconds as a number, or a string such as `'250ms'`, `'30s'`, `'5m'`, `'1h'`, `'1d'`. */
export type Duration = number | `${number}${DurationUnit}`;
export type DurationUnit = 'ms' | 's' | 'm' | 'h' | 'd';

const UNIT_MS: Record<DurationUnit, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/**
 * Parses a Duration to whole milliseconds.
 * @param option the option's name, so a bad value is reported where it was written
 */
export function toMs(value: unknown, option: string, { allowZero = false } = {}): number {
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
  return Math.round(ms);
}

/** Like `toMs`, but `undefined` stays `undefined`. */
export function toOptionalMs(value: unknown, option: string, options?: { allowZero?: boolean }): number | undefined {
  return value === undefined ? undefined : toMs(value, option, options);
}
