import { LUA_NOW_US, LUA_RATE_LIMIT_PRELUDE } from './rate-limit-prelude.script.js';
import type { LuaScript } from './redis-connection.js';

/**
 * Sliding window as a weighted pair of fixed windows aligned on the server's
 * clock: estimate = previous × (unelapsed share of the current window) +
 * current. O(1) memory: one hash { w: window index, c: current, p: previous }.
 * Its error bound is documented in docs/rate-limiting.md.
 * KEYS: state, block   ARGV: limit, windowMs, cost, blockMs, burst
 */
export const rateLimitSlidingWindowScript: LuaScript = {
  name: 'cachetRateLimitSlidingWindow',
  numberOfKeys: 2,
  lua: `${LUA_RATE_LIMIT_PRELUDE}${LUA_NOW_US}
local now = nowUs / 1000
local index = math.floor(now / window)
local elapsed = now - index * window
local stored = redis.call('HMGET', KEYS[1], 'w', 'c', 'p')
local storedIndex = tonumber(stored[1])
local current, previous = 0, 0
if storedIndex == index then
  current = tonumber(stored[2]) or 0
  previous = tonumber(stored[3]) or 0
elseif storedIndex == index - 1 then
  previous = tonumber(stored[2]) or 0
end
local estimate = previous * (window - elapsed) / window + current
if estimate + cost > limit then
  local retry
  if current + cost <= limit then
    retry = (window - elapsed) - (limit - current - cost) * window / previous
  else
    retry = (window - elapsed) + window - (limit - cost) * window / current
  end
  local reset = 0
  if current > 0 then reset = 2 * window - elapsed elseif previous > 0 then reset = window - elapsed end
  return refuse(math.floor(limit - estimate), math.ceil(reset), math.max(math.ceil(retry), 1))
end
redis.call('HSET', KEYS[1], 'w', index, 'c', current + cost, 'p', previous)
local reset = math.ceil(2 * window - elapsed)
redis.call('PEXPIRE', KEYS[1], reset)
return {1, math.floor(limit - estimate - cost + 1e-9), reset, 0}
`,
};
