/**
 * Shared head of every rate-limit script (inlined at definition time, so each
 * script is still a constant). It reads the arguments, answers at once while
 * the subject serves a block, and defines `refuse`, which starts the block on
 * the refusal that exceeds the limit. Refusals never touch the state key, so
 * they never consume quota.
 *
 * KEYS: state, block   ARGV: limit, windowMs, cost, blockMs, burst
 * Every script returns { allowed 0|1, remaining, resetMs, retryAfterMs }.
 */
export const LUA_RATE_LIMIT_PRELUDE = `
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local blockMs = tonumber(ARGV[4])
local blockedFor = redis.call('PTTL', KEYS[2])
if blockedFor > 0 then return {0, 0, blockedFor, blockedFor} end
local function refuse(remaining, reset, retry)
  if blockMs > 0 then
    retry = math.max(retry, blockMs)
    redis.call('SET', KEYS[2], '1', 'PX', retry)
    reset = math.max(reset, retry)
  end
  return {0, math.max(remaining, 0), reset, retry}
end
`;

/** The server's clock in whole microseconds (exact in a Lua double until year 2255). */
export const LUA_NOW_US = `
local __time = redis.call('TIME')
local nowUs = tonumber(__time[1]) * 1000000 + tonumber(__time[2])
`;
