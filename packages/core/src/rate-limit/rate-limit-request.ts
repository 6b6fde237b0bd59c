import { CacheKeyError } from '../shared/errors.js';
import type { RateLimitKeyCache } from './rate-limit-keys.cache.js';
import type { RateLimitAlgorithm, RateLimitConsumeRequest, RateLimitKeys } from '../store/rate-limit.store.js';
import { assertCost } from './rate-limit-rule.js';
import type { ResolvedRateLimitRule } from './rate-limit.types.js';

/** The keys of `subject` under `algorithm`, its subject and slot checked. */
export function rateLimitKeys(
  keyCache: RateLimitKeyCache,
  subject: string,
  algorithm: RateLimitAlgorithm,
  slot: string | undefined,
): RateLimitKeys {
  assertSubject(subject);
  if (slot !== undefined) assertSubject(slot);
  return keyCache.keys(algorithm, subject, slot);
}

/** One policy's request to the store, its subject, slot and cost checked. */
export function consumeRequest(
  keyCache: RateLimitKeyCache,
  subject: string,
  rule: ResolvedRateLimitRule,
  cost: number | undefined,
  slot: string | undefined,
): RateLimitConsumeRequest {
  const { algorithm, limit, windowMs, blockMs, burst } = rule;
  return {
    keys: rateLimitKeys(keyCache, subject, algorithm, slot),
    algorithm,
    limit,
    windowMs,
    cost: cost === undefined ? rule.cost : assertCost(cost, rule),
    blockMs,
    burst,
  };
}

function assertSubject(subject: unknown): asserts subject is string {
  if (typeof subject !== 'string' || subject === '') {
    throw new CacheKeyError(subject, 'a rate-limit subject must be a non-empty string');
  }
}
