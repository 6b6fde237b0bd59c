import { HttpException, HttpStatus } from '@nestjs/common';
import { ErrorCodes } from '@cachet/core';

/** The JSON body of a 429. */
export interface RateLimitExceededBody {
  statusCode: 429;
  error: 'Too Many Requests';
  message: string;
  code: typeof ErrorCodes.rateLimitExceeded;
  /** The policy the client must wait longest for. */
  policy: string;
  /** Every policy that refused the request. */
  violatedPolicies: string[];
  /** Whole seconds, rounded up: the same value as the `Retry-After` header. */
  retryAfter: number;
}

/** What a refusal says beyond its policies and wait. */
export interface RateLimitExceededDetails {
  /** The body's `message` (default: `Rate limit "<policy>" exceeded; retry in <n> s.`). */
  message?: string;
  /** The response headers of the refusal: the refusing policies' rate-limit fields and `Retry-After`. */
  headers?: ReadonlyArray<readonly [string, string]>;
}

/**
 * A request refused by `@RateLimit`: HTTP 429 whose body names the violated
 * policy. Thrown by `RateLimitGuard` and by rate-limited methods; either way
 * the response carries `headers` (a refusal made by hand, `Retry-After` alone).
 */
export class RateLimitExceededException extends HttpException {
  readonly code = ErrorCodes.rateLimitExceeded;
  readonly policy: string;
  readonly violatedPolicies: string[];
  readonly retryAfterSeconds: number;
  readonly headers: ReadonlyArray<readonly [string, string]>;

  constructor(violatedPolicies: string[], retryAfterMs: number, details: RateLimitExceededDetails = {}) {
    const retryAfter = Math.max(Math.ceil(retryAfterMs / 1000), 1);
    const policy = violatedPolicies[0] ?? 'default';
    const body: RateLimitExceededBody = {
      statusCode: 429,
      error: 'Too Many Requests',
      message: details.message ?? `Rate limit "${policy}" exceeded; retry in ${retryAfter} s.`,
      code: ErrorCodes.rateLimitExceeded,
      policy,
      violatedPolicies,
      retryAfter,
    };
    super(body, HttpStatus.TOO_MANY_REQUESTS);
    this.policy = policy;
    this.violatedPolicies = violatedPolicies;
    this.retryAfterSeconds = retryAfter;
    this.headers = details.headers ?? [['Retry-After', String(retryAfter)]];
  }
}
