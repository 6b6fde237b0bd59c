import { LUA_RATE_LIMIT_PRELUDE } from './rate-limit-prelude.script.js';
import type { LuaScript } from './redis-connection.js';

/**
 * Fixed window opened by the subject's first request (so windows of different
 * subjects do not all reset at once). One integer with a TTL; a key found
 * without a TTL is treated as a fresh window and given one.
 * KEYS: state, block   ARGV: limit, windowMs, cost, blockMs, burst
 */
export const rateLimitFixedWindowScript: LuaScript = {
  name: 'cachetRateLimitFixedWindow',
  numberOfKeys: 2,
  lua: `${LUA_RATE_LIMIT_PRELUDE}
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local ttl = redis.call('PTTL', KEYS[1])
local fresh = ttl <= 0
if fresh then
  used = 0
  ttl = window
end
if used + cost > limit then return refuse(limit - used, ttl, ttl) end
if fresh then
  redis.call('SET', KEYS[1], cost, 'PX', window)
else
  redis.call('INCRBY', KEYS[1], cost)
end
return {1, limit - used - cost, ttl, 0}
`,
};
