import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { catchError, throwError, type Observable } from 'rxjs';
import { RateLimitExceededException } from './rate-limit-exceeded.exception.js';
import { writeHeaders, type HeaderSink } from './rate-limit-headers.js';

interface SentState extends HeaderSink {
  headersSent?: boolean;
  sent?: boolean;
}

/**
 * Gives a 429 thrown inside a handler (by a rate-limited service method, or
 * by hand) the headers a guard refusal has: `Retry-After` and the refusing
 * policies' rate-limit fields. Registered app-wide by the module; written
 * before any exception filter runs, so a filter of yours that renders the
 * error keeps them. Costs one `catchError` per HTTP request, nothing more.
 */
@Injectable()
export class RateLimitRefusalHeaders implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    return next.handle().pipe(
      catchError((error: unknown) => {
        if (error instanceof RateLimitExceededException) {
          const response = context.switchToHttp().getResponse<SentState>();
          if (!response.headersSent && !response.sent) writeHeaders(response, error.headers);
        }
        return throwError(() => error);
      }),
    );
  }
}
