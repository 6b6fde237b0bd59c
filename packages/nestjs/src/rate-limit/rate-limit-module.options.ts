import { CacheConfigError } from '@cachet/core';
import { resolveRateLimiterOptions } from '@cachet/core/store';
import { ClientAddressResolver, type TrustProxy } from './client-address.js';
import type { Ipv6Subnet } from './client-subnet.js';
import {
  resolveRateLimitPolicies,
  type RateLimitKey,
  type RateLimitPolicy,
  type ResolvedRateLimitPolicy,
} from './rate-limit.policy.js';
import { resolveErrorMessage, type RateLimitErrorMessage } from './rate-limit-refusal.js';
import { resolveIgnoreUserAgents } from './user-agents.js';

export type RateLimitHeaders = 'ietf' | 'legacy' | 'both' | false;

/** `CacheModule.forRoot({ rateLimit })`. */
export interface RateLimitModuleOptions {
  /**
   * Whom to believe about the client address: `false` (default: the socket peer only), `true`
   * (the leftmost `X-Forwarded-For` entry), a number of proxy hops, or the proxies' addresses/CIDRs.
   */
  trustProxy?: TrustProxy;
  /**
   * IPv6 clients are counted per network of this many leading bits: 64 (default) makes one /64 one
   * client; `false` or 128 counts every address apart. IPv4 (and IPv4-mapped IPv6) is never grouped.
   */
  ipv6Subnet?: Ipv6Subnet;
  /** Header families sent: IETF draft fields, legacy `X-RateLimit-*`, both (default) or none. */
  headers?: RateLimitHeaders;
  /** Redis unavailable: admit through the in-process insurance limiter (default) or answer 503. */
  failOpen?: boolean;
  /**
   * Registers `RateLimitGuard` as a global guard, so it runs before route guards (brute force
   * is stopped before auth). `true` enforces declared policies everywhere; policies are also applied to every route.
   */
  global?: boolean | RateLimitPolicy | RateLimitPolicy[];
  /** The 429's `message` for every policy without its own `errorMessage`: a text, or `(context, refusal) => string`. */
  errorMessage?: RateLimitErrorMessage;
  /** HTTP requests whose `User-Agent` matches one of these are left out of every policy without its own list. */
  ignoreUserAgents?: RegExp[];
  /** The counted key of every policy without its own `key` (`@nestjs/throttler`'s `generateKey`). */
  key?: RateLimitKey;
}

export interface ResolvedRateLimitModuleOptions {
  readonly headers: RateLimitHeaders;
  readonly failOpen: boolean;
  readonly global: boolean;
  readonly globalPolicies: readonly ResolvedRateLimitPolicy[];
  readonly clientAddress: ClientAddressResolver;
  readonly errorMessage?: RateLimitErrorMessage;
  readonly ignoreUserAgents?: readonly RegExp[];
  readonly key?: RateLimitKey;
}

/** Validates and defaults the rate-limit options, once. */
export function resolveRateLimitModuleOptions(options: RateLimitModuleOptions = {}): ResolvedRateLimitModuleOptions {
  if (typeof options !== 'object' || options === null) {
    throw new CacheConfigError(
      'rateLimit',
      options,
      '{ trustProxy?, ipv6Subnet?, headers?, failOpen?, global?, errorMessage?, ignoreUserAgents?, key? }',
    );
  }
  const headers = options.headers ?? 'both';
  if (!['ietf', 'legacy', 'both', false].includes(headers)) {
    throw new CacheConfigError('rateLimit.headers', headers, "'ietf', 'legacy', 'both' or false");
  }
  // The limiter's own setting: its default and check are core's.
  const { failOpen } = resolveRateLimiterOptions({ failOpen: options.failOpen }, 'rateLimit.');
  const global = options.global;
  const globalPolicies =
    global === undefined || typeof global === 'boolean' ? [] : resolveRateLimitPolicies(global, 'rateLimit.global');
  return {
    headers,
    failOpen,
    global: global !== undefined && global !== false,
    globalPolicies,
    clientAddress: new ClientAddressResolver(options.trustProxy ?? false, options.ipv6Subnet),
    errorMessage: resolveErrorMessage(options.errorMessage, 'rateLimit.errorMessage'),
    ignoreUserAgents: resolveIgnoreUserAgents(options.ignoreUserAgents, 'rateLimit.ignoreUserAgents'),
    key: resolveKey(options.key),
  };
}

function resolveKey(key: unknown): RateLimitKey | undefined {
  if (key === undefined || typeof key === 'function') return key as RateLimitKey | undefined;
  throw new CacheConfigError('rateLimit.key', key, 'a function (context, tracker, policyName) => string');
}
