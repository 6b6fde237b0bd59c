import { createRequire } from 'node:module';
import type * as OtelApi from '@opentelemetry/api';

/** The `@opentelemetry/api` module, when the app installed it (an optional peer dependency). */
export type OpenTelemetryApi = typeof OtelApi;

/**
 * Loads `@opentelemetry/api` only when telemetry is asked for, so Cachet
 * installs and runs without it. The published build is CommonJS, where
 * `require` resolves from this package; the TypeScript sources (run as ESM by
 * the project's own tests) resolve from the working directory. Either way the
 * API keeps its providers on a process-wide symbol, so this copy and the app's
 * share the registered SDK.
 */
export function loadOpenTelemetryApi(): OpenTelemetryApi | undefined {
  const load = typeof require === 'function' ? require : createRequire(`${process.cwd()}/index.js`);
  try {
    return load('@opentelemetry/api') as OpenTelemetryApi;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return undefined;
    throw error;
  }
}
