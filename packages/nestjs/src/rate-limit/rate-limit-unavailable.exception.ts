import { HttpStatus, ServiceUnavailableException } from '@nestjs/common';
import { ErrorCodes } from '@cachet/core';

/** 503 answered when Redis cannot check a rate limit and `rateLimit.failOpen` is false. */
export class RateLimitUnavailableException extends ServiceUnavailableException {
  readonly code = ErrorCodes.rateLimitUnavailable;

  constructor(cause?: unknown) {
    super(
      {
        statusCode: HttpStatus.SERVICE_UNAVAILABLE,
        error: 'Service Unavailable',
        message: 'Rate limiter unavailable; retry shortly.',
        code: ErrorCodes.rateLimitUnavailable,
      },
      { cause },
    );
  }
}
