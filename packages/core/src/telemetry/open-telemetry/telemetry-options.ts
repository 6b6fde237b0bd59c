import { CacheConfigError } from '../../shared/errors.js';
import { loadOpenTelemetryApi } from './otel-api.js';

/** Anything with OpenTelemetry's `TracerProvider.getTracer` (an SDK provider, or the API's global one). */
export interface TracerProviderLike {
  getTracer(name: string, version?: string): unknown;
}

/** Anything with OpenTelemetry's `MeterProvider.getMeter`. */
export interface MeterProviderLike {
  getMeter(name: string, version?: string): unknown;
}

/**
 * What Cachet reports to OpenTelemetry (`@opentelemetry/api`, an optional
 * peer dependency): spans for cache reads, loads, lease waits, write-behind
 * flushes and rate-limit checks, and the same figures as metrics. Off unless
 * `openTelemetry: true`.
 */
export interface TelemetryOptions {
  /** Report spans and metrics through `@opentelemetry/api`. Default `false` (see docs/observability.md). */
  openTelemetry?: boolean;
  /**
   * Put the cache key (and rate-limit subjects) on spans as `cachet.key` /
   * `cachet.rate_limit.subjects`. Keys are user text (ids, emails, IPs), so
   * default `false`. Metrics never carry keys.
   */
  recordKeys?: boolean;
  /** Where spans go. Default: the globally registered provider (`trace.setGlobalTracerProvider`, the Node SDK). */
  tracerProvider?: TracerProviderLike;
  /** Where metrics go. Default: the globally registered provider (`metrics.setGlobalMeterProvider`, the Node SDK). */
  meterProvider?: MeterProviderLike;
}

/** Telemetry that is on (the API is installed): where to report, and whether keys go on spans. */
export interface ResolvedTelemetryOptions {
  readonly recordKeys: boolean;
  readonly tracerProvider: TracerProviderLike | undefined;
  readonly meterProvider: MeterProviderLike | undefined;
}

/** The instrumentation scope (tracer and meter name) of every span and metric Cachet reports. */
export const INSTRUMENTATION_SCOPE = '@cachet/core';

export const TELEMETRY_DEFAULTS = { openTelemetry: false, recordKeys: false } as const;

/**
 * The one resolver of `telemetry` options (cache, rate limiter, write-behind,
 * Nest module): `undefined` while telemetry is off, so the hot path pays one
 * property check. Asking for OpenTelemetry without the API installed fails here,
 * at startup, saying what to install.
 */
export function resolveTelemetryOptions(options: TelemetryOptions | undefined): ResolvedTelemetryOptions | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new CacheConfigError('telemetry', options, '{ openTelemetry?: boolean, recordKeys?: boolean }');
  }
  const enabled = options.openTelemetry ?? TELEMETRY_DEFAULTS.openTelemetry;
  if (typeof enabled !== 'boolean') throw new CacheConfigError('telemetry.openTelemetry', enabled, 'true or false');
  const recordKeys = options.recordKeys ?? TELEMETRY_DEFAULTS.recordKeys;
  if (typeof recordKeys !== 'boolean') throw new CacheConfigError('telemetry.recordKeys', recordKeys, 'true or false');
  checkProvider(options.tracerProvider, 'telemetry.tracerProvider', 'getTracer');
  checkProvider(options.meterProvider, 'telemetry.meterProvider', 'getMeter');
  if (!enabled) return undefined;
  if (!loadOpenTelemetryApi()) {
    throw new CacheConfigError(
      'telemetry.openTelemetry',
      true,
      'the @opentelemetry/api package to be installed (npm install @opentelemetry/api), or openTelemetry: false',
    );
  }
  return { recordKeys, tracerProvider: options.tracerProvider, meterProvider: options.meterProvider };
}

function checkProvider(provider: unknown, option: string, method: string): void {
  if (provider === undefined) return;
  if (
    typeof provider !== 'object' ||
    provider === null ||
    typeof (provider as Record<string, unknown>)[method] !== 'function'
  ) {
    throw new CacheConfigError(option, provider, `an OpenTelemetry provider (an object with ${method}())`);
  }
}
