import { metrics, trace } from '@opentelemetry/api';
import { CacheConfigError, createCache, createRateLimiter } from '@cachet/core';
import { resolveTelemetryOptions } from '@cachet/core/store';
import { recordingLogger } from '../support/caches.js';
import { otelHarness, valueAt } from './otel-harness.js';

describe('telemetry options', () => {
  it('is off unless openTelemetry is true', () => {
    expect(resolveTelemetryOptions(undefined)).toBeUndefined();
    expect(resolveTelemetryOptions({})).toBeUndefined();
    expect(resolveTelemetryOptions({ openTelemetry: false, recordKeys: true })).toBeUndefined();
    expect(resolveTelemetryOptions({ openTelemetry: true })).toEqual({
      recordKeys: false,
      tracerProvider: undefined,
      meterProvider: undefined,
    });
  });

  it.each([
    [{ telemetry: 'on' }, 'telemetry'],
    [{ telemetry: { openTelemetry: 'yes' } }, 'telemetry.openTelemetry'],
    [{ telemetry: { openTelemetry: true, recordKeys: 1 } }, 'telemetry.recordKeys'],
    [{ telemetry: { openTelemetry: true, tracerProvider: {} } }, 'telemetry.tracerProvider'],
    [{ telemetry: { openTelemetry: true, meterProvider: { getMeter: 1 } } }, 'telemetry.meterProvider'],
  ])('refuses %j at creation, naming %s', (options, option) => {
    const make = () => createCache({ store: 'memory', ...(options as object) });
    expect(make).toThrow(CacheConfigError);
    expect(make).toThrow(`"${option}"`);
    expect(() => createRateLimiter({ store: 'memory', ...(options as object) })).toThrow(`"${option}"`);
  });

  it('without @opentelemetry/api installed, asking for it fails at startup and says what to install', () => {
    const cwd = process.cwd();
    process.chdir('/'); // where no node_modules has the API (the ESM sources resolve from here)
    try {
      expect(() => resolveTelemetryOptions({ openTelemetry: true })).toThrow(CacheConfigError);
      expect(() => resolveTelemetryOptions({ openTelemetry: true })).toThrow('npm install @opentelemetry/api');
      expect(resolveTelemetryOptions({ openTelemetry: false })).toBeUndefined();
    } finally {
      process.chdir(cwd);
    }
  });

  it('reports to the globally registered providers by default (the Node SDK registers them)', async () => {
    const otel = otelHarness();
    trace.setGlobalTracerProvider(otel.tracerProvider);
    metrics.setGlobalMeterProvider(otel.meterProvider);
    const cache = createCache({ store: 'memory', logger: recordingLogger(), telemetry: { openTelemetry: true } });
    try {
      await cache.getOrSet('k', async () => 1);
      expect(otel.spans().map((span) => span.name)).toEqual(['cachet.cache.load', 'cachet.cache.read']);
      const points = await otel.points('cachet.cache.misses');
      expect(valueAt(points, { 'cachet.namespace': cache.namespace })).toBe(1);
    } finally {
      await cache.close();
      trace.disable();
      metrics.disable();
      await otel.shutdown();
    }
  });
});

describe('telemetry on before the SDK is registered', () => {
  it('records nothing (and costs nothing) until a tracer provider is registered, then follows it', async () => {
    const otel = otelHarness();
    const cache = createCache({ store: 'memory', logger: recordingLogger(), telemetry: { openTelemetry: true } });
    try {
      await cache.getOrSet('before', async () => 1);
      expect(otel.spans()).toEqual([]);
      trace.setGlobalTracerProvider(otel.tracerProvider);
      await cache.getOrSet('after', async () => 2);
      expect(otel.spans().map((span) => span.name)).toEqual(['cachet.cache.load', 'cachet.cache.read']);
    } finally {
      await cache.close();
      trace.disable();
      await otel.shutdown();
    }
  });
});
