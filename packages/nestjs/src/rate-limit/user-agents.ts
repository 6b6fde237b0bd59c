import type { ExecutionContext } from '@nestjs/common';
import { CacheConfigError } from '@cachet/core';

/**
 * Checks an `ignoreUserAgents` option: RegExps, copied without the `g` and
 * `y` flags, whose `lastIndex` would make `test` answer differently on
 * every other request.
 */
export function resolveIgnoreUserAgents(value: unknown, option: string): readonly RegExp[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((pattern) => !(pattern instanceof RegExp))) {
    throw new CacheConfigError(option, value, 'an array of RegExp, e.g. [/googlebot/i]');
  }
  return value.map((pattern: RegExp) => new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '')));
}

/** True when the call is an HTTP request whose `User-Agent` matches one of the patterns. */
export function userAgentIgnored(patterns: readonly RegExp[] | undefined, context: ExecutionContext): boolean {
  if (patterns === undefined || patterns.length === 0 || context.getType() !== 'http') return false;
  const request = context.switchToHttp().getRequest<{ headers?: Record<string, string | string[] | undefined> }>();
  const agent = request.headers?.['user-agent'];
  const text = Array.isArray(agent) ? agent.join(', ') : (agent ?? '');
  return patterns.some((pattern) => pattern.test(text));
}
