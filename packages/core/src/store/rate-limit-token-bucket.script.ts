import { LUA_NOW_US, LUA_RATE_LIMIT_PRELUDE } from './rate-limit-prelude.script.js';
import type { LuaScript } from './redis-connection.js';

/**
 * Token bucket as GCRA: one number per subject, the theoretical arrival time
 * (TAT, whole µs on the server's clock). A unit is emitted every
 * window/limit; `burst` units may be taken at once. The TTL is the time until
 * the bucket is full again, after which the key is not needed.
 * KEYS: state, block   ARGV: limit, windowMs, cost, blockMs, burst
 */
export const rateLimitTokenBucketScript: LuaScript = {
  name: 'cachetRateLimitTokenBucket',
  numberOfKeys: 2,
  lua: `${LUA_RATE_LIMIT_PRELUDE}${LUA_NOW_US}
local burst = tonumber(ARGV[5])
local emission = window * 1000 / limit
local tolerance = emission * burst
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < nowUs then tat = nowUs end
local nextTat = math.floor(tat + emission * cost + 0.5)
local allowAt = nextTat - tolerance
if allowAt > nowUs then
  local remaining = math.floor((tolerance - (tat - nowUs)) / emission + 1e-9)
  return refuse(remaining, math.ceil((tat - nowUs) / 1000), math.max(math.ceil((allowAt - nowUs) / 1000), 1))
end
local reset = math.ceil((nextTat - nowUs) / 1000)
redis.call('SET', KEYS[1], nextTat, 'PX', math.max(reset, 1))
return {1, math.floor((tolerance - (nextTat - nowUs)) / emission + 1e-9), reset, 0}
`,
};
