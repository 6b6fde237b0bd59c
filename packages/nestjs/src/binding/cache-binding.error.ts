import { CachetError, ErrorCodes } from '@cachet/core';

/**
 * A decorator used where it cannot work: a method that is not async, a key
 * option that is not a function, a decorator on a static method. Thrown at
 * bootstrap (or decoration time) with the `Class.method` it is about.
 */
export class CacheBindingError extends CachetError {
  readonly code = ErrorCodes.config;

  constructor(
    readonly method: string,
    message: string,
  ) {
    super(`${method}: ${message}`);
  }
}

/** Short rendering of a bad option value for a message. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (value === null || typeof value !== 'object') return String(value);
  try {
    const json = JSON.stringify(value);
    return json.length > 80 ? `${json.slice(0, 77)}...` : json;
  } catch {
    return Object.prototype.toString.call(value);
  }
}
