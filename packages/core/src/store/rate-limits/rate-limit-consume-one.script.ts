import type { RateLimitAlgorithm, RateLimitOutcome } from '../rate-limit.store.js';
import { defineScript } from '../redis/redis-script.js';
import { luaBlock } from './rate-limit-block.script.js';
import { LUA_NOW_US } from './rate-limit-clock.fragment.js';
import { LUA_STEPS } from './rate-limit-steps.js';

/**
 * Checks and consumes one policy: what the batch script
 * (rate-limit-consume.script.ts) decides for a batch of one, with its
 * algorithm's step inlined, so it runs straight through: no function, table
 * or closure to build, and no clock read unless the algorithm needs one. One
 * script per algorithm. Refused: the state is untouched; the refusal that
 * exceeds the limit starts the block (`blockMs`).
 *
 * KEYS: state, block
 * ARGV: limit, windowMs, cost, blockMs, burst
 * Reply: { admitted 0|1, remaining, resetMs, retryAfterMs }
 */
function consumeOneLua(algorithm: RateLimitAlgorithm): string {
  const step = LUA_STEPS[algorithm];
  return `
local blocked = ${luaBlock.remaining('KEYS[2]')}
if blocked > 0 then return { 0, 0, blocked, blocked } end
local key, limit, window, cost = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local blockMs, burst = tonumber(ARGV[4]), tonumber(ARGV[5])
${step.clock ? LUA_NOW_US : ''}${step.decide}
if ok then
${step.commit}
  return { 1, remaining, reset, 0 }
end
if blockMs > 0 then
  ${luaBlock.start('KEYS[2]', 'blockMs', 'retry')}
  reset = math.max(reset, retry)
end
return { 0, math.max(remaining, 0), reset, retry }
`;
}

const define = (algorithm: RateLimitAlgorithm, name: string) =>
  defineScript({
    name,
    lua: consumeOneLua(algorithm),
    keys: ['state', 'block'],
    args: ['limit', 'windowMs', 'cost', 'blockMs', 'burst'],
    decode: ([allowed, remaining, resetMs, retryAfterMs]: number[]): RateLimitOutcome => ({
      allowed: allowed === 1,
      remaining: remaining!,
      resetMs: resetMs!,
      retryAfterMs: retryAfterMs!,
    }),
  });

/** The script of each algorithm. */
export const rateLimitConsumeOneScripts = {
  'fixed-window': define('fixed-window', 'cachetRateLimitFixedWindow'),
  'sliding-window': define('sliding-window', 'cachetRateLimitSlidingWindow'),
  'sliding-log': define('sliding-log', 'cachetRateLimitSlidingLog'),
  'token-bucket': define('token-bucket', 'cachetRateLimitTokenBucket'),
} satisfies Record<RateLimitAlgorithm, unknown>;
