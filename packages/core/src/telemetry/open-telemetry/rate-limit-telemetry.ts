import type { Histogram } from '@opentelemetry/api';
import type { RateLimitBatchResult, RateLimitCheck, RateLimitSource } from '../../rate-limit/rate-limit.types.js';
import type { ResolvedTelemetryOptions } from './telemetry-options.js';
import { inSpan, openTelemetry, secondsSince, type OpenTelemetry } from './tracing.js';

/**
 * OpenTelemetry for one rate limiter: a `cachet.rate_limit.check` span per
 * request (all its policies: one atomic check) and the checks counted by
 * outcome (`allowed`, `refused`, `error`) and by what answered them (`store`,
 * `short-circuit` from process memory, `insurance` while Redis is away) — the
 * figures of `stats()`, with the outcome beside them. A refusal is an outcome,
 * not an error.
 */
export class RateLimitTelemetry {
  private readonly duration: Histogram;

  private constructor(private readonly otel: OpenTelemetry) {
    // Its count is the number of checks, by outcome and source.
    this.duration = otel.meter.createHistogram('cachet.rate_limit.check.duration', {
      description:
        'Rate-limit checks (all policies of a request) by outcome (allowed, refused, error) and source (store, short-circuit, insurance): duration',
      unit: 's',
    });
  }

  static create(options: ResolvedTelemetryOptions | undefined): RateLimitTelemetry | undefined {
    return options ? new RateLimitTelemetry(openTelemetry(options)) : undefined;
  }

  check(
    namespace: string,
    checks: readonly RateLimitCheck[],
    run: () => Promise<RateLimitBatchResult>,
  ): Promise<RateLimitBatchResult> {
    return this.otel.active() ? this.traced(namespace, checks, run) : run();
  }

  private async traced(
    namespace: string,
    checks: readonly RateLimitCheck[],
    run: () => Promise<RateLimitBatchResult>,
  ): Promise<RateLimitBatchResult> {
    const started = performance.now();
    let outcome = 'error';
    let source: RateLimitSource | 'none' = 'none';
    const attributes = this.otel.recordKeys
      ? {
          'cachet.namespace': namespace,
          'cachet.rate_limit.policies': checks.length,
          'cachet.rate_limit.subjects': checks.map((check) => String(check.subject)),
        }
      : { 'cachet.namespace': namespace, 'cachet.rate_limit.policies': checks.length };
    try {
      return await inSpan(this.otel, 'cachet.rate_limit.check', attributes, async (span) => {
        const result = await run();
        outcome = result.allowed ? 'allowed' : 'refused';
        source = sourceOf(result);
        span.setAttributes({
          'cachet.outcome': outcome,
          'cachet.rate_limit.source': source,
          'cachet.rate_limit.retry_after_ms': result.retryAfterMs,
        });
        return result;
      });
    } finally {
      const metricAttributes = {
        'cachet.namespace': namespace,
        'cachet.outcome': outcome,
        'cachet.rate_limit.source': source,
      };
      this.duration.record(secondsSince(started), metricAttributes);
    }
  }
}

/** What answered the request: the one source of its checked policies (`unchecked` ones were never asked). */
function sourceOf(result: RateLimitBatchResult): RateLimitSource {
  return result.results.find((check) => check.source !== 'unchecked')?.source ?? 'unchecked';
}
