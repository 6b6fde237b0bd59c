import type { RateLimitAlgorithm } from '@cachet/core';
import type { RateLimitConsumeRequest } from '@cachet/core/store';

/** A request for an algorithm step: the keys are never read by a step. */
export function stepRequest(
  algorithm: RateLimitAlgorithm,
  { limit, windowMs, cost = 1, burst = limit }: { limit: number; windowMs: number; cost?: number; burst?: number },
): RateLimitConsumeRequest {
  return { keys: { state: 'state', block: 'block' }, algorithm, limit, windowMs, cost, blockMs: 0, burst };
}
