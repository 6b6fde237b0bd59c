import { LUA_NOW_US, LUA_RATE_LIMIT_PRELUDE } from './rate-limit-prelude.script.js';
import type { LuaScript } from './redis-connection.js';

/**
 * Exact sliding log: a sorted set of admitted units scored by the server's
 * time in microseconds. Members are unique (time + position, suffixed on the
 * rare clash), so same-instant requests never collapse into one. Only
 * admitted units are recorded. O(limit) memory per subject.
 * KEYS: state, block   ARGV: limit, windowMs, cost, blockMs, burst
 */
export const rateLimitSlidingLogScript: LuaScript = {
  name: 'cachetRateLimitSlidingLog',
  numberOfKeys: 2,
  lua: `${LUA_RATE_LIMIT_PRELUDE}${LUA_NOW_US}
local windowUs = window * 1000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', nowUs - windowUs)
local count = redis.call('ZCARD', KEYS[1])
if count + cost > limit then
  local mustLeave = count + cost - limit
  local oldest = redis.call('ZRANGE', KEYS[1], mustLeave - 1, mustLeave - 1, 'WITHSCORES')
  local newest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  local retry = math.ceil((tonumber(oldest[2]) + windowUs - nowUs) / 1000)
  local reset = math.ceil((tonumber(newest[2]) + windowUs - nowUs) / 1000)
  return refuse(limit - count, reset, math.max(retry, 1))
end
local stamp = __time[1] .. string.format('%06d', tonumber(__time[2]))
for i = 1, cost do
  local member = stamp .. ':' .. (count + i)
  while redis.call('ZADD', KEYS[1], 'NX', nowUs, member) == 0 do member = member .. '+' end
end
redis.call('PEXPIRE', KEYS[1], window)
return {1, limit - count - cost, window, 0}
`,
};
