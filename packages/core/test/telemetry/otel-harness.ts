import { context, type Attributes } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { MeterProvider, MetricReader, type DataPoint, type MetricData } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';

/** A reader that collects only when asked: metric values are read at the moment the test chooses. */
class OnDemandReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

/**
 * The OpenTelemetry SDK with in-memory exporters, as an app would register
 * it: spans to an InMemorySpanExporter, metrics to a reader the test
 * collects, and the AsyncLocalStorage context manager so the caller's active
 * span reaches the cache.
 */
export function otelHarness() {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new OnDemandReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);

  const spans = () => exporter.getFinishedSpans();
  return {
    tracerProvider,
    meterProvider,
    telemetry: { openTelemetry: true, tracerProvider, meterProvider },
    tracer: tracerProvider.getTracer('test'),
    spans,
    named: (name: string) => spans().filter((span) => span.name === name),
    reset: () => exporter.reset(),
    /** The data points of metric `name` at this moment (cumulative). */
    async points(name: string): Promise<Array<DataPoint<unknown>>> {
      const { resourceMetrics, errors } = await reader.collect();
      if (errors.length > 0) throw errors[0];
      const metrics: MetricData[] = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
      return metrics
        .filter((metric) => metric.descriptor.name === name)
        .flatMap((metric): Array<DataPoint<unknown>> => metric.dataPoints);
    },
    async shutdown() {
      context.disable();
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}

export type OtelHarness = ReturnType<typeof otelHarness>;

/** The value of the point whose attributes include `attributes` (undefined when there is none). */
export function valueAt(points: Array<DataPoint<unknown>>, attributes: Attributes): unknown {
  const point = points.find((candidate) =>
    Object.entries(attributes).every(([name, value]) => candidate.attributes[name] === value),
  );
  return point?.value;
}

export function parentOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}
