import type { RateLimitResult } from '@cachet/core';
import type { RateLimitHeaders } from './rate-limit-module.options.js';

/** One policy's answer for one request. */
export interface PolicyOutcome {
  name: string;
  windowMs: number;
  result: RateLimitResult;
}

const seconds = (ms: number) => Math.ceil(ms / 1000);

/** Where headers go, one at a time. */
export type HeaderSetter = (name: string, value: string) => void;

/**
 * Response headers for the policies that ran: the IETF draft fields
 * (`RateLimit-Policy: "name";q=100;w=60`, `RateLimit: "name";r=42;t=17`) list
 * every policy; the legacy `X-RateLimit-*` describe the binding one (the
 * refusal to wait longest for, else the fewest units left). A policy left
 * unchecked (another refused the request from memory, or first) appears in
 * `RateLimit-Policy` only: it has no figures. All in whole seconds, rounded up.
 * Written straight to `set`, in that order; one policy (the usual route)
 * builds nothing but the values.
 */
export function writeRateLimitHeaders(
  outcomes: readonly PolicyOutcome[],
  family: RateLimitHeaders,
  set: HeaderSetter,
): void {
  if (outcomes.length === 0) return;
  const only = outcomes.length === 1 ? outcomes[0]! : undefined;
  if (only && only.result.source !== 'unchecked') return writeOne(only, family, set);
  const checked = outcomes.filter(({ result }) => result.source !== 'unchecked');
  if (family === 'ietf' || family === 'both') {
    set(
      'RateLimit-Policy',
      outcomes.map(({ name, windowMs, result }) => `"${name}";q=${result.limit};w=${seconds(windowMs)}`).join(', '),
    );
    set(
      'RateLimit',
      checked.map(({ name, result }) => `"${name}";r=${result.remaining};t=${seconds(result.resetMs)}`).join(', '),
    );
  }
  if (family === 'legacy' || family === 'both') writeLegacy(bindingOutcome(checked).result, set);
  const refused = checked.filter(({ result }) => !result.allowed);
  if (refused.length > 0) writeRetryAfter(Math.max(...refused.map((o) => o.result.retryAfterMs)), set);
}

/** The same headers as name/value pairs (a refusal carries them, for whoever answers the 429). */
export function rateLimitHeaders(
  outcomes: readonly PolicyOutcome[],
  family: RateLimitHeaders,
): Array<[string, string]> {
  const headers: Array<[string, string]> = [];
  writeRateLimitHeaders(outcomes, family, (name, value) => headers.push([name, value]));
  return headers;
}

/** The same headers for a single checked policy. */
function writeOne({ name, windowMs, result }: PolicyOutcome, family: RateLimitHeaders, set: HeaderSetter): void {
  if (family === 'ietf' || family === 'both') {
    set('RateLimit-Policy', `"${name}";q=${result.limit};w=${seconds(windowMs)}`);
    set('RateLimit', `"${name}";r=${result.remaining};t=${seconds(result.resetMs)}`);
  }
  if (family === 'legacy' || family === 'both') writeLegacy(result, set);
  if (!result.allowed) writeRetryAfter(result.retryAfterMs, set);
}

function writeLegacy(result: RateLimitResult, set: HeaderSetter): void {
  set('X-RateLimit-Limit', String(result.limit));
  set('X-RateLimit-Remaining', String(result.remaining));
  set('X-RateLimit-Reset', String(seconds(result.resetMs)));
}

function writeRetryAfter(retryAfterMs: number, set: HeaderSetter): void {
  set('Retry-After', String(Math.max(seconds(retryAfterMs), 1)));
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
  const set = headerSetter(response);
  for (const [name, value] of headers) set(name, value);
}

/** Sets headers one by one on an Express response or a Fastify reply (`header()`), or a bare Node response. */
export function headerSetter(response: HeaderSink): HeaderSetter {
  if (typeof response.header === 'function') return (name, value) => response.header!(name, value);
  return (name, value) => response.setHeader?.(name, value);
}
