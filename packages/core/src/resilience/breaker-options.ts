import { toMs, type Duration } from '../shared/duration.js';
import { optionsObject, positiveInteger } from '../shared/option-checks.js';

/** Open after `threshold` consecutive failures; probe after `resetAfter`. Shared by the cache and the limiter. */
export const BREAKER_DEFAULTS = { threshold: 5, resetAfter: '5s' } as const;

export interface BreakerOptions {
  threshold?: number;
  resetAfter?: Duration;
}

export interface ResolvedBreakerOptions {
  threshold: number;
  resetMs: number;
}

export function resolveBreakerOptions(options: BreakerOptions | undefined, option = 'breaker'): ResolvedBreakerOptions {
  optionsObject(options, option);
  return {
    threshold: positiveInteger(options?.threshold ?? BREAKER_DEFAULTS.threshold, `${option}.threshold`),
    resetMs: toMs(options?.resetAfter ?? BREAKER_DEFAULTS.resetAfter, `${option}.resetAfter`),
  };
}
