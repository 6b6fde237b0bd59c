import { CachetError, ErrorCodes } from '@cachet/core';
import type { RateLimitExceededException } from '../rate-limit/rate-limit-exceeded.exception.js';

/** The `extensions` of the GraphQL error a refused resolver field carries. */
export interface RateLimitExceededExtensions {
  code: 'TOO_MANY_REQUESTS';
  /** Whole seconds, rounded up: the `Retry-After` value. */
  retryAfter: number;
  /** The policy the client must wait longest for. */
  policy: string;
  violatedPolicies: string[];
}

/**
 * `@RateLimit` refusing a GraphQL resolver field. Not an `HttpException`: the
 * GraphQL server turns it into an error on the field's path whose
 * `extensions` are `code: 'TOO_MANY_REQUESTS'`, `retryAfter`, `policy` and
 * `violatedPolicies` (graphql-js takes the extensions of the error a resolver
 * throws). When `Retry-After` could not be set on the response directly, it
 * also carries `extensions.http.headers`, from which Apollo Server sets the
 * header (and which it removes from the error).
 */
export class RateLimitExceededGraphqlError extends CachetError {
  readonly code = ErrorCodes.rateLimitExceeded;
  readonly extensions: RateLimitExceededExtensions & { http?: { headers: Map<string, string> } };

  constructor(refusal: RateLimitExceededException, options: { httpHeaders: boolean }) {
    super(refusal.message);
    const retryAfter = refusal.retryAfterSeconds;
    this.extensions = {
      code: 'TOO_MANY_REQUESTS',
      retryAfter,
      policy: refusal.policy,
      violatedPolicies: refusal.violatedPolicies,
    };
    if (options.httpHeaders) this.extensions.http = { headers: new JsonHeaders([['retry-after', String(retryAfter)]]) };
  }
}

/** Headers as Apollo Server reads them (a `Map`), printed as an object by any other server. */
class JsonHeaders extends Map<string, string> {
  toJSON(): Record<string, string> {
    return Object.fromEntries(this);
  }
}
