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

/**
 * A request refused by `@RateLimit`: HTTP 429 whose body names the violated
 * policy. Thrown by `RateLimitGuard` (which also sets `Retry-After`) and by
 * rate-limited service methods.
 */
export class RateLimitExceededException extends HttpException {
  readonly code = ErrorCodes.rateLimitExceeded;
  readonly policy: string;
  readonly violatedPolicies: string[];
  readonly retryAfterSeconds: number;

  constructor(violatedPolicies: string[], retryAfterMs: number) {
    const retryAfter = Math.max(Math.ceil(retryAfterMs / 1000), 1);
    const policy = violatedPolicies[0] ?? 'default';
    const body: RateLimitExceededBody = {
      statusCode: 429,
      error: 'Too Many Requests',
      message: `Rate limit "${policy}" exceeded; retry in ${retryAfter} s.`,
      code: ErrorCodes.rateLimitExceeded,
      policy,
      violatedPolicies,
      retryAfter,
    };
    super(body, HttpStatus.TOO_MANY_REQUESTS);
    this.policy = policy;
    this.violatedPolicies = violatedPolicies;
    this.retryAfterSeconds = retryAfter;
  }
}
