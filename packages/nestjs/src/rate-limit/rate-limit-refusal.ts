import type { ExecutionContext } from '@nestjs/common';
import { CacheConfigError } from '@cachet/core';

/** What an `errorMessage` function is told about a refusal (`@nestjs/throttler`'s `ThrottlerLimitDetail`). */
export interface RateLimitRefusal {
  /** The policy the client must wait longest for. */
  readonly policy: string;
  /** Every policy that refused the call. */
  readonly violatedPolicies: readonly string[];
  /** Whole seconds, rounded up: the `Retry-After` value. */
  readonly retryAfter: number;
  /** The refusing policy's limit and window (ms) for this call. */
  readonly limit: number;
  readonly windowMs: number;
  /** Units it holds now. */
  readonly remaining: number;
  /** The client identity `by` resolved (`ip:203.0.113.7`, `u:42`, `k:<your key>`, `*` for all callers). */
  readonly tracker: string;
  /** The counted subject (what a `key` function returned, or the default `<site>:<tracker>`). */
  readonly key: string;
}

/** The `message` of a 429: a fixed text, or one written from the call and the refusal. */
export type RateLimitErrorMessage = string | ((context: ExecutionContext, refusal: RateLimitRefusal) => string);

/** Checks an `errorMessage` option where it is written. */
export function resolveErrorMessage(value: unknown, option: string): RateLimitErrorMessage | undefined {
  if (value === undefined || typeof value === 'function') return value as RateLimitErrorMessage | undefined;
  if (typeof value === 'string' && value !== '') return value;
  throw new CacheConfigError(option, value, 'a non-empty string, or a function (context, refusal) => string');
}

/** The message a refusal carries; a function that does not return text is a bug named at call time. */
export function refusalMessage(
  message: RateLimitErrorMessage | undefined,
  context: ExecutionContext,
  refusal: RateLimitRefusal,
  option: string,
): string | undefined {
  if (typeof message !== 'function') return message;
  const text = message(context, refusal);
  if (typeof text !== 'string' || text === '') throw new CacheConfigError(`${option}()`, text, 'a non-empty string');
  return text;
}
