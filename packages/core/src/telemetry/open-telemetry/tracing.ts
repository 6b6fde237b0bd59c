import type { Attributes, Context, Meter, Span, Tracer } from '@opentelemetry/api';
import { loadOpenTelemetryApi, type OpenTelemetryApi } from './otel-api.js';
import { INSTRUMENTATION_SCOPE, type ResolvedTelemetryOptions } from './telemetry-options.js';

/** What every Cachet component reports through: the API, its tracer and meter, and the key policy. */
export interface OpenTelemetry {
  readonly api: OpenTelemetryApi;
  readonly tracer: Tracer;
  readonly meter: Meter;
  readonly recordKeys: boolean;
  /**
   * False while nothing could record: no tracer provider registered (yet) and
   * a no-op meter. Calls then skip telemetry entirely, so turning it on before
   * the SDK is there costs nothing.
   */
  readonly active: () => boolean;
}

/**
 * The tracer and meter of one component. Take it when the component is
 * created: the global tracer is a proxy that follows a provider registered
 * later, but the global meter is fixed when asked for (start the SDK first).
 */
export function openTelemetry(options: ResolvedTelemetryOptions): OpenTelemetry {
  // Resolving the options checked that the API is installed; Node's module cache makes this a lookup.
  const api = loadOpenTelemetryApi()!;
  const tracerProvider = options.tracerProvider ?? api.trace.getTracerProvider();
  const tracer = tracerProvider.getTracer(INSTRUMENTATION_SCOPE) as Tracer;
  const meter = (options.meterProvider ?? api.metrics).getMeter(INSTRUMENTATION_SCOPE) as Meter;
  const meterRecords = !(meter instanceof api.createNoopMeter().constructor);
  // The global provider is a proxy: spans record once an SDK gives it a delegate other than the no-op one.
  const proxy = tracerProvider instanceof api.ProxyTracerProvider ? tracerProvider : undefined;
  const noop = new api.ProxyTracerProvider().getDelegate();
  const active = meterRecords || !proxy ? () => true : () => proxy.getDelegate() !== noop;
  return { api, tracer, meter, recordKeys: options.recordKeys, active };
}

/**
 * Runs `run` inside a new span, child of `parent` (default: the caller's
 * active span), active while it runs so spans it starts (ioredis, the user's
 * loader) nest under it. A throw marks the span as an error and is rethrown;
 * the span always ends. `run` gets the span's context, to parent spans that
 * start later (`undefined` when the span is not recorded: no SDK registered,
 * or sampled out — then nothing is switched or nested).
 */
export async function inSpan<T>(
  otel: OpenTelemetry,
  name: string,
  attributes: Attributes,
  run: (span: Span, spanContext: Context | undefined) => Promise<T>,
  parent: Context = otel.api.context.active(),
): Promise<T> {
  const span = otel.tracer.startSpan(name, { kind: otel.api.SpanKind.INTERNAL, attributes }, parent);
  try {
    if (!span.isRecording()) return await run(span, undefined);
    const spanContext = otel.api.trace.setSpan(parent, span);
    return await otel.api.context.with(spanContext, run, undefined, span, spanContext);
  } catch (error) {
    failSpan(otel, span, error);
    throw error;
  } finally {
    span.end();
  }
}

/** Marks `span` as failed by `error`: an exception event and an error status with its message. */
export function failSpan(otel: OpenTelemetry, span: Span, error: unknown): void {
  if (!span.isRecording()) return;
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({
    code: otel.api.SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : String(error),
  });
}

/** Seconds since `startedAt` (a `performance.now()` reading), the unit OpenTelemetry durations use. */
export function secondsSince(startedAt: number): number {
  return (performance.now() - startedAt) / 1000;
}
