import { CacheKeyError } from '@cachet/core';
import { assertValidKey, stableHash } from '@cachet/core/store';
import type { HttpCacheOptions, HttpCacheRequest } from './http-cache.decorator.js';

/** Why a request is not cached (for debugging), or its key. */
export type HttpCacheDecision = { cache: true; key: string } | { cache: false; reason: string };

const IDENTITY_FIELDS = ['id', 'sub', 'userId', 'username'] as const;

/**
 * The entry a request maps to: route path + query with parameters sorted,
 * plus the user and the `vary` headers when configured. A request carrying
 * credentials is never keyed as if it were anonymous.
 */
export function httpCacheKey(request: HttpCacheRequest, options: HttpCacheOptions): HttpCacheDecision {
  const vary = (options.vary ?? []).map((name) => name.toLowerCase());
  for (const credential of ['authorization', 'cookie']) {
    const carried = request.headers[credential] !== undefined;
    if (carried && !options.perUser && !options.shareAuthenticated && !vary.includes(credential)) {
      return { cache: false, reason: `the request carries ${credential} (set perUser, vary or shareAuthenticated)` };
    }
  }
  let user: string | undefined;
  if (options.perUser) {
    user = typeof options.perUser === 'function' ? options.perUser(request) : identityOf(request.user);
    if (user === undefined || user === '')
      return { cache: false, reason: 'perUser is set but the request has no user' };
  }
  if (options.key) return { cache: true, key: options.key(request) };
  const url = new URL(request.originalUrl ?? request.url, 'http://cachet.invalid');
  url.searchParams.sort();
  const varied = vary.map((name) => [name, request.headers[name] ?? '']);
  const digest = hex(stableHash({ query: url.searchParams.toString(), user, vary: varied }));
  return { cache: true, key: `http:${readablePath(url.pathname)}:${digest}` };
}

function identityOf(user: unknown): string | undefined {
  if (user === null || typeof user !== 'object') return undefined;
  for (const field of IDENTITY_FIELDS) {
    const value = (user as Record<string, unknown>)[field];
    if (typeof value === 'string' || typeof value === 'number') return String(value);
  }
  return undefined;
}

/** The path as written when the key check accepts it (`/null-island` does not), a digest otherwise. */
function readablePath(path: string): string {
  try {
    assertValidKey(`http:${path}`);
    return path;
  } catch (error) {
    if (!(error instanceof CacheKeyError)) throw error;
    return `~${hex(stableHash(path))}`;
  }
}

function hex(digest: string): string {
  return Buffer.from(digest, 'base64url').toString('hex');
}
