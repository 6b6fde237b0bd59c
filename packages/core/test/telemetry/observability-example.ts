// The runnable example of docs/observability.md: run by observability-example.spec.ts, so the doc stays true.
import { context, metrics, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  AggregationTemporality,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createCache } from '@cachet/core';

export async function observabilityExample(redisUrl: string) {
  // 1. Register an SDK before creating the cache (the Node SDK's `sdk.start()` does all of this).
  const spans = new InMemorySpanExporter(); // in an app: an OTLP exporter
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 60_000 });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }));
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));

  // 2. Turn telemetry on.
  const cache = createCache({ redis: redisUrl, namespace: 'shop', telemetry: { openTelemetry: true } });

  // 3. Cache calls made inside a span (an HTTP request, a job) become its children.
  await trace.getTracer('shop').startActiveSpan('GET /products/42', async (request) => {
    await cache.getOrSet('product:42', async () => ({ id: 42, name: 'Teapot' })); // miss: read + load
    await cache.getOrSet('product:42', async () => ({ id: 42, name: 'Teapot' })); // hit: read only
    request.end();
  });

  await reader.forceFlush();
  const tree = spans.getFinishedSpans().map((span) => `${span.name} ${span.attributes['cachet.outcome'] ?? ''}`.trim());
  const names = metricExporter
    .getMetrics()
    .flatMap((batch) => batch.scopeMetrics.flatMap((scope) => scope.metrics.map((metric) => metric.descriptor.name)));

  await cache.close();
  await reader.shutdown();
  trace.disable();
  metrics.disable();
  context.disable();
  return { tree, names };
}
