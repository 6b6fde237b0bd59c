import type { RateLimitResult } from '@cachet/core';
import type { RateLimitHeaders } from './rate-limit-module.options.js';

/** One policy's answer for one request. */
export interface PolicyOutcome {
  name: string;
  windowMs: number;
  result: RateLimitResult;
}

const seconds = (ms: number) => Math.ceil(ms / 1000);

/**
 * Response headers for the policies that ran: the IETF draft fields
 * (`RateLimit-Policy: "name";q=100;w=60`, `RateLimit: "name";r=42;t=17`) list
 * every policy; the legacy `X-RateLimit-*` describe the binding one (the
 * refusal to wait longest for, else the fewest units left). A policy left
 * unchecked (another refused the request from memory, or first) appears in
 * `RateLimit-Policy` only: it has no figures. All in whole seconds, rounded up.
 */
export function rateLimitHeaders(
  outcomes: readonly PolicyOutcome[],
  family: RateLimitHeaders,
): Array<[string, string]> {
  if (outcomes.length === 0) return [];
  const checked = outcomes.filter(({ result }) => result.source !== 'unchecked');
  const headers: Array<[string, string]> = [];
  if (family === 'ietf' || family === 'both') {
    headers.push([
      'RateLimit-Policy',
      outcomes.map(({ name, windowMs, result }) => `"${name}";q=${result.limit};w=${seconds(windowMs)}`).join(', '),
    ]);
    headers.push([
      'RateLimit',
      checked.map(({ name, result }) => `"${name}";r=${result.remaining};t=${seconds(result.resetMs)}`).join(', '),
    ]);
  }
  if (family === 'legacy' || family === 'both') {
    const { result } = bindingOutcome(checked);
    headers.push(['X-RateLimit-Limit', String(result.limit)]);
    headers.push(['X-RateLimit-Remaining', String(result.remaining)]);
    headers.push(['X-RateLimit-Reset', String(seconds(result.resetMs))]);
  }
  const refused = checked.filter(({ result }) => !result.allowed);
  if (refused.length > 0) {
    headers.push(['Retry-After', String(Math.max(seconds(Math.max(...refused.map((o) => o.result.retryAfterMs))), 1))]);
  }
  return headers;
}

/** The policy that decides the client's next move. */
export function bindingOutcome(outcomes: readonly PolicyOutcome[]): PolicyOutcome {
  return outcomes.reduce((binding, outcome) => {
    const a = binding.result;
    const b = outcome.result;
    if (a.allowed !== b.allowed) return b.allowed ? binding : outcome;
    if (!a.allowed) return b.retryAfterMs > a.retryAfterMs ? outcome : binding;
    if (b.remaining !== a.remaining) return b.remaining < a.remaining ? outcome : binding;
    return b.resetMs > a.resetMs ? outcome : binding;
  });
}

/** What the headers are written on: an Express response or a Fastify reply. */
export interface HeaderSink {
  header?(name: string, value: string): unknown;
  setHeader?(name: string, value: string): unknown;
}

/** Writes headers on an Express response or a Fastify reply. */
export function writeHeaders(response: HeaderSink, headers: ReadonlyArray<readonly [string, string]>): void {
  for (const [name, value] of headers) {
    if (typeof response.header === 'function') response.header(name, value);
    else response.setHeader?.(name, value);
  }
}
